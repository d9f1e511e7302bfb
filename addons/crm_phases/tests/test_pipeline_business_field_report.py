from odoo.tests import new_test_user, tagged, users

from .common import CrmPhasesProductCase


@tagged("post_install", "-at_install")
class TestPipelineBusinessFieldReport(CrmPhasesProductCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_two_fields, cls.lead_no_lines = cls.env["crm.lead"].create(
            [
                {
                    "name": "PV und Erdwärme",
                    "type": "opportunity",
                    "user_id": cls.user_salesman.id,
                    "probability": 40,
                    "lead_line_ids": [
                        (0, 0, cls._line_vals(cls.product_module, 30)),
                        (0, 0, cls._line_vals(cls.product_heat_pump, 1)),
                    ],
                },
                {
                    "name": "Noch ohne Produkte",
                    "type": "opportunity",
                    "user_id": cls.user_salesman.id,
                    "expected_revenue": 5000,
                    "probability": 10,
                },
            ]
        )
        cls.leads = cls.lead_two_fields | cls.lead_no_lines

    def _report(self, leads):
        return self.env["crm.pipeline.report"].search([("lead_id", "in", leads.ids)])

    @users("salesman")
    def test_each_line_counts_once(self):
        """Two lines of two business fields: one row each, the rows add up to the
        opportunity's revenue (the many2many group-by counted it in both)."""
        lead = self.lead_two_fields.with_env(self.env)
        self.assertEqual(lead.expected_revenue, 30 * 200.0 + 9000.0)
        self.assertEqual(
            lead.business_field_ids, self.field_solar | self.field_geothermal
        )
        groups = self.env["crm.pipeline.report"]._read_group(
            [("lead_id", "=", lead.id)],
            ["business_field_id"],
            ["expected_revenue:sum", "prorated_revenue:sum"],
        )
        self.assertEqual(
            sorted((field.code, total, weighted) for field, total, weighted in groups),
            [("GEO", 9000.0, 3600.0), ("SOLAR", 6000.0, 2400.0)],
        )
        self.assertEqual(
            sum(total for _field, total, _weighted in groups), lead.expected_revenue
        )
        self.assertEqual(
            sum(weighted for _field, _total, weighted in groups), lead.prorated_revenue
        )

    @users("salesman")
    def test_lead_without_lines(self):
        """An opportunity without lines is one row without business field."""
        rows = self._report(self.lead_no_lines)
        self.assertRecordValues(
            rows,
            [
                {
                    "business_field_id": False,
                    "line_id": False,
                    "expected_revenue": 5000.0,
                    "prorated_revenue": 500.0,
                    "user_id": self.user_salesman.id,
                }
            ],
        )

    @users("salesman")
    def test_totals_match_pipeline(self):
        leads = self.leads.with_env(self.env)
        rows = self._report(leads)
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            sum(rows.mapped("expected_revenue")), sum(leads.mapped("expected_revenue"))
        )
        # the opportunity's many2many stays for filtering
        filtered = self.env["crm.pipeline.report"].search(
            [
                ("lead_id", "in", leads.ids),
                ("lead_business_field_ids", "in", self.field_geothermal.ids),
            ]
        )
        self.assertEqual(filtered.lead_id, self.lead_two_fields)
        self.assertEqual(len(filtered), 2)

    def test_line_changes_show(self):
        """The report reads the current lines (no stale stored copy)."""
        line = self.lead_two_fields.lead_line_ids.filtered(
            lambda line: line.product_id == self.product_heat_pump
        )
        line.product_qty = 2
        row = self._report(self.lead_two_fields).filtered(lambda r: r.line_id == line)
        self.assertEqual(row.expected_revenue, 18000.0)
        self.assertEqual(row.business_field_id, self.field_geothermal)

    def test_personal_rule(self):
        """A salesperson with "own documents only" sees their own rows only."""
        colleague = new_test_user(
            self.env, login="colleague", groups="sales_team.group_sale_salesman"
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": "Fremde Chance",
                    "type": "opportunity",
                    "user_id": colleague.id,
                    "expected_revenue": 777,
                }
            ]
        )
        rows = self.env["crm.pipeline.report"].with_user(self.user_salesman).search([])
        self.assertFalse(rows.user_id - self.user_salesman)
        self.assertLessEqual(self.leads, rows.lead_id)
        self.assertNotIn("Fremde Chance", rows.lead_id.mapped("name"))

    def test_report_action(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_lead_action_pipeline_business_field"
        )
        self.assertEqual(action["res_model"], "crm.pipeline.report")
        self.assertEqual(action["view_mode"].split(",")[0], "pivot")
        menu = self.env.ref("crm_phases.crm_phases_menu_report_business_field")
        self.assertEqual(menu.action.id, action["id"])
