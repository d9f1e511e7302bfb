import io

import openpyxl

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGermanTerms(TransactionCase):
    """German for the product lines of crm_lead_product (shipped in our
    i18n_extra/de.po) and for the names in the pipeline export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        cls.env_de = cls.env(context=dict(cls.env.context, lang="de_DE"))

    def test_lead_line_fields(self):
        fields = self.env_de["crm.lead.line"].fields_get(
            ["product_tmpl_id", "price_unit", "product_qty"], ["string"]
        )
        self.assertEqual(fields["product_tmpl_id"]["string"], "Produktvorlage")
        self.assertEqual(fields["price_unit"]["string"], "Einzelpreis")
        self.assertEqual(fields["product_qty"]["string"], "Menge")

    def test_views_and_menu(self):
        form = self.env_de.ref("crm_lead_product.crm_lead_view_form")
        self.assertIn('string="Produkte"', form.arch_db)
        lines = self.env_de["crm.lead.line"].get_view(
            self.env.ref("crm_lead_product.view_tree_lead_line").id, "list"
        )["arch"]
        self.assertIn('string="Einzelpreis"', lines)
        self.assertIn(
            self.env_de.ref("crm_lead_product.crm_product_report_menu").name,
            "Pipeline nach Produkt",
        )

    def test_template_column_hidden_beside_product(self):
        arch = self.env["crm.lead.line"].get_view(
            self.env.ref("crm_lead_product.view_tree_lead_line").id, "list"
        )["arch"]
        self.assertRegex(
            arch, r'<field name="product_tmpl_id"[^>]*invisible="product_id"'
        )
        self.assertRegex(arch, r'<field name="product_tmpl_id"[^>]*optional="hide"')

    def test_campaign_stage_names(self):
        self.assertEqual(
            self.env_de.ref("crm_phases.utm_stage_fair_follow_up").name,
            "Nachbereitung",
        )

    def test_export_names_in_user_language(self):
        campaign = self.env["utm.campaign"].create(
            [{"title": "Trade fair Freiburg", "campaign_type": "trade_fair"}]
        )
        campaign.with_env(self.env_de).title = "Messe Freiburg"
        lead = self.env["crm.lead"].create(
            [
                {
                    "name": "PV",
                    "type": "opportunity",
                    "campaign_id": campaign.id,
                    "medium_id": self.env.ref("utm.utm_medium_phone").id,
                    "source_id": self.env.ref("utm.utm_source_search_engine").id,
                }
            ]
        )
        content = self.env_de["crm.pipeline.xlsx"]._render(lead.with_env(self.env_de))
        rows = list(
            openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(
                values_only=True
            )
        )
        header, row = rows[0], rows[1]
        self.assertEqual(row[header.index("Kampagne")], "Messe Freiburg")
        self.assertEqual(row[header.index("Medium")], "Telefon")
        self.assertEqual(row[header.index("Quelle")], "Suchmaschine")

    def test_stage_campaign_types(self):
        selection = dict(
            self.env_de["utm.stage"].fields_get(["campaign_type"])["campaign_type"][
                "selection"
            ]
        )
        self.assertEqual(selection["trade_fair"], "Messe")
