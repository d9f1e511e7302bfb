from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestCampaignActivity(CrmPhasesCampaignCase):
    def create_activities(self, vals_list):
        return self.env["crm.campaign.activity"].create(
            [{"campaign_id": self.campaign.id} | vals for vals in vals_list]
        )

    @users("fair_salesman")
    def test_salesman_registers(self):
        activity = self.create_activities(
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "business_field_ids": [Command.link(self.field_solar.id)],
                    "note": "PV für das Hallendach",
                }
            ]
        )
        self.assertRecordValues(
            activity,
            [
                {
                    "user_id": self.user_fair_salesman.id,
                    "state": "registered",
                    "contact_type": "booth",
                    "company_id": self.env.company.id,
                    "commercial_partner_id": self.company_sonnenschein.id,
                }
            ],
        )
        self.assertTrue(activity.date)
        self.assertEqual(activity.display_name, "Intersolar Test – Hans Müller")

    @users("fair_salesman")
    def test_views_load(self):
        """The menus' views open for a salesperson."""
        modes = ["list", "kanban", "form", "search", "pivot", "graph"]
        views = self.env["crm.campaign.activity"].get_views([(False, m) for m in modes])
        self.assertEqual(set(views["views"]), set(modes))
        campaign_views = self.env["utm.campaign"].get_views(
            [(False, "form"), (False, "list"), (False, "search")]
        )
        self.assertIn(
            "campaign_activity_count", campaign_views["views"]["form"]["arch"]
        )
        partner_form = self.env["res.partner"].get_views([(False, "form")])
        self.assertIn("campaign_activity_count", partner_form["views"]["form"]["arch"])

    @users("fair_salesman")
    def test_form(self):
        """The booth's form: the salesperson picks campaign and contact."""
        form = Form(self.env["crm.campaign.activity"])
        form.campaign_id = self.campaign
        form.partner_id = self.partner_mueller
        form.contact_type = "phone"
        form.business_field_ids.add(self.field_geothermal)
        activity = form.save()
        self.assertEqual(activity.partner_email, "H.Mueller@Sonnenschein-Test.example")
        self.assertEqual(activity.campaign_type, "trade_fair")
        self.assertEqual(activity.business_field_ids, self.field_geothermal)

    @users("fair_salesman")
    def test_create_opportunities_batch_and_idempotent(self):
        anna = self.env["res.partner"].create([{"name": "Anna Schmidt"}])
        activities = self.create_activities(
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "business_field_ids": [
                        Command.set([self.field_solar.id, self.field_geothermal.id])
                    ],
                    "note": "Hallendach\nSpeicher",
                },
                {"partner_id": anna.id},
                {"partner_id": anna.id, "state": "cancelled"},
            ]
        )
        activities.action_create_opportunities()
        leads = activities.lead_id
        self.assertEqual(len(leads), 2)
        self.assertEqual(
            activities.mapped("state"), ["converted", "converted", "cancelled"]
        )
        self.assertFalse(activities[2].lead_id)
        self.assertRecordValues(
            activities[0].lead_id,
            [
                {
                    "type": "opportunity",
                    "partner_id": self.partner_mueller.id,
                    "campaign_id": self.campaign.id,
                    "user_id": self.user_fair_salesman.id,
                    "name": "Intersolar Test: Hans Müller",
                }
            ],
        )
        self.assertIn("Solar", activities[0].lead_id.description)
        self.assertIn("Speicher", activities[0].lead_id.description)
        # a second call creates nothing new
        action = activities.action_create_opportunities()
        self.assertEqual(activities.lead_id, leads)
        self.assertEqual(
            self.env["crm.lead"].search_count([("campaign_id", "=", self.campaign.id)]),
            2,
        )
        self.assertEqual(self.env["crm.lead"].search(action["domain"]), leads)
        self.assertEqual(self.campaign.with_env(self.env).crm_lead_count, 2)

    @users("fair_salesman")
    def test_partner_history(self):
        other = self.env["utm.campaign"].create([{"title": "Hausmesse"}])
        self.create_activities(
            [
                {"partner_id": self.partner_mueller.id},
                {"partner_id": self.company_sonnenschein.id},
            ]
        )
        self.env["crm.campaign.activity"].create(
            [{"campaign_id": other.id, "partner_id": self.partner_mueller.id}]
        )
        partners = (self.partner_mueller | self.company_sonnenschein).with_env(self.env)
        partners.mapped("campaign_activity_count")  # warm the caches of rules
        self.env.invalidate_all()
        with self.assertQueryCount(fair_salesman=1):
            counts = partners.mapped("campaign_activity_count")
        # the company counts its own and its people's activities
        self.assertEqual(counts, [2, 3])
        action = self.company_sonnenschein.with_env(
            self.env
        ).action_view_campaign_activities()
        self.assertEqual(
            len(self.env["crm.campaign.activity"].search(action["domain"])), 3
        )

    def test_salesman_sees_own_and_unassigned(self):
        mine, colleagues, unassigned = self.create_activities(
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "user_id": self.user_fair_salesman.id,
                },
                {
                    "partner_id": self.partner_mueller.id,
                    "user_id": self.user_fair_colleague.id,
                },
                {"partner_id": self.partner_mueller.id, "user_id": False},
            ]
        )
        Activity = self.env["crm.campaign.activity"].with_user(self.user_fair_salesman)
        self.assertEqual(
            Activity.search([("campaign_id", "=", self.campaign.id)]), mine | unassigned
        )
        with self.assertRaises(AccessError):
            colleagues.with_user(self.user_fair_salesman).read(["note"])
        with self.assertRaises(AccessError):
            colleagues.with_user(self.user_fair_salesman).note = "übernommen"
        with self.assertRaises(AccessError):
            mine.with_user(self.user_fair_salesman).unlink()
        # the manager sees and deletes all
        Activity = Activity.with_user(self.user_fair_manager)
        self.assertEqual(
            len(Activity.search([("campaign_id", "=", self.campaign.id)])), 3
        )
        colleagues.with_user(self.user_fair_manager).unlink()

    def test_multi_company(self):
        company_b = self.env["res.company"].create([{"name": "Sonnenwerk Süd GmbH"}])
        self.user_fair_manager.company_ids |= company_b
        activity_b = self.create_activities(
            [{"partner_id": self.partner_mueller.id, "company_id": company_b.id}]
        )
        Activity = self.env["crm.campaign.activity"].with_user(self.user_fair_salesman)
        self.assertFalse(Activity.search([("id", "=", activity_b.id)]))
        with self.assertRaises(AccessError):
            activity_b.with_user(self.user_fair_salesman).read(["note"])
        manager = self.env["crm.campaign.activity"].with_user(self.user_fair_manager)
        main_only = manager.with_context(allowed_company_ids=[self.env.company.id])
        self.assertFalse(main_only.search([("id", "=", activity_b.id)]))
        both = manager.with_context(
            allowed_company_ids=[self.env.company.id, company_b.id]
        )
        self.assertEqual(both.search([("id", "=", activity_b.id)]), activity_b)

    @users("fair_salesman")
    def test_visitor_wizard(self):
        """At the booth: a known visitor is found by e-mail, a new one is created."""
        Wizard = self.env["crm.campaign.visitor.wizard"].with_context(
            default_campaign_id=self.campaign.id
        )
        form = Form(Wizard)
        form.firstname = "Hans"
        form.lastname = "Mueller"
        form.email = "h.mueller@SONNENSCHEIN-TEST.example"
        form.phone = "+49 761 99"
        self.assertEqual(form.partner_id, self.partner_mueller)
        self.assertEqual(form.match_reason, "email")
        form.business_field_ids.add(self.field_solar)
        form.save().action_register()
        activity = self.env["crm.campaign.activity"].search(
            [("campaign_id", "=", self.campaign.id)]
        )
        self.assertRecordValues(
            activity,
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "business_field_ids": self.field_solar.ids,
                }
            ],
        )
        self.assertEqual(self.partner_mueller.phone, "+49 761 99")

        form = Form(Wizard)
        form.firstname = "Hans"
        form.lastname = "Müller"
        form.company_name = "Schattenseite GmbH"
        self.assertFalse(form.partner_id)
        self.assertFalse(form.match_reason)
        form.save().action_register_and_new()
        newcomer = self.env["res.partner"].search(
            [("company_name", "=", "Schattenseite GmbH")]
        )
        self.assertEqual(newcomer.name, "Hans Müller")
        self.assertIn(self.campaign.partner_category_id, newcomer.category_id)

    @users("fair_salesman")
    def test_visitor_wizard_defaults_to_running_fair(self):
        today = fields.Date.context_today(self.env.user)
        running = self.env["utm.campaign"].create(
            [
                {
                    "title": "Hausmesse heute",
                    "campaign_type": "trade_fair",
                    "date_start": today,
                    "date_end": today,
                }
            ]
        )
        wizard = Form(self.env["crm.campaign.visitor.wizard"])
        self.assertEqual(wizard.campaign_id, running)

    @users("fair_salesman")
    def test_kanban_columns(self):
        """Every state is a column of the booth's kanban, in process order."""
        groups = self.env["crm.campaign.activity"].read_group(
            [("campaign_id", "=", self.campaign.id)], ["state"], ["state"]
        )
        self.assertEqual(
            [group["state"] for group in groups],
            ["registered", "thanked", "converted", "cancelled"],
        )
