import io

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import format_date


class CrmPipelineXlsx(models.AbstractModel):
    """The pipeline as an Excel workbook for managers (the handbook's spreadsheet).

    One sheet: a header row with autofilter and frozen panes, one row per
    opportunity, amounts in the company currency's format, totals below. Texts are
    written as strings, so a customer named "=HYPERLINK(...)" stays text.
    """

    _name = "crm.pipeline.xlsx"
    _description = "Pipeline Excel Export"

    @api.model
    def _get_columns(self):
        """(label, kind, getter) per column; kinds: text, date, money, percent.

        Fields that other parts of the product add (web reference, business fields,
        revenue month) join when installed.
        """
        Lead = self.env["crm.lead"]
        columns = [
            (self.env._("Opportunity"), "text", lambda lead: lead.name),
            (
                self.env._("Customer"),
                "text",
                lambda lead: (
                    lead.partner_id.commercial_partner_id.name or lead.partner_name
                ),
            ),
            (
                self.env._("Contact"),
                "text",
                lambda lead: (
                    lead.contact_name
                    or (not lead.partner_id.is_company and lead.partner_id.name)
                ),
            ),
            (self.env._("Salesperson"), "text", lambda lead: lead.user_id.name),
            (self.env._("Sales Team"), "text", lambda lead: lead.team_id.name),
            (self.env._("Stage"), "text", lambda lead: lead.stage_id.name),
            (self.env._("Campaign"), "text", lambda lead: lead.campaign_id.name),
            (self.env._("Source"), "text", lambda lead: lead.source_id.name),
            (self.env._("Expected Closing"), "date", lambda lead: lead.date_deadline),
            (
                self.env._("Potential"),
                "money",
                lambda lead: lead.expected_revenue,
            ),
            (self.env._("Probability"), "percent", lambda lead: lead.probability / 100),
            (
                self.env._("Weighted Potential"),
                "money",
                lambda lead: lead.prorated_revenue,
            ),
        ]
        if "web_reference" in Lead._fields:
            columns.insert(1, (self.env._("Reference"), "text", "web_reference"))
        if "business_field_ids" in Lead._fields:
            columns.insert(
                -5,
                (
                    self.env._("Business Fields"),
                    "text",
                    lambda lead: ", ".join(lead.business_field_ids.mapped("name")),
                ),
            )
        if "revenue_month" in Lead._fields:
            columns.insert(-3, (self.env._("Revenue Month"), "month", "revenue_month"))
        return [
            (label, kind, getter if callable(getter) else (lambda r, f=getter: r[f]))
            for label, kind, getter in columns
        ]

    @api.model
    def _render(self, leads):
        """Workbook bytes for ``leads`` (in their order)."""
        columns = self._get_columns()
        currency = self.env.company.currency_id
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output,
            # rows are written in order: stream them (less memory, faster to close)
            {"constant_memory": True, "strings_to_formulas": False},
        )
        sheet = workbook.add_worksheet(self.env._("Pipeline")[:31])
        styles = self._get_styles(workbook, currency)
        for col, (label, kind, _getter) in enumerate(columns):
            sheet.write_string(0, col, label, styles["header"])
            sheet.set_column(col, col, 14 if kind != "text" else 24)
        row = 0
        for row, lead in enumerate(leads, start=1):
            for col, (_label, kind, getter) in enumerate(columns):
                self._write_cell(sheet, row, col, kind, getter(lead), styles)
        last = max(row, 1)
        sheet.autofilter(0, 0, last, len(columns) - 1)
        sheet.freeze_panes(1, 1)
        self._write_totals(sheet, row + 1, columns, styles)
        workbook.close()
        return output.getvalue()

    @api.model
    def _get_styles(self, workbook, currency):
        decimals = "0" * currency.decimal_places
        money = f"#,##0.{decimals} [${currency.symbol}]" if decimals else "#,##0"
        return {
            "header": workbook.add_format({"bold": True, "bg_color": "#e9ecef"}),
            "text": workbook.add_format({}),
            "date": workbook.add_format({"num_format": "dd.mm.yyyy"}),
            "month": workbook.add_format({"num_format": "mm.yyyy"}),
            "money": workbook.add_format({"num_format": money}),
            "percent": workbook.add_format({"num_format": "0%"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "total_money": workbook.add_format(
                {"bold": True, "top": 1, "num_format": money}
            ),
        }

    @api.model
    def _write_cell(self, sheet, row, col, kind, value, styles):
        if value in (False, None, ""):
            return
        if kind in ("money", "percent"):
            sheet.write_number(row, col, value, styles[kind])
        elif kind in ("date", "month"):
            sheet.write_datetime(
                row, col, fields.Datetime.to_datetime(value), styles[kind]
            )
        else:
            # write_string: text is never turned into a formula, whatever it starts with
            sheet.write_string(row, col, str(value), styles["text"])

    @api.model
    def _write_totals(self, sheet, row, columns, styles):
        sheet.write_string(row, 0, self.env._("Total"), styles["total_label"])
        for col, (_label, kind, _getter) in enumerate(columns):
            if kind == "money":
                cells = xlsxwriter.utility.xl_range(1, col, max(row - 1, 1), col)
                sheet.write_formula(
                    row, col, f"=SUBTOTAL(9,{cells})", styles["total_money"]
                )

    @api.model
    def _action_export(self, leads):
        """Download action of the workbook of ``leads`` (server action of the list)."""
        leads.check_access("read")
        filename = self.env._(
            "Pipeline %s.xlsx", format_date(self.env, fields.Date.today())
        )
        attachment = self.env["ir.attachment"].create(
            [
                {
                    "name": filename,
                    "raw": self._render(leads),
                    "mimetype": "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                }
            ]
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }
