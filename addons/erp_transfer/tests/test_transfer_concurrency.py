from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTransferConcurrency(TransactionCase):
    """Two sessions transfer the same won opportunity at the same moment.

    Each session is a real transaction on its own cursor (REPEATABLE READ, as
    Odoo's requests), on data committed for this test and removed afterwards; the
    test's own transaction is not used, so the two sessions see each other only
    through PostgreSQL, as two users of a server would. A lock timeout stands in
    for "the second session waits": the test never hangs.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            # the won automation stays out of it (restored afterwards)
            self.auto_before = env.company.order_transfer_on_won
            env.company.order_transfer_on_won = False
            stage = env["crm.stage"].create(
                [{"name": "ET Gewonnen (Nebenläufig)", "is_won": True}]
            )
            partner = env["res.partner"].create(
                [{"name": "Nebenläufig GmbH", "is_company": True}]
            )
            product = env["product.product"].create(
                [{"name": "ET Speicher 10 kWh", "list_price": 6900.0}]
            )
            lead = env["crm.lead"].create(
                [
                    {
                        "name": "Zwei Klicks",
                        "type": "opportunity",
                        "partner_id": partner.id,
                        "stage_id": stage.id,
                        "lead_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": product.name,
                                    "product_qty": 2,
                                    "price_unit": 6900.0,
                                }
                            )
                        ],
                    }
                ]
            )
            self.records = {
                "crm.stage": stage.id,
                "res.partner": partner.id,
                "product.product": product.id,
                "crm.lead": lead.id,
            }
        self.addCleanup(self._remove_committed_records)

    def _remove_committed_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            lead = env["crm.lead"].browse(self.records["crm.lead"])
            env["sale.order"].search([("opportunity_id", "=", lead.id)]).unlink()
            env["mail.activity"].search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            ).unlink()
            lead.lead_line_ids.unlink()
            lead.unlink()  # and its transfer log
            env.company.order_transfer_on_won = self.auto_before
            for model in ("product.product", "res.partner", "crm.stage"):
                record = env[model].browse(self.records[model])
                if model == "product.product":
                    record.product_tmpl_id.unlink()
                else:
                    record.unlink()

    def _session(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET lock_timeout = '3s'")
        return api.Environment(cr, SUPERUSER_ID, {})

    def _orders(self, env):
        return env["sale.order"].search(
            [("opportunity_id", "=", self.records["crm.lead"])]
        )

    def test_second_session_waits_then_finds_the_order(self):
        first, second = self._session(), self._session()
        lead_id = self.records["crm.lead"]
        order = first["crm.lead"].browse(lead_id)._transfer_to_order()
        # the second click waits for the first session's key (lock timeout here)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(errors.LockNotAvailable),
        ):
            second["crm.lead"].browse(lead_id)._transfer_to_order()
        second.cr.rollback()
        first.cr.commit()
        # ... and once the first session committed, it gets that order
        second.invalidate_all()
        self.assertEqual(second["crm.lead"].browse(lead_id)._transfer_to_order(), order)
        self.assertEqual(self._orders(second), order)
        second.cr.commit()

    def test_older_snapshot_fails_to_serialise_and_the_retry_finds_the_order(self):
        first, second = self._session(), self._session()
        lead_id = self.records["crm.lead"]
        # the second session's transaction started before the first one committed
        second.cr.execute("SELECT 1")
        order = first["crm.lead"].browse(lead_id)._transfer_to_order()
        first.cr.commit()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(errors.SerializationFailure),
        ):
            second["crm.lead"].browse(lead_id)._transfer_to_order()
        # Odoo retries a request that failed to serialise: the retry finds the order
        second.cr.rollback()
        second.invalidate_all()
        self.assertEqual(second["crm.lead"].browse(lead_id)._transfer_to_order(), order)
        self.assertEqual(self._orders(second), order)
        self.assertEqual(
            second["erp.transfer.log"].search_count([("lead_id", "=", lead_id)]), 1
        )
