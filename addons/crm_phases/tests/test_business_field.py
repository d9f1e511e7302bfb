from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import CrmPhasesCase


@tagged("post_install", "-at_install")
class TestBusinessField(CrmPhasesCase):
    def test_shipped_fields(self):
        """The four business fields of the handbook ship as data, in this order."""
        fields = self.env["crm.business.field"].search(
            [("code", "in", ["SOLAR", "GEO", "PELLET", "CLIMATE"])]
        )
        self.assertRecordValues(
            fields,
            [
                {"name": "Solar", "code": "SOLAR"},
                {"name": "Geothermal Energy", "code": "GEO"},
                {"name": "Pellet Heating", "code": "PELLET"},
                {"name": "Air Conditioning", "code": "CLIMATE"},
            ],
        )

    def test_german_names(self):
        """German users read the handbook's names (Geothermie, Pellet-Heizungen)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        fields = self.env["crm.business.field"].with_context(lang="de_DE")
        self.assertEqual(fields.browse(self.field_geothermal.id).name, "Geothermie")
        self.assertEqual(
            self.env.ref("crm_phases.business_field_pellet")
            .with_context(lang="de_DE")
            .name,
            "Pellet-Heizungen",
        )

    @users("salesman")
    def test_salesman_reads_only(self):
        field = self.field_solar.with_env(self.env)
        self.assertEqual(field.name, "Solar")
        with self.assertRaises(AccessError):
            field.name = "Photovoltaik"
        with self.assertRaises(AccessError):
            self.env["crm.business.field"].create([{"name": "Wallboxen"}])

    @users("sales_manager")
    def test_manager_configures(self):
        created = self.env["crm.business.field"].create(
            [{"name": "Wallboxen", "code": "EV"}, {"name": "Lüftung", "code": "VENT"}]
        )
        self.assertEqual(len(created), 2)
        self.field_geothermal.with_env(self.env).active = False
        self.assertNotIn(
            self.field_geothermal, self.env["crm.business.field"].search([])
        )

    def test_code_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["crm.business.field"].create([{"name": "Sonne", "code": "SOLAR"}])
            self.env.flush_all()

    def test_category_business_field(self):
        """Products reach their business field through the category."""
        category = self.env["product.category"].create(
            [{"name": "PV-Module", "business_field_id": self.field_solar.id}]
        )
        product = self.env["product.product"].create(
            [{"name": "Modul 430 Wp", "categ_id": category.id}]
        )
        self.assertEqual(product.categ_id.business_field_id, self.field_solar)
