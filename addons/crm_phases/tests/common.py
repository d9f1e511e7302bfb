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


class CrmPhasesWonCase(CrmPhasesCase):
    """Pipeline of one sales team with two won stages, an order clerk and a team
    leader, for the won automation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_order_clerk = new_test_user(
            cls.env,
            login="order_clerk",
            name="Olga Auftrag",
            email="auftrag@installer.example",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        cls.user_team_leader = new_test_user(
            cls.env,
            login="team_leader",
            name="Tina Teamleitung",
            email="teamleitung@installer.example",
            groups="sales_team.group_sale_manager",
        )
        cls.sales_team = cls.env["crm.team"].create(
            [{"name": "Vertrieb Solar", "user_id": cls.user_team_leader.id}]
        )
        cls.stage_new, cls.stage_offer, cls.stage_won, cls.stage_installed = cls.env[
            "crm.stage"
        ].create(
            [
                {"name": "CRM Phases New", "sequence": 1},
                {"name": "CRM Phases Offer", "sequence": 2},
                {"name": "CRM Phases Won", "sequence": 90, "is_won": True},
                {"name": "CRM Phases Installed", "sequence": 95, "is_won": True},
            ]
        )
        cls.customer = cls.env["res.partner"].create(
            [{"name": "Sonnenschein AG", "is_company": True}]
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
        cls.company = cls.env.company
        cls.company.write(
            {
                "order_clerk_user_id": cls.user_order_clerk.id,
                "order_handover_send_mail": False,
                "order_handover_template_id": False,
            }
        )
        cls.activity_type_create_order = cls.env.ref(
            "crm_phases.mail_activity_type_create_order"
        )

    def _new_opportunities(self, count=1, **values):
        """Open opportunities of the salesman in the first stage, created in the
        current environment (run the test as the salesman)."""
        return self.env["crm.lead"].create(
            [
                {
                    "name": f"PV-Anlage {index}",
                    "type": "opportunity",
                    "partner_id": self.contact.id,
                    "user_id": self.user_salesman.id,
                    "team_id": self.sales_team.id,
                    "stage_id": self.stage_new.id,
                    "expected_revenue": 48500,
                    **values,
                }
                for index in range(count)
            ]
        )

    def _order_activities(self, leads):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", leads.ids),
                    ("activity_type_id", "=", self.activity_type_create_order.id),
                ]
            )
        )


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
