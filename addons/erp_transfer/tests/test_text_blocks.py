from odoo import Command
from odoo.tests import Form, tagged

from .common import ErpTransferCase


@tagged("post_install", "-at_install")
class TestTextBlocks(ErpTransferCase):
    """Text blocks (OCA base_comment_template) proposed on orders by their rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        Template = cls.env["base.comment.template"]
        cls.tag_municipal = cls.env["res.partner.category"].create(
            {"name": "ET Kommunen"}
        )
        cls.term_prepayment = cls.env["account.payment.term"].create(
            {"name": "ET Vorkasse"}
        )
        cls.subcategory_solar = cls.env["product.category"].create(
            {"name": "ET Speicher", "parent_id": cls.category_solar.id}
        )
        cls.product_storage = cls.env["product.product"].create(
            {"name": "ET Batteriespeicher", "categ_id": cls.subcategory_solar.id}
        )
        common = {"models": "sale.order", "position": "after_lines"}
        cls.block_all = Template.create(
            {
                **common,
                "name": "ET Thanks",
                "text": "<p>Thank you for your order.</p>",
                "global_template": True,
                "position": "before_lines",
            }
        )
        cls.block_solar = Template.create(
            {
                **common,
                "name": "ET Feed-in",
                "text": "<p>Feed-in tariff notice.</p>",
                "rule_business_field_ids": [Command.link(cls.field_solar.id)],
            }
        )
        cls.block_category = Template.create(
            {
                **common,
                "name": "ET Solar category",
                "text": "<p>Solar category notice.</p>",
                "rule_categ_ids": [Command.link(cls.category_solar.id)],
            }
        )
        cls.block_municipal = Template.create(
            {
                **common,
                "name": "ET Public procurement",
                "text": "<p>VOB/B applies.</p>",
                "rule_partner_category_ids": [Command.link(cls.tag_municipal.id)],
            }
        )
        cls.block_prepayment = Template.create(
            {
                **common,
                "name": "ET Prepayment",
                "text": "<p>Payment before delivery.</p>",
                "rule_payment_term_ids": [Command.link(cls.term_prepayment.id)],
            }
        )
        cls.block_english = Template.create(
            {
                **common,
                "name": "ET Export",
                "text": "<p>Delivery abroad.</p>",
                "rule_lang_ids": [Command.link(cls.env.ref("base.lang_en").id)],
            }
        )

    def _blocks(self, order):
        return order.comment_template_ids & (
            self.block_all
            | self.block_solar
            | self.block_category
            | self.block_municipal
            | self.block_prepayment
            | self.block_english
        )

    def test_rules_by_business_field_and_category(self):
        self.customer.lang = "de_DE"
        heat_pump_order = self._new_order(lines=[(self.product_heat_pump, 1)])
        self.assertEqual(self._blocks(heat_pump_order), self.block_all)
        solar_order = self._new_order(lines=[(self.product_storage, 1)])
        self.assertEqual(
            self._blocks(solar_order),
            self.block_all | self.block_solar | self.block_category,
            "a subcategory matches its parent category; its business field comes "
            "from the parent",
        )

    def test_rule_by_target_group_of_the_company(self):
        self.customer.lang = "de_DE"
        self.customer.category_id = self.tag_municipal
        order = self._new_order(
            partner=self.contact, lines=[(self.product_heat_pump, 1)]
        )
        self.assertIn(self.block_municipal, order.comment_template_ids)

    def test_rule_by_payment_terms_follows_the_order(self):
        self.customer.lang = "de_DE"
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product_heat_pump
            self.assertNotIn(self.block_prepayment.id, form.comment_template_ids.ids)
            form.payment_term_id = self.term_prepayment
            self.assertIn(self.block_prepayment.id, form.comment_template_ids.ids)

    def test_rule_by_language(self):
        self.customer.lang = "en_US"
        order = self._new_order(lines=[(self.product_heat_pump, 1)])
        self.assertIn(self.block_english, order.comment_template_ids)
        self.customer.lang = "de_DE"
        order = self._new_order(lines=[(self.product_heat_pump, 1)])
        self.assertNotIn(self.block_english, order.comment_template_ids)

    def test_other_company_blocks_are_not_proposed(self):
        other = self.env["res.company"].create({"name": "ET Schwester GmbH"})
        self.block_solar.company_id = other
        order = self._new_order(lines=[(self.product_module, 1)])
        self.assertNotIn(self.block_solar, order.comment_template_ids)

    def test_clerk_changes_blocks_per_order(self):
        order = self._new_order(lines=[(self.product_module, 1)])
        order.comment_template_ids = [
            Command.unlink(self.block_solar.id),
            Command.link(self.block_municipal.id),
        ]
        self.assertNotIn(self.block_solar, order.comment_template_ids)
        self.assertIn(self.block_municipal, order.comment_template_ids)

    def test_printed_in_the_customers_language(self):
        self.block_all.update_field_translations(
            "text", {"de_DE": "<p>Vielen Dank für Ihren Auftrag.</p>"}
        )
        self.customer.lang = "de_DE"
        order = self._new_order(lines=[(self.product_heat_pump, 1)])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Vielen Dank für Ihren Auftrag.", html)
        self.customer.lang = "en_US"
        order = self._new_order(lines=[(self.product_heat_pump, 1)])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Thank you for your order.", html)
