import io

import openpyxl

from odoo.tests import tagged, users

from .common import CrmPhasesCase


@tagged("post_install", "-at_install")
class TestPipelineXlsx(CrmPhasesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            [{"name": '=HYPERLINK("http://evil.example","Klick")', "is_company": True}]
        )
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": "PV Hallendach",
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "user_id": cls.user_salesman.id,
                    "expected_revenue": 48500,
                    "probability": 60,
                },
                {
                    "name": "+49 Wärmepumpe",
                    "type": "opportunity",
                    "user_id": cls.user_salesman.id,
                    "expected_revenue": 15000.5,
                    "probability": 20,
                },
            ]
        )

    def _read_back(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        return sheet, rows[0], rows[1:]

    @users("salesman")
    def test_workbook(self):
        leads = self.leads.with_env(self.env)
        content = self.env["crm.pipeline.xlsx"]._render(leads)
        sheet, header, rows = self._read_back(content)
        self.assertEqual(header[0], "Opportunity")
        self.assertEqual(sheet.freeze_panes, "B2")
        self.assertEqual(
            sheet.auto_filter.ref, f"A1:{sheet.cell(3, len(header)).coordinate}"
        )
        potential = header.index("Potential")
        self.assertEqual([row[potential] for row in rows[:2]], [48500, 15000.5])
        self.assertIn("[$", sheet.cell(2, potential + 1).number_format)
        # totals row: a formula we wrote ourselves
        self.assertEqual(rows[2][0], "Total")
        self.assertTrue(str(rows[2][potential]).startswith("=SUBTOTAL(9,"))
        # texts starting with = or + stay text
        customer = header.index("Customer")
        self.assertEqual(sheet.cell(2, customer + 1).data_type, "s")
        self.assertEqual(rows[0][customer], self.customer.name)
        self.assertEqual(sheet.cell(3, 1).data_type, "s")
        self.assertEqual(rows[1][0], "+49 Wärmepumpe")

    @users("salesman")
    def test_download_action(self):
        action = self.env["crm.pipeline.xlsx"]._action_export(
            self.leads.with_env(self.env)
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        _sheet, _header, rows = self._read_back(attachment.raw)
        self.assertEqual(len(rows), 3)
