import importlib.util

from odoo.tests import Form, tagged, users
from odoo.tools.misc import file_path

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestCampaignStages(CrmPhasesCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_planned = cls.env.ref("crm_phases.utm_stage_fair_planned")
        cls.stage_running = cls.env.ref("crm_phases.utm_stage_fair_running")
        cls.stage_follow_up = cls.env.ref("crm_phases.utm_stage_fair_follow_up")
        cls.stage_done = cls.env.ref("crm_phases.utm_stage_fair_done")
        cls.fair_stages = (
            cls.stage_planned | cls.stage_running | cls.stage_follow_up | cls.stage_done
        )
        cls.generic_stages = cls.env["utm.stage"].search(
            [("campaign_type", "=", False)]
        )

    @users("fair_manager")
    def test_default_stage_per_type(self):
        fair, mailing = self.env["utm.campaign"].create(
            [
                {"title": "Intersolar 2027", "campaign_type": "trade_fair"},
                {"title": "Newsletter Herbst", "campaign_type": "mailing"},
            ]
        )
        self.assertEqual(fair.stage_id, self.stage_planned)
        self.assertEqual(fair.allowed_stage_ids, self.fair_stages)
        self.assertIn(mailing.stage_id, self.generic_stages)
        self.assertFalse(mailing.allowed_stage_ids & self.fair_stages)

    @users("fair_manager")
    def test_type_change_moves_stage(self):
        """A campaign that becomes a trade fair leaves the generic stages; a fair
        keeps its fitting stage when written again."""
        campaign = self.env["utm.campaign"].create([{"title": "Hausmesse"}])
        self.assertIn(campaign.stage_id, self.generic_stages)
        with Form(campaign) as form:
            form.campaign_type = "trade_fair"
            self.assertEqual(form.stage_id, self.stage_planned)
        campaign.stage_id = self.stage_follow_up
        campaign.write({"campaign_type": "trade_fair", "place": "Offenburg"})
        self.assertEqual(campaign.stage_id, self.stage_follow_up)
        campaign.campaign_type = "mailing"
        self.assertIn(campaign.stage_id, self.generic_stages)

    @users("fair_manager")
    def test_kanban_columns_of_trade_fairs(self):
        """Grouped by stage with the trade-fair filter: the fair's columns only."""
        Campaign = self.env["utm.campaign"]
        groups = Campaign.web_read_group(
            [("campaign_type", "=", "trade_fair"), ("id", "=", self.campaign.id)],
            ["stage_id"],
            ["stage_id"],
        )["groups"]
        self.assertEqual(
            [group["stage_id"][0] for group in groups], self.fair_stages.ids
        )
        all_groups = Campaign.web_read_group([], ["stage_id"], ["stage_id"])["groups"]
        self.assertLessEqual(
            set((self.fair_stages | self.generic_stages).ids),
            {group["stage_id"][0] for group in all_groups},
        )

    def test_migration_moves_existing_fairs(self):
        """Fairs created before the stages existed leave the generic stage."""
        generic = self.generic_stages[:1]
        past, running, planned, mailing = self.env["utm.campaign"].create(
            [
                {
                    "title": "IAA 2013",
                    "campaign_type": "trade_fair",
                    "date_start": "2013-09-12",
                    "date_end": "2013-09-22",
                },
                {
                    "title": "Heute",
                    "campaign_type": "trade_fair",
                    "date_start": "2020-01-01",
                    "date_end": "2099-01-01",
                },
                {"title": "Ohne Datum", "campaign_type": "trade_fair"},
                {"title": "Mailing", "campaign_type": "mailing"},
            ]
        )
        self.env.cr.execute(
            "UPDATE utm_campaign SET stage_id = %s WHERE id = ANY(%s)",
            [generic.id, (past | running | planned | mailing).ids],
        )
        self.env.invalidate_all()
        path = file_path("crm_phases/migrations/18.0.1.6.0/post-campaign-stages.py")
        spec = importlib.util.spec_from_file_location("post_campaign_stages", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.5.0")
        self.env.invalidate_all()
        self.assertRecordValues(
            past | running | planned | mailing,
            [
                {"stage_id": self.stage_done.id},
                {"stage_id": self.stage_running.id},
                {"stage_id": self.stage_planned.id},
                {"stage_id": generic.id},
            ],
        )
