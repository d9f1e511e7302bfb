from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged, users
from odoo.tools.safe_eval import safe_eval

from .common import CrmPhasesCase


@tagged("post_install", "-at_install")
class TestPipelineReports(CrmPhasesCase):
    def _favourites(self):
        action = self.env.ref("crm.crm_lead_action_pipeline")
        return {
            f["name"]: f
            for f in self.env["ir.filters"].get_filters("crm.lead", action.id)
        }

    @users("salesman")
    def test_shared_favourites(self):
        """Every salesperson finds the shared favourites on the pipeline."""
        favourites = self._favourites()
        for name in (
            "Abschluss in diesem Quartal",
            "Meine Pipeline nach Phase",
            "Nach Geschäftsfeld",
        ):
            self.assertIn(name, favourites)
        self.assertIn("business_field_ids", favourites["Nach Geschäftsfeld"]["context"])

    @freeze_time("2026-11-28")
    def test_this_quarter_domain(self):
        """The quarter favourite's domain spans the current calendar quarter."""
        domain = self.env.ref("crm_phases.crm_lead_filter_this_quarter").domain
        today = date(2026, 11, 28)
        evaluated = safe_eval(
            domain, {"context_today": lambda: today, "relativedelta": relativedelta}
        )
        self.assertEqual(
            evaluated,
            [
                ("date_deadline", ">=", "2026-10-01"),
                ("date_deadline", "<", "2027-01-01"),
            ],
        )

    @users("salesman")
    def test_pipeline_by_business_field(self):
        """The report action groups the potential by business field."""
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "PV",
                    "type": "opportunity",
                    "expected_revenue": 1000,
                    "probability": 50,
                    "business_field_ids": [self.field_solar.id],
                },
                {
                    "name": "Erdwärme",
                    "type": "opportunity",
                    "expected_revenue": 3000,
                    "probability": 10,
                    "business_field_ids": [self.field_geothermal.id],
                },
            ]
        )
        self.env.flush_all()
        groups = self.env["crm.lead"]._read_group(
            [("id", "in", leads.ids)],
            ["business_field_ids"],
            ["expected_revenue:sum", "prorated_revenue:sum"],
        )
        self.assertEqual(
            sorted((field.code, total, weighted) for field, total, weighted in groups),
            [("GEO", 3000.0, 300.0), ("SOLAR", 1000.0, 500.0)],
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_lead_action_pipeline_business_field"
        )
        self.assertEqual(action["view_mode"].split(",")[0], "pivot")
