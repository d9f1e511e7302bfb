from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class ErpTransferCase(TransactionCase):
    """Roles and master data of order processing (no demo data): a German company,
    a customer company with a contact and an address, products in categories of two
    business fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user_salesman = new_test_user(
            cls.env,
            login="et_salesman",
            name="Sven Vertrieb",
            groups="sales_team.group_sale_salesman",
        )
        cls.user_sales_manager = new_test_user(
            cls.env,
            login="et_sales_manager",
            name="Maria Vertriebsleitung",
            groups="sales_team.group_sale_manager",
        )
        cls.user_order_clerk = new_test_user(
            cls.env,
            login="et_order_clerk",
            name="Olga Auftrag",
            email="auftrag@installer.example",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.field_solar = cls.env.ref("crm_phases.business_field_solar")
        cls.field_geothermal = cls.env.ref("crm_phases.business_field_geothermal")
        cls.category_solar, cls.category_geothermal = cls.env[
            "product.category"
        ].create(
            [
                {"name": "ET Solar", "business_field_id": cls.field_solar.id},
                {"name": "ET Geothermie", "business_field_id": cls.field_geothermal.id},
            ]
        )
        cls.product_module, cls.product_heat_pump = cls.env["product.product"].create(
            [
                {
                    "name": "PV-Modul 410 Wp",
                    "type": "consu",
                    "list_price": 189.0,
                    "categ_id": cls.category_solar.id,
                },
                {
                    "name": "Sole-Wasser-Wärmepumpe 12 kW",
                    "type": "consu",
                    "list_price": 14900.0,
                    "categ_id": cls.category_geothermal.id,
                },
            ]
        )
        cls.customer = cls.env["res.partner"].create(
            [
                {
                    "name": "Sonnenschein AG",
                    "is_company": True,
                    "street": "Sonnenallee 12",
                    "zip": "80331",
                    "city": "München",
                    "country_id": cls.env.ref("base.de").id,
                    "email": "info@sonnenschein.example",
                }
            ]
        )
        cls.contact = cls.env["res.partner"].create(
            [
                {
                    "name": "Anna Schmidt",
                    "parent_id": cls.customer.id,
                    "email": "anna.schmidt@sonnenschein.example",
                }
            ]
        )

    @classmethod
    def _new_order(cls, partner=None, lines=None, **values):
        """A quotation of the given products: [(product, quantity), ...]."""
        lines = lines or [(cls.product_module, 10)]
        return cls.env["sale.order"].create(
            [
                {
                    "partner_id": (partner or cls.customer).id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": quantity})
                        for product, quantity in lines
                    ],
                    **values,
                }
            ]
        )

    @classmethod
    def _setup_transfer(cls):
        """Stages and a sales team for opportunities that are won or not."""
        cls.stage_open, cls.stage_won = cls.env["crm.stage"].create(
            [
                {"name": "ET Angebot", "sequence": 1},
                {"name": "ET Gewonnen", "sequence": 70, "is_won": True},
            ]
        )
        cls.team = cls.env["crm.team"].create(
            [{"name": "ET Vertrieb Süd", "user_id": cls.user_order_clerk.id}]
        )

    @classmethod
    def _lead_values(cls, partner=None, lines=None, won=True, **values):
        """Values of an opportunity with product lines [(product, quantity, price)]."""
        if lines is None:
            lines = [
                (cls.product_module, 70, 175.0),
                (cls.product_heat_pump, 1, 14500.0),
            ]
        return {
            "name": values.pop("name", "PV Hallendach"),
            "type": "opportunity",
            "partner_id": (cls.customer if partner is None else partner).id,
            "user_id": cls.user_salesman.id,
            "team_id": cls.team.id,
            "stage_id": (cls.stage_won if won else cls.stage_open).id,
            "lead_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": product.name,
                        "product_qty": quantity,
                        "price_unit": price,
                    }
                )
                for product, quantity, price in lines
            ],
            **values,
        }

    @classmethod
    def _new_lead(cls, partner=None, lines=None, won=True, **values):
        return cls.env["crm.lead"].create(
            [cls._lead_values(partner, lines, won, **values)]
        )
