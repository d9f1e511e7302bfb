import io

import openpyxl

from odoo.tests import new_test_user, tagged, users

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


@tagged("post_install", "-at_install")
class TestPipelineXlsxCurrencies(CrmPhasesCase):
    """Opportunities of a German (EUR) and a Swiss (CHF) company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chf = cls.env.ref("base.CHF")
        chf.active = True
        cls.company_de, cls.company_ch = cls.env["res.company"].create(
            [
                {"name": "Sonnenwerk DE", "currency_id": cls.env.ref("base.EUR").id},
                {"name": "Sonnenwerk CH", "currency_id": chf.id},
            ]
        )
        cls.manager = new_test_user(
            cls.env,
            login="two_companies",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_de.id,
            company_ids=[cls.company_de.id, cls.company_ch.id],
        )
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "company_id": company.id,
                    "expected_revenue": revenue,
                    "probability": 50,
                }
                for name, company, revenue in (
                    ("Freiburg", cls.company_de, 1000.0),
                    ("Basel", cls.company_ch, 700.0),
                    ("Lörrach", cls.company_de, 500.0),
                )
            ]
        )

    def _render(self, leads):
        content = (
            self.env["crm.pipeline.xlsx"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company_de.id, self.company_ch.id])
            ._render(leads)
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(workbook.active.iter_rows(values_only=True))
        return workbook.active, formulas, rows[0], rows[1:]

    def test_totals_per_currency(self):
        sheet, formulas, header, rows = self._render(self.leads)
        potential, currency = header.index("Potential"), header.index("Currency")
        self.assertEqual(
            [(row[0], row[potential], row[currency]) for row in rows[:3]],
            [("Freiburg", 1000, "EUR"), ("Basel", 700, "CHF"), ("Lörrach", 500, "EUR")],
        )
        # amounts in the currency of the lead's company
        self.assertIn("[$€]", sheet.cell(2, potential + 1).number_format)
        self.assertIn("CHF", sheet.cell(3, potential + 1).number_format)
        # one total per currency, never EUR + CHF
        totals = {row[0]: row[potential] for row in rows[3:]}
        self.assertEqual(totals, {"Total CHF": 700, "Total EUR": 1500})
        weighted = header.index("Weighted Potential")
        self.assertEqual(
            {row[0]: row[weighted] for row in rows[3:]},
            {"Total CHF": 350, "Total EUR": 750},
        )
        formula = formulas.cell(len(rows) + 1, potential + 1).value
        self.assertTrue(formula.startswith("=SUMIF("), formula)
        self.assertIn('"EUR"', formula)

    def test_one_currency_one_total(self):
        leads = self.leads.filtered(lambda lead: lead.company_id == self.company_de)
        _sheet, formulas, header, rows = self._render(leads)
        self.assertNotIn("Currency", header)
        potential = header.index("Potential")
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(rows[-1][potential], 1500)
        self.assertTrue(
            formulas.cell(len(rows) + 1, potential + 1).value.startswith("=SUBTOTAL(9,")
        )
