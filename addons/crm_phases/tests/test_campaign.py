from odoo.exceptions import ValidationError
from odoo.tests import tagged, users

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestCampaign(CrmPhasesCampaignCase):
    def test_type_and_dates(self):
        self.assertRecordValues(
            self.campaign,
            [{"campaign_type": "trade_fair", "place": "München"}],
        )
        self.assertEqual(
            self.env["utm.campaign"].create([{"title": "X"}]).campaign_type, "other"
        )
        with self.assertRaises(ValidationError):
            self.campaign.date_end = "2025-06-09"
        self.campaign.date_end = "2025-06-10"  # a one-day fair

    @users("fair_manager")
    def test_trade_fair_creates_its_tag(self):
        fair, mailing = self.env["utm.campaign"].create(
            [
                {"title": "ISH 2025", "campaign_type": "trade_fair"},
                {"title": "Newsletter Mai", "campaign_type": "mailing"},
            ]
        )
        self.assertEqual(fair.partner_category_id.name, "ISH 2025")
        self.assertFalse(mailing.partner_category_id)
        # becoming a trade fair later creates it too
        mailing.campaign_type = "trade_fair"
        self.assertEqual(mailing.partner_category_id.name, "Newsletter Mai")

    @users("fair_manager")
    def test_existing_tag_reused(self):
        """A tag from the days of Outlook categories is taken over, not doubled."""
        tag = self.env["res.partner.category"].create([{"name": "Hausmesse 1999"}])
        fair = self.env["utm.campaign"].create(
            [{"title": "Hausmesse 1999", "campaign_type": "trade_fair"}]
        )
        self.assertEqual(fair.partner_category_id, tag)

    @users("fair_salesman")
    def test_activity_tags_contact(self):
        campaign = self.campaign.with_env(self.env)
        tag = campaign.partner_category_id
        self.assertTrue(tag)
        self.env["crm.campaign.activity"].create(
            [{"campaign_id": campaign.id, "partner_id": self.partner_mueller.id}]
        )
        self.assertIn(tag, self.partner_mueller.with_env(self.env).category_id)

    def test_new_tag_synced_to_contacts(self):
        campaign = self.env["utm.campaign"].create([{"title": "Hausmesse"}])
        self.env["crm.campaign.activity"].create(
            [
                {"campaign_id": campaign.id, "partner_id": self.partner_mueller.id},
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.company_sonnenschein.id,
                },
            ]
        )
        campaign.campaign_type = "trade_fair"
        self.assertIn(campaign.partner_category_id, self.partner_mueller.category_id)
        self.assertIn(
            campaign.partner_category_id, self.company_sonnenschein.category_id
        )

    @users("fair_manager")
    def test_counters(self):
        campaigns = self.env["utm.campaign"].create(
            [{"title": f"Messe {i}"} for i in range(3)]
        )
        anna = self.env["res.partner"].create([{"name": "Anna Schmidt"}])
        Activity = self.env["crm.campaign.activity"]
        Activity.create(
            [
                {"campaign_id": campaigns[0].id, "partner_id": self.partner_mueller.id},
                {"campaign_id": campaigns[0].id, "partner_id": self.partner_mueller.id},
                {"campaign_id": campaigns[0].id, "partner_id": anna.id},
                {"campaign_id": campaigns[1].id, "partner_id": anna.id},
                {
                    "campaign_id": campaigns[1].id,
                    "partner_id": self.partner_mueller.id,
                    "state": "cancelled",
                },
            ]
        )
        campaigns.mapped("campaign_activity_count")  # warm the caches of rules
        self.env.invalidate_all()
        with self.assertQueryCount(fair_manager=1):
            counts = [
                (c.campaign_activity_count, c.campaign_partner_count) for c in campaigns
            ]
        self.assertEqual(counts, [(3, 2), (1, 1), (0, 0)])
        action = campaigns[0].action_view_campaign_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.partner_mueller | anna,
        )
        action = campaigns[1].action_view_campaign_activities()
        self.assertEqual(len(Activity.search(action["domain"])), 2)

    def test_german_labels(self):
        """Sales staff read the handbook's words (Messe, Standgespräch)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        env_de = self.env(context={"lang": "de_DE"})
        types = dict(
            env_de["utm.campaign"]
            ._fields["campaign_type"]
            ._description_selection(env_de)
        )
        self.assertEqual(types["trade_fair"], "Messe")
        kinds = dict(
            env_de["crm.campaign.activity"]
            ._fields["contact_type"]
            ._description_selection(env_de)
        )
        self.assertEqual(kinds["booth"], "Standgespräch")
