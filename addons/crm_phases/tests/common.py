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


class CrmPhasesCampaignCase(CrmPhasesCase):
    """A trade fair and its sales team: salespeople who may create contacts (the
    "Contact Creation" right every internal user has by default) and a second
    company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_fair_salesman = new_test_user(
            cls.env,
            login="fair_salesman",
            name="Vera Vertrieb",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.user_fair_colleague = new_test_user(
            cls.env,
            login="fair_colleague",
            name="Otto Kollege",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.user_fair_manager = new_test_user(
            cls.env,
            login="fair_manager",
            name="Maria Leitung",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        cls.campaign = cls.env["utm.campaign"].create(
            [
                {
                    "title": "Intersolar Test",
                    "campaign_type": "trade_fair",
                    "date_start": "2025-06-10",
                    "date_end": "2025-06-13",
                    "place": "München",
                }
            ]
        )
        cls.company_sonnenschein = cls.env["res.partner"].create(
            [{"name": "Sonnenschein Test AG", "is_company": True}]
        )
        cls.partner_mueller = cls.env["res.partner"].create(
            [
                {
                    "firstname": "Hans",
                    "lastname": "Müller",
                    "parent_id": cls.company_sonnenschein.id,
                    "email": "H.Mueller@Sonnenschein-Test.example",
                }
            ]
        )
