from datetime import date

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.modules.migration import load_script
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import file_path
from odoo.tools.sql import index_exists

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..hooks import post_init_hook


@tagged("post_install", "-at_install")
class TestAfterSales(AccountTestInvoicingCommon):
    """Business fields, customer status and purchase data from confirmed orders and
    posted invoices (a company of its own with a chart of accounts, no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.user_salesman = new_test_user(
            cls.env,
            login="as_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=company.id,
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="as_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=company.id,
        )
        cls.field_solar = cls.env.ref("crm_phases.business_field_solar")
        cls.field_geo = cls.env.ref("crm_phases.business_field_geothermal")
        cls.field_pellet = cls.env.ref("crm_phases.business_field_pellet")
        Category = cls.env["product.category"]
        cls.categ_solar = Category.create(
            [{"name": "AS Solar", "business_field_id": cls.field_solar.id}]
        )
        cls.categ_storage = Category.create(
            [{"name": "AS Speicher", "parent_id": cls.categ_solar.id}]
        )
        cls.categ_geo = Category.create(
            [{"name": "AS Geo", "business_field_id": cls.field_geo.id}]
        )
        cls.categ_service = Category.create([{"name": "AS Services"}])
        Product = cls.env["product.product"]
        cls.product_module, cls.product_storage, cls.product_pump, cls.product_work = (
            Product.create(
                [
                    {"name": "AS Module", "categ_id": cls.categ_solar.id},
                    {"name": "AS Storage", "categ_id": cls.categ_storage.id},
                    {"name": "AS Heat Pump", "categ_id": cls.categ_geo.id},
                    {"name": "AS Installation", "categ_id": cls.categ_service.id},
                ]
            )
        )
        (
            cls.product_module
            | cls.product_storage
            | cls.product_pump
            | cls.product_work
        ).write({"taxes_id": [Command.clear()]})
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2016-01-01", 3.0), ("2017-01-01", 2.0)]
        )
        if cls.eur == company.currency_id:  # pragma: no cover - company in EUR
            cls.eur = cls.setup_other_currency(
                "CHF", rates=[("2016-01-01", 3.0), ("2017-01-01", 2.0)]
            )
        cls.pricelist_eur = cls.env["product.pricelist"].create(
            [{"name": "AS Foreign", "currency_id": cls.eur.id}]
        )
        Partner = cls.env["res.partner"]
        cls.company_a = Partner.create(
            [{"name": "AS Sonnenschein", "is_company": True}]
        )
        cls.contact_a = Partner.create(
            [{"name": "AS Anna", "parent_id": cls.company_a.id}]
        )

    def _order(self, partner, lines, **values):
        return self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": price,
                            }
                        )
                        for product, price in lines
                    ],
                    **values,
                }
            ]
        )

    def _invoice(
        self,
        partner,
        lines,
        invoice_date="2024-03-01",
        move_type="out_invoice",
        **values,
    ):
        move = self.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, price in lines
                    ],
                    **values,
                }
            ]
        )
        move.action_post()
        return move

    def _revenue(self, partner):
        return {
            line.business_field_id: (line.amount, line.document_count)
            for line in partner.business_field_revenue_ids
        }

    def test_confirmed_order_tags_company_and_contacts(self):
        """The company of the ordering contact gains the fields of the categories
        (a subcategory's from its parent; a category without field adds nothing)
        and becomes a customer; the contact shows it; manual fields stay."""
        self.company_a.business_field_ids = self.field_pellet
        order = self._order(
            self.contact_a,
            [
                (self.product_module, 1000.0),
                (self.product_storage, 500.0),
                (self.product_pump, 2000.0),
                (self.product_work, 300.0),
            ],
        )
        self.assertEqual(self.company_a.customer_status, "prospect")
        order.action_confirm()
        today = fields.Date.context_today(order)
        expected = {
            "business_field_ids": (
                self.field_solar | self.field_geo | self.field_pellet
            ).ids,
            "customer_status": "customer",
            "customer_since": order.date_order.date(),
            "customer_since_ref": order,
            "first_purchase_date": order.date_order.date(),
            "last_purchase_date": order.date_order.date(),
            "purchase_order_count": 1,
        }
        self.assertRecordValues(self.company_a | self.contact_a, [expected, expected])
        self.assertLessEqual(abs((order.date_order.date() - today).days), 1)
        self.assertEqual(
            self._revenue(self.company_a),
            {self.field_solar: (1500.0, 1), self.field_geo: (2000.0, 1)},
        )
        self.assertFalse(self.contact_a.business_field_revenue_ids)

        # a second order adds up; the status keeps its first document
        second = self._order(self.company_a, [(self.product_module, 250.0)])
        second.action_confirm()
        self.assertEqual(
            self._revenue(self.company_a),
            {self.field_solar: (1750.0, 2), self.field_geo: (2000.0, 1)},
        )
        self.assertRecordValues(
            self.company_a,
            [{"purchase_order_count": 2, "customer_since_ref": order}],
        )

    def test_new_contact_shows_company_data(self):
        self._order(self.company_a, [(self.product_module, 10.0)]).action_confirm()
        contact = self.env["res.partner"].create(
            [{"name": "AS Bernd", "parent_id": self.company_a.id}]
        )
        self.assertRecordValues(
            contact,
            [
                {
                    "customer_status": "customer",
                    "business_field_ids": self.field_solar.ids,
                }
            ],
        )

    def test_status_change_is_tracked(self):
        order = self._order(self.company_a, [(self.product_module, 10.0)])
        # the company was created in this transaction: Odoo tracks only later changes
        self.cr.precommit.clear()
        order.with_context(tracking_disable=False, mail_notrack=False).action_confirm()
        self.env.flush_all()
        self.cr.precommit.run()  # tracking messages are written before the commit
        tracked = self.company_a.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "customer_status"
        )
        self.assertEqual(tracked.new_value_char, "Customer")

    def test_cancelled_order(self):
        """A cancelled quotation changes nothing; an order confirmed and cancelled
        later no longer counts: the company is a prospect again (its business
        fields stay, removing them is manual)."""
        quotation = self._order(self.company_a, [(self.product_module, 100.0)])
        quotation._action_cancel()
        self.assertRecordValues(
            self.company_a,
            [{"customer_status": "prospect", "business_field_ids": []}],
        )
        order = self._order(self.company_a, [(self.product_pump, 100.0)])
        order.action_confirm()
        order._action_cancel()
        self.assertRecordValues(
            self.company_a | self.contact_a,
            [
                {
                    "customer_status": "prospect",
                    "customer_since": False,
                    "purchase_order_count": 0,
                    "business_field_ids": self.field_geo.ids,
                }
            ]
            * 2,
        )
        self.assertFalse(self.company_a.customer_since_ref)
        self.assertFalse(self.company_a.business_field_revenue_ids)

    def test_posted_invoice_and_refunds(self):
        """A customer invoice without order counts; a credit note alone does not
        make a customer; an invoice reversed in full no longer counts."""
        other = self.env["res.partner"].create([{"name": "AS Refund Only"}])
        self._invoice(other, [(self.product_module, 80.0)], move_type="out_refund")
        self.assertRecordValues(
            other, [{"customer_status": "prospect", "business_field_ids": []}]
        )

        invoice = self._invoice(self.contact_a, [(self.product_pump, 700.0)])
        self.assertRecordValues(
            self.company_a,
            [
                {
                    "customer_status": "customer",
                    "customer_since": date(2024, 3, 1),
                    "customer_since_ref": invoice,
                    "business_field_ids": self.field_geo.ids,
                    "purchase_order_count": 1,
                }
            ],
        )
        self.assertEqual(self._revenue(self.company_a), {self.field_geo: (700.0, 1)})

        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertRecordValues(
            self.company_a,
            [
                {
                    "customer_status": "prospect",
                    "purchase_order_count": 0,
                    "business_field_ids": self.field_geo.ids,
                }
            ],
        )
        self.assertFalse(self.company_a.business_field_revenue_ids)

    def test_invoice_of_order_counts_once(self):
        order = self._order(self.company_a, [(self.product_module, 400.0)])
        order.action_confirm()
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(self._revenue(self.company_a), {self.field_solar: (400.0, 1)})
        self.assertRecordValues(
            self.company_a,
            [{"purchase_order_count": 1, "customer_since_ref": order}],
        )

    def test_foreign_currency(self):
        """Orders and invoices in another currency count in the company currency,
        at the rate of their date (2.0 since 2017)."""
        order = self._order(
            self.company_a,
            [(self.product_module, 1000.0)],
            pricelist_id=self.pricelist_eur.id,
        )
        order.action_confirm()
        self.assertEqual(order.currency_id, self.eur)
        self._invoice(
            self.company_a,
            [(self.product_pump, 600.0)],
            currency_id=self.eur.id,
            invoice_date="2016-06-01",
        )
        self.assertEqual(
            self._revenue(self.company_a),
            {self.field_solar: (500.0, 1), self.field_geo: (200.0, 1)},
        )
        self.assertEqual(self.company_a.first_purchase_date, date(2016, 6, 1))
        self.assertEqual(
            self.company_a.business_field_revenue_ids.currency_id,
            self.env.company.currency_id,
        )

    def test_multi_company(self):
        """One revenue line per company, each in its own currency; the status and
        the business fields belong to the contact."""
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        order = self._order(
            self.company_a, [(self.product_pump, 900.0)], company_id=company_2.id
        )
        order.with_company(company_2).action_confirm()
        self._order(self.company_a, [(self.product_pump, 100.0)]).action_confirm()
        lines = self.company_a.business_field_revenue_ids.sorted("amount")
        self.assertRecordValues(
            lines,
            [
                {
                    "company_id": self.env.company.id,
                    "amount": 100.0,
                    "currency_id": self.env.company.currency_id.id,
                },
                {
                    "company_id": company_2.id,
                    "amount": 900.0,
                    "currency_id": company_2.currency_id.id,
                },
            ],
        )
        self.assertEqual(self.company_a.purchase_order_count, 2)

    def test_contact_of_archived_or_deleted_company(self):
        Partner = self.env["res.partner"]
        archived = Partner.create([{"name": "AS Archived", "is_company": True}])
        contact = Partner.create([{"name": "AS Carla", "parent_id": archived.id}])
        archived.action_archive()
        self._order(contact, [(self.product_module, 50.0)]).action_confirm()
        self.assertEqual(archived.customer_status, "customer")
        self.assertEqual(archived.business_field_ids, self.field_solar)

        gone = Partner.create([{"name": "AS Gone", "is_company": True}])
        orphan = Partner.create([{"name": "AS Dora", "parent_id": gone.id}])
        gone.unlink()
        self._order(orphan, [(self.product_pump, 50.0)]).action_confirm()
        self.assertRecordValues(
            orphan,
            [
                {
                    "commercial_partner_id": orphan.id,
                    "customer_status": "customer",
                    "business_field_ids": self.field_geo.ids,
                }
            ],
        )

    def test_install_backfill(self):
        """Orders confirmed and invoices posted before the install count after the
        post-init hook, without changing manual business fields."""
        old = self._order(self.company_a, [(self.product_module, 300.0)])
        old.with_context(crm_phases_no_after_sales=True).action_confirm()
        other = self.env["res.partner"].create([{"name": "AS Old Customer"}])
        other.business_field_ids = self.field_pellet
        self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": other.id,
                    "invoice_date": "2023-02-01",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product_pump.id,
                                "price_unit": 250.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            ]
        ).with_context(crm_phases_no_after_sales=True).action_post()
        self.assertEqual(self.company_a.customer_status, "prospect")
        self.assertFalse(other.business_field_revenue_ids)

        post_init_hook(self.env)

        from_order = {
            "customer_status": "customer",
            "customer_since_ref": old,
            "business_field_ids": self.field_solar.ids,
            "purchase_order_count": 1,
        }
        self.assertRecordValues(self.company_a | self.contact_a, [from_order] * 2)
        self.assertRecordValues(
            other,
            [
                {
                    "customer_status": "customer",
                    "business_field_ids": (self.field_geo | self.field_pellet).ids,
                    "purchase_order_count": 1,
                }
            ],
        )
        self.assertEqual(other.customer_since, date(2023, 2, 1))
        self.assertEqual(other.customer_since_ref._name, "account.move")
        self.assertEqual(self._revenue(other), {self.field_geo: (250.0, 1)})
        # running it again (the manager's button) gives the same result
        post_init_hook(self.env)
        self.assertEqual(self._revenue(self.company_a), {self.field_solar: (300.0, 1)})

    def test_upgrade_script(self):
        """The migration to 18.0.1.7.0 runs the same backfill (an existing database
        with confirmed orders); a new install's migration call does nothing."""
        order = self._order(self.company_a, [(self.product_pump, 80.0)])
        order.with_context(crm_phases_no_after_sales=True).action_confirm()
        script = load_script(
            file_path("crm_phases/migrations/18.0.1.7.0/post-migrate.py"),
            "crm_phases_post_1_7_0",
        )
        script.migrate(self.env.cr, False)
        self.env.invalidate_all()
        self.assertEqual(self.company_a.customer_status, "prospect")
        script.migrate(self.env.cr, "18.0.1.6.0")
        self.env.invalidate_all()
        self.assertRecordValues(
            self.company_a,
            [
                {
                    "customer_status": "customer",
                    "customer_since_ref": order,
                    "business_field_ids": self.field_geo.ids,
                }
            ],
        )
        self.assertEqual(self._revenue(self.company_a), {self.field_geo: (80.0, 1)})

    def test_batch_queries_constant(self):
        """Confirming more orders of existing customers costs no more queries."""
        partners = self.env["res.partner"].create(
            [{"name": f"AS Batch {index}", "is_company": True} for index in range(20)]
        )
        for partner in partners:
            self._order(partner, [(self.product_module, 10.0)]).action_confirm()
        counts = []
        for size in (5, 20):
            orders = self.env["sale.order"].concat(
                *(
                    self._order(partner, [(self.product_module, 10.0)])
                    for partner in partners[:size]
                )
            )
            self.env.flush_all()
            before = self.cr.sql_log_count
            self.env["res.partner"]._crm_phases_add_purchases(orders=orders)
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 3)

    def test_manager_override_and_salesman_refused(self):
        company = self.company_a.with_user(self.user_manager)
        company.write({"customer_status": "customer", "customer_since": "2020-01-01"})
        self.assertEqual(self.contact_a.customer_status, "customer")

        as_salesman = self.company_a.with_user(self.user_salesman)
        with self.assertRaises(AccessError):
            as_salesman.write({"customer_status": "prospect"})
        with self.assertRaises(AccessError):
            self.contact_a.with_user(self.user_salesman).write(
                {"customer_since": "2021-01-01"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_salesman).create(
                [{"name": "AS Self-made Customer", "customer_status": "customer"}]
            )
        # other fields, unchanged values and new contacts of a customer are fine
        as_salesman.write({"phone": "+49 761 1", "customer_status": "customer"})
        contact = (
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .create([{"name": "AS Emil", "parent_id": self.company_a.id}])
        )
        self.assertEqual(contact.customer_status, "customer")
        # and a salesman's confirmed order still makes a customer
        prospect = self.env["res.partner"].create([{"name": "AS Prospect"}])
        order = self._order(
            prospect, [(self.product_module, 10.0)], user_id=self.user_salesman.id
        )
        order.with_user(self.user_salesman).action_confirm()
        self.assertEqual(prospect.customer_status, "customer")

    def test_manager_form(self):
        with Form(self.company_a.with_user(self.user_manager)) as form:
            form.customer_status = "customer"
        self.assertEqual(self.company_a.customer_status, "customer")

    def test_search_bought_business_field(self):
        """ "Bought Solar (since a date)" finds the companies once, from code and
        through the wizard of the menu."""
        Partner = self.env["res.partner"]
        old_solar = Partner.create([{"name": "AS Old Solar", "is_company": True}])
        self._invoice(
            old_solar, [(self.product_module, 10.0)], invoice_date="2022-05-01"
        )
        self._order(self.contact_a, [(self.product_module, 10.0)]).action_confirm()
        self._order(self.contact_a, [(self.product_storage, 10.0)]).action_confirm()
        geo_only = Partner.create([{"name": "AS Geo Only", "is_company": True}])
        self._invoice(geo_only, [(self.product_pump, 10.0)])

        ours = old_solar | self.company_a | geo_only
        found = Partner._get_bought_business_field_partners(self.field_solar) & ours
        self.assertEqual(found, old_solar | self.company_a)
        domain = Partner._search_bought_business_field(self.field_solar, "2024-01-01")
        self.assertEqual(Partner.search(domain) & ours, self.company_a)
        self.assertEqual(Partner.search_count(domain + [("id", "in", ours.ids)]), 1)
        both = Partner._search_bought_business_field(
            (self.field_solar | self.field_geo).ids, date(2024, 1, 1)
        )
        self.assertEqual(Partner.search(both) & ours, self.company_a | geo_only)

        wizard = (
            self.env["crm.bought.business.field.wizard"]
            .with_user(self.user_salesman)
            .create(
                [
                    {
                        "business_field_ids": self.field_solar.ids,
                        "date_since": "2024-01-01",
                    }
                ]
            )
        )
        action = wizard.action_open_customers()
        self.assertEqual(
            Partner.with_user(self.user_salesman).search(action["domain"]) & ours,
            self.company_a,
        )

    def test_bought_search_indexed(self):
        """ "Bought X since Y" reads the revenue lines by an index, not a scan."""
        self.assertTrue(
            index_exists(self.cr, "res_partner_business_field_revenue_bought_idx")
        )

    def test_merge_keeps_status_and_fields(self):
        Partner = self.env["res.partner"]
        customer = Partner.create([{"name": "AS Merge Customer", "is_company": True}])
        order = self._order(customer, [(self.product_module, 120.0)])
        order.action_confirm()
        prospect = Partner.create([{"name": "AS Merge Prospect", "is_company": True}])
        prospect.business_field_ids = self.field_pellet
        # merged by a salesman (who may not change a status by hand)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user_salesman)
            .create({})
        )
        wizard._merge((customer | prospect).ids, prospect.with_user(self.user_salesman))
        self.assertFalse(customer.exists())
        self.assertRecordValues(
            prospect,
            [
                {
                    "customer_status": "customer",
                    "customer_since_ref": order,
                    "business_field_ids": (self.field_solar | self.field_pellet).ids,
                    "purchase_order_count": 1,
                }
            ],
        )
        self.assertEqual(self._revenue(prospect), {self.field_solar: (120.0, 1)})
