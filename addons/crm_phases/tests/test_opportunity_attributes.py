from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged, users

from .common import CrmPhasesProductCase


@tagged("post_install", "-at_install")
class TestOpportunityAttributes(CrmPhasesProductCase):
    def _create_opportunity(self, **vals):
        return self.env["crm.lead"].create(
            [{"name": "Test opportunity", "type": "opportunity", **vals}]
        )

    @users("salesman")
    def test_lines_set_expected_revenue(self):
        lead = self._create_opportunity(
            expected_revenue=1.0,
            lead_line_ids=[
                Command.create(self._line_vals(self.product_module, 20)),
                Command.create(self._line_vals(self.product_heat_pump, 1)),
            ],
        )
        self.assertEqual(lead.expected_revenue, 13000.0)
        module_line = lead.lead_line_ids.filtered(
            lambda line: line.product_id == self.product_module
        )
        module_line.product_qty = 30
        self.assertEqual(lead.expected_revenue, 15000.0)
        module_line.unlink()
        self.assertEqual(lead.expected_revenue, 9000.0)
        self.env["crm.lead.line"].create(
            [
                dict(
                    self._line_vals(self.product_module, 5, price=100.0),
                    lead_id=lead.id,
                )
            ]
        )
        self.assertEqual(lead.expected_revenue, 9500.0)

    @users("salesman")
    def test_lead_without_lines_keeps_manual_revenue(self):
        lead = self._create_opportunity(expected_revenue=4200.0)
        lead.write({"probability": 40})
        self.assertEqual(lead.expected_revenue, 4200.0)

    @users("salesman")
    def test_moving_a_line_updates_both_leads(self):
        lead_a, lead_b = self.env["crm.lead"].create(
            [
                {
                    "name": "A",
                    "type": "opportunity",
                    "lead_line_ids": [
                        Command.create(self._line_vals(self.product_module, 1)),
                        Command.create(self._line_vals(self.product_heat_pump, 1)),
                    ],
                },
                {
                    "name": "B",
                    "type": "opportunity",
                    "lead_line_ids": [
                        Command.create(self._line_vals(self.product_module, 2)),
                    ],
                },
            ]
        )
        lead_a.lead_line_ids.filtered(
            lambda line: line.product_id == self.product_heat_pump
        ).lead_id = lead_b
        self.assertRecordValues(
            lead_a | lead_b,
            [{"expected_revenue": 200.0}, {"expected_revenue": 9400.0}],
        )

    @users("salesman")
    def test_business_fields_from_lines(self):
        lead = self._create_opportunity(
            lead_line_ids=[Command.create(self._line_vals(self.product_module, 1))]
        )
        self.assertEqual(lead.business_field_ids, self.field_solar)
        lead.write(
            {
                "lead_line_ids": [
                    Command.create(self._line_vals(self.product_heat_pump, 1))
                ]
            }
        )
        self.assertEqual(
            lead.business_field_ids, self.field_solar | self.field_geothermal
        )
        without_lines = self._create_opportunity(
            business_field_ids=[Command.set(self.field_geothermal.ids)]
        )
        self.assertEqual(without_lines.business_field_ids, self.field_geothermal)

    @users("salesman")
    def test_revenue_period(self):
        with self.assertRaises(ValidationError):
            self._create_opportunity(
                revenue_date_from=date(2026, 6, 1), revenue_date_to=date(2026, 5, 1)
            )
        lead = self._create_opportunity(
            revenue_date_from=date(2026, 5, 17),
            revenue_date_to=date(2026, 8, 31),
            date_deadline=date(2026, 3, 9),
        )
        self.assertEqual(lead.revenue_month, date(2026, 5, 1))
        lead.revenue_date_from = False
        self.assertEqual(lead.revenue_month, date(2026, 3, 1))

    @users("salesman")
    def test_weighted_potential_sums(self):
        self.env["crm.lead"].create(
            [
                {
                    "name": "Solar roof",
                    "type": "opportunity",
                    "probability": 50,
                    "user_id": self.user_salesman.id,
                    "lead_line_ids": [
                        Command.create(self._line_vals(self.product_module, 5))
                    ],
                },
                {
                    "name": "Heat pump",
                    "type": "opportunity",
                    "probability": 25,
                    "user_id": self.user_salesman.id,
                    "lead_line_ids": [
                        Command.create(self._line_vals(self.product_heat_pump, 1))
                    ],
                },
            ]
        )
        # as at the end of every request before a pivot or graph reads the groups
        self.env.flush_all()
        groups = self.env["crm.lead"]._read_group(
            [("user_id", "=", self.user_salesman.id)],
            ["business_field_ids"],
            ["expected_revenue:sum", "prorated_revenue:sum"],
        )
        self.assertEqual(
            sorted((field.name, total, weighted) for field, total, weighted in groups),
            sorted(
                [
                    (self.field_solar.name, 1000.0, 500.0),
                    (self.field_geothermal.name, 9000.0, 2250.0),
                ]
            ),
        )
