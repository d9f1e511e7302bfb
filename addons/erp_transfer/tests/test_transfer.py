from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from .common import ErpTransferCase


@tagged("post_install", "-at_install")
class TestTransfer(ErpTransferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_transfer()
        cls.campaign = cls.env["utm.campaign"].create([{"name": "IAA 2013"}])
        cls.medium = cls.env["utm.medium"].create([{"name": "ET Messe"}])
        cls.source = cls.env["utm.source"].create([{"name": "ET Messestand"}])
        cls.invoice_address, cls.delivery_address = cls.env["res.partner"].create(
            [
                {
                    "name": "Buchhaltung",
                    "type": "invoice",
                    "parent_id": cls.customer.id,
                    "street": "Postfach 1",
                },
                {
                    "name": "Baustelle Halle 3",
                    "type": "delivery",
                    "parent_id": cls.customer.id,
                    "street": "Industriestraße 3",
                },
            ]
        )
        cls.company.order_transfer_on_won = False

    def _orders_of(self, leads):
        return self.env["sale.order"].search([("opportunity_id", "in", leads.ids)])

    def _logs_of(self, leads):
        return self.env["erp.transfer.log"].search([("lead_id", "in", leads.ids)])

    def test_transfer_carries_the_opportunity(self):
        lead = self._new_lead(
            partner=self.contact,
            campaign_id=self.campaign.id,
            medium_id=self.medium.id,
            source_id=self.source.id,
            web_reference="WEB-2026-00042",
        )
        lead.with_user(self.user_salesman).action_transfer_to_order()
        order = lead.transfer_order_id
        self.assertRecordValues(
            order,
            [
                {
                    "partner_id": self.contact.id,
                    "partner_invoice_id": self.invoice_address.id,
                    "partner_shipping_id": self.delivery_address.id,
                    "opportunity_id": lead.id,
                    "campaign_id": self.campaign.id,
                    "medium_id": self.medium.id,
                    "source_id": self.source.id,
                    "client_order_ref": "WEB-2026-00042",
                    "user_id": self.user_salesman.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "origin": "PV Hallendach",
                    "state": "draft",
                }
            ],
        )
        self.assertRecordValues(
            order.order_line.sorted("product_uom_qty"),
            [
                {
                    "product_id": self.product_heat_pump.id,
                    "product_uom_qty": 1,
                    "price_unit": 14500.0,
                    "name": "Sole-Wasser-Wärmepumpe 12 kW",
                },
                {
                    "product_id": self.product_module.id,
                    "product_uom_qty": 70,
                    "price_unit": 175.0,
                    "name": "PV-Modul 410 Wp",
                },
            ],
        )
        self.assertEqual(order.amount_untaxed, 70 * 175.0 + 14500.0)
        self.assertRecordValues(
            self._logs_of(lead),
            [
                {
                    "order_id": order.id,
                    "state": "done",
                    "attempts": 1,
                    "generation": 1,
                    "user_id": self.user_salesman.id,
                    "idempotency_key": f"crm.lead-{lead.id}-order-1",
                }
            ],
        )
        self.assertFalse(lead.can_transfer_to_order)
        self.assertIn(order.name, lead.message_ids[0].body)

    def test_customer_without_address(self):
        bare = self.env["res.partner"].create([{"name": "Ohne Adresse"}])
        lead = self._new_lead(partner=bare)
        order = lead.transfer_order_id | lead._transfer_to_order()
        self.assertRecordValues(
            order,
            [
                {
                    "partner_id": bare.id,
                    "partner_invoice_id": bare.id,
                    "partner_shipping_id": bare.id,
                }
            ],
        )

    @users("et_salesman")
    def test_second_click_gives_the_same_order(self):
        lead = self._new_lead().with_user(self.env.user)
        first = lead.action_transfer_to_order()
        second = lead.action_transfer_to_order()
        self.assertEqual(first["res_id"], second["res_id"])
        self.assertEqual(len(self._orders_of(lead)), 1)
        self.assertEqual(len(self._logs_of(lead)), 1)

    def test_automation_then_click(self):
        self.company.order_transfer_on_won = True
        lead = self._new_lead(won=False)
        lead.stage_id = self.stage_won
        order = lead.transfer_order_id
        self.assertTrue(order, "winning created the order")
        self.assertEqual(lead._transfer_to_order(), order)
        lead.action_set_won()
        self.assertEqual(self._orders_of(lead), order)
        self.assertEqual(self._logs_of(lead).attempts, 1)

    @users("et_salesman")
    def test_salesman_wins_and_the_order_is_created(self):
        self.company.sudo().order_transfer_on_won = True
        lead = self._new_lead(won=False).with_user(self.env.user)
        lead.action_set_won()
        self.assertEqual(self._orders_of(lead), lead.transfer_order_id)
        self.assertTrue(lead.transfer_order_id)
        self.assertEqual(self._logs_of(lead).user_id, self.env.user)

    def test_list_action_transfers_the_selection(self):
        leads = self._new_lead(name="Liste 1") | self._new_lead(name="Liste 2")
        first = leads[0]._transfer_to_order()
        action = (
            self.env.ref("erp_transfer.crm_lead_action_transfer_to_order")
            .with_user(self.user_sales_manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .run()
        )
        orders = self._orders_of(leads)
        self.assertEqual(len(orders), 2)
        self.assertIn(first, orders)
        self.assertEqual(sorted(action["domain"][0][2]), sorted(orders.ids))

    def test_click_then_automation(self):
        """The order exists when the automation is switched on and the lead is
        won again: no second order."""
        lead = self._new_lead()
        order = lead._transfer_to_order()
        self.company.order_transfer_on_won = True
        lead.action_set_lost()
        lead.toggle_active()
        lead.stage_id = self.stage_open
        lead.stage_id = self.stage_won
        lead._transfer_to_order_on_won()  # even if the hook ran again
        self.assertEqual(self._orders_of(lead), order)

    def test_won_lost_won(self):
        self.company.order_transfer_on_won = True
        lead = self._new_lead(won=False)
        lead.action_set_won()
        order = lead.transfer_order_id
        lead.action_set_lost()
        self.assertEqual(lead.transfer_order_id, order, "the order stays when lost")
        lead.toggle_active()
        lead.stage_id = self.stage_won
        lead.action_transfer_to_order()
        self.assertEqual(self._orders_of(lead), order)
        self.assertEqual(len(self._logs_of(lead)), 1)

    def test_import_wins_500_opportunities(self):
        """An import of 500 won opportunities with their lines creates each order
        once, in one batch; transferring all of them afterwards creates none."""
        self.company.order_transfer_on_won = True
        fields = [
            "name",
            "type",
            "partner_id/.id",
            "stage_id/.id",
            "lead_line_ids/product_id/.id",
            "lead_line_ids/name",
            "lead_line_ids/product_qty",
            "lead_line_ids/price_unit",
        ]
        rows = [
            [
                f"Import {index}",
                "opportunity",
                str(self.customer.id),
                str(self.stage_won.id),
                str(self.product_module.id),
                "PV-Modul",
                str(index % 9 + 1),
                "180",
            ]
            for index in range(500)
        ]
        result = self.env["crm.lead"].load(fields, rows)
        self.assertFalse(result["messages"], result["messages"][:3])
        leads = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(len(leads), 500)
        orders = self._orders_of(leads)
        self.assertEqual(len(orders), 500)
        self.assertEqual(orders.opportunity_id, leads)
        # the import again (update), then the list action on all of them
        leads.write({"stage_id": self.stage_open.id})
        leads.write({"stage_id": self.stage_won.id})
        action = leads.action_transfer_to_order()
        self.assertEqual(sorted(action["domain"][0][2]), sorted(orders.ids))
        self.assertEqual(self._orders_of(leads), orders)
        self.assertEqual(len(self._logs_of(leads)), 500)

    def test_key_is_unique_in_the_database(self):
        """The database guarantee behind exactly once: a second row for the same
        key is refused, and a claim of a key already done returns nothing."""
        lead = self._new_lead()
        lead._transfer_to_order()
        log = self._logs_of(lead)
        Log = self.env["erp.transfer.log"]
        self.assertFalse(Log._claim(lead, {lead.id: 1}))
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            Log.create([{"lead_id": lead.id, "idempotency_key": log.idempotency_key}])

    def test_failed_attempt_is_logged_and_retried(self):
        self.company.order_transfer_on_won = True
        lead = self._new_lead(won=False, lines=[])
        lead.stage_id = self.stage_won
        self.assertFalse(lead.transfer_order_id)
        self.assertIn("no product lines", lead.won_handover_error)
        self.assertRecordValues(
            self._logs_of(lead), [{"state": "failed", "attempts": 1, "order_id": False}]
        )
        self.assertIn("no product lines", self._logs_of(lead).error)
        # the clerk adds the product and transfers
        lead.lead_line_ids = [
            Command.create(
                {"product_id": self.product_module.id, "name": "PV", "product_qty": 4}
            )
        ]
        order = lead._transfer_to_order()
        self.assertRecordValues(
            self._logs_of(lead),
            [{"state": "done", "attempts": 2, "order_id": order.id, "error": False}],
        )

    def test_retry_of_the_handover_creates_the_order(self):
        self.company.order_transfer_on_won = True
        self.company.order_clerk_user_id = self.user_order_clerk
        lead = self._new_lead(won=False, partner=self.env["res.partner"])
        lead.action_set_won()
        self.assertIn("no customer", lead.won_handover_error)
        lead.partner_id = self.customer
        lead.action_retry_order_handover()
        self.assertFalse(lead.won_handover_error)
        self.assertTrue(lead.transfer_order_id)
        self.assertRecordValues(
            self._logs_of(lead), [{"state": "done", "attempts": 2, "error": False}]
        )
        self.assertEqual(len(lead._get_open_order_handover_tasks()), 1)

    def test_transfer_again_asks_for_a_reason(self):
        lead = self._new_lead()
        first = lead._transfer_to_order()
        wizard = Form(
            self.env["crm.lead.transfer.again"].with_context(default_lead_id=lead.id)
        )
        with self.assertRaises(AssertionError):  # the reason is required
            wizard.save()
        wizard.reason = "Zweites Gebäude, gleiche Anlage"
        action = wizard.save().action_transfer_again()
        second = self.env["sale.order"].browse(action["res_id"])
        self.assertNotEqual(second, first)
        self.assertEqual(lead.transfer_order_id, second)
        self.assertEqual(self._orders_of(lead), first | second)
        self.assertRecordValues(
            self._logs_of(lead).sorted("generation"),
            [
                {"generation": 1, "order_id": first.id, "reason": False},
                {
                    "generation": 2,
                    "order_id": second.id,
                    "reason": "Zweites Gebäude, gleiche Anlage",
                },
            ],
        )
        # a normal click still gives the latest order, not a third one
        self.assertEqual(lead._transfer_to_order(), second)
        with self.assertRaises(UserError):
            lead._transfer_to_order_again("  ")

    def test_deleted_order_needs_transfer_again(self):
        lead = self._new_lead()
        lead._transfer_to_order().unlink()
        self.assertFalse(lead.transfer_order_id)
        self.assertFalse(lead.can_transfer_to_order, "a click would not help")
        with self.assertRaisesRegex(UserError, "Transfer Again"):
            lead.action_transfer_to_order()
        order = lead._transfer_to_order_again("Auftrag versehentlich gelöscht")
        self.assertEqual(lead.transfer_order_id, order)
        self.assertEqual(self._orders_of(lead), order)

    def test_bad_input_creates_nothing(self):
        no_customer = self._new_lead(partner=self.env["res.partner"], name="Ohne Kunde")
        no_lines = self._new_lead(lines=[], name="Ohne Produkte")
        not_won = self._new_lead(won=False, name="Offen")
        good = self._new_lead(name="Gut")
        leads = no_customer | no_lines | not_won | good
        with self.assertRaises(UserError) as caught:
            leads.action_transfer_to_order()
        message = str(caught.exception)
        self.assertIn("Ohne Kunde: it has no customer", message)
        self.assertIn("Ohne Produkte: it has no product lines", message)
        self.assertIn("Offen: it is not won", message)
        self.assertFalse(self._orders_of(leads))
        self.assertFalse(self._logs_of(leads))

    def test_archived_product_is_refused_by_name(self):
        lead = self._new_lead()
        self.product_heat_pump.action_archive()
        with self.assertRaisesRegex(
            UserError, "Sole-Wasser-Wärmepumpe 12 kW.*archived"
        ):
            lead._transfer_to_order()
        self.assertFalse(self._orders_of(lead))
        self.product_heat_pump.action_unarchive()
        self.assertTrue(lead._transfer_to_order())

    def test_archived_product_does_not_block_winning(self):
        self.company.order_transfer_on_won = True
        lead = self._new_lead(won=False)
        self.product_module.action_archive()
        lead.action_set_won()
        self.assertTrue(lead.active and lead.stage_id.is_won)
        self.assertFalse(lead.transfer_order_id)
        self.assertIn("PV-Modul 410 Wp", lead.won_handover_error)

    def test_settings(self):
        self.assertTrue(self.company.order_transfer_close_task, "on by default")
        settings = self.env["res.config.settings"].create(
            [{"order_transfer_on_won": True, "order_transfer_close_task": False}]
        )
        settings.execute()
        self.assertTrue(self.company.order_transfer_on_won)
        self.assertFalse(self.company.order_transfer_close_task)
        lead = self._new_lead(won=False)
        lead.stage_id = self.stage_won
        self.assertTrue(lead.transfer_order_id)

    def test_clerk_task_links_and_closes(self):
        self.company.order_clerk_user_id = self.user_order_clerk
        lead = self._new_lead(won=False)
        lead.action_set_won()
        task = lead._get_open_order_handover_tasks()
        self.assertEqual(task.user_id, self.user_order_clerk)
        order = lead._transfer_to_order()
        self.assertIn(order.name, task.note)
        self.assertIn(f'data-oe-id="{order.id}"', task.note)
        order.action_confirm()
        self.assertFalse(task.exists(), "done activities are archived or removed")
        self.assertFalse(lead._get_open_order_handover_tasks())
        self.assertIn("confirmed", lead.message_ids[0].body)

    def test_clerk_task_stays_open_if_the_company_wants(self):
        self.company.order_clerk_user_id = self.user_order_clerk
        self.company.order_transfer_close_task = False
        lead = self._new_lead(won=False)
        lead.action_set_won()
        lead._transfer_to_order().action_confirm()
        self.assertTrue(lead._get_open_order_handover_tasks())

    def test_batch_query_count_is_constant(self):
        """Transferring 10 or 100 opportunities costs the same number of queries
        (a fixed bound, not a number per order)."""
        Lead = self.env["crm.lead"]
        leads_10 = Lead.create(
            [self._lead_values(name=f"Klein {n}") for n in range(10)]
        )
        leads_100 = Lead.create(
            [self._lead_values(name=f"Groß {n}") for n in range(100)]
        )
        # warm the caches (rules, sequences, templates) outside the count
        self._new_lead(name="Warm")._transfer_to_order()
        counts = []
        for leads in (leads_10, leads_100):
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            leads._transfer_to_order()
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(len(self._orders_of(leads_10 | leads_100)), 110)
        # the same queries for 10 and 100 orders; the ORM writes rows in chunks of
        # 100 (INSERT_BATCH_SIZE), so 200 order lines take one INSERT more
        self.assertLessEqual(counts[1] - counts[0], 4, counts)
        leads_50 = Lead.create(
            [self._lead_values(name=f"Mittel {n}") for n in range(50)]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(counts[0]):
            leads_50._transfer_to_order()
