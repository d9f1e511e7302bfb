from odoo.tests import TransactionCase, new_test_user


class CrmPhasesCase(TransactionCase):
    """Roles and master data shared by the crm_phases tests (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesman = new_test_user(
            cls.env, login="salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_sales_manager = new_test_user(
            cls.env, login="sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.field_solar = cls.env.ref("crm_phases.business_field_solar")
        cls.field_geothermal = cls.env.ref("crm_phases.business_field_geothermal")


class CrmPhasesProductCase(CrmPhasesCase):
    """Adds saleable products in categories of two business fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categ_solar = Category.create(
            [{"name": "Test Solar", "business_field_id": cls.field_solar.id}]
        )
        cls.categ_geothermal = Category.create(
            [{"name": "Test Geo", "business_field_id": cls.field_geothermal.id}]
        )
        cls.product_module, cls.product_heat_pump, cls.product_internal = cls.env[
            "product.product"
        ].create(
            [
                {
                    "name": "Test PV Module",
                    "categ_id": cls.categ_solar.id,
                    "list_price": 200.0,
                },
                {
                    "name": "Test Heat Pump",
                    "categ_id": cls.categ_geothermal.id,
                    "list_price": 9000.0,
                },
                {
                    "name": "Test Internal Service",
                    "categ_id": cls.categ_solar.id,
                    "list_price": 50.0,
                    "sale_ok": False,
                },
            ]
        )

    @classmethod
    def _line_vals(cls, product, qty, price=None):
        return {
            "product_id": product.id,
            "name": product.name,
            "category_id": product.categ_id.id,
            "product_qty": qty,
            "price_unit": product.list_price if price is None else price,
        }
