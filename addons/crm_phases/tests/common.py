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
