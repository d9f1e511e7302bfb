import io

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Odoo stores the names of media and sources untranslated (utm.medium and utm.source
# names are not translatable): its own records are shown in the user's language
# while they keep their English name.
UTM_DATA_NAMES = {
    "utm.utm_medium_website": _lt("Website"),
    "utm.utm_medium_phone": _lt("Phone"),
    "utm.utm_medium_direct": _lt("Direct"),
    "utm.utm_medium_email": _lt("Email"),
    "utm.utm_medium_television": _lt("Television"),
    "utm.utm_source_search_engine": _lt("Search engine"),
    "utm.utm_source_mailing": _lt("Lead Recall"),
    "utm.utm_source_newsletter": _lt("Newsletter"),
}


class CrmPipelineXlsx(models.AbstractModel):
    """The pipeline as an Excel workbook for managers (the handbook's spreadsheet).

    One sheet: a header row with autofilter and frozen panes, one row per
    opportunity, amounts in the currency of the opportunity's company, totals below
    (one per currency when the companies' currencies differ). Texts are written as
    strings, so a customer named "=HYPERLINK(...)" stays text; names of campaigns,
    media and sources are in the user's language.
    """

    _name = "crm.pipeline.xlsx"
    _description = "Pipeline Excel Export"

    @api.model
    def _get_columns(self, leads):
        """(label, kind, getter) per column of ``leads``; kinds: text, date, month,
        money, percent, currency. Money columns are in the currency of the lead's
        company; the currency column joins when the leads' currencies differ.

        Fields that other parts of the product add (web reference, business fields,
        revenue month) join when installed.
        """
        Lead = self.env["crm.lead"]
        medium_names = self._get_utm_names(leads.medium_id)
        source_names = self._get_utm_names(leads.source_id)
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
            (self.env._("Campaign"), "text", lambda lead: lead.campaign_id.title),
            (self.env._("Medium"), "text", lambda lead: medium_names[lead.medium_id]),
            (self.env._("Source"), "text", lambda lead: source_names[lead.source_id]),
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
        if len(leads.company_currency) > 1:
            columns.append(
                (
                    self.env._("Currency"),
                    "currency",
                    lambda lead: lead.company_currency.name,
                )
            )
        return [
            (label, kind, getter if callable(getter) else (lambda r, f=getter: r[f]))
            for label, kind, getter in columns
        ]

    @api.model
    def _get_utm_names(self, records):
        """{medium or source: its name in the user's language} for ``records`` of
        one model (one query), "" for none; see ``UTM_DATA_NAMES``."""
        names = {record: record.name for record in records}
        names[records.browse()] = ""
        for record_id, xmlids in records._get_external_ids().items():
            record = records.browse(record_id)
            for xmlid in xmlids:
                term = UTM_DATA_NAMES.get(xmlid)
                if term is not None and record.name == term._source:
                    names[record] = self.env._(term)
        return names

    @api.model
    def _render(self, leads):
        """Workbook bytes for ``leads`` (in their order), in the user's language."""
        if not self.env.lang:
            return self.with_context(lang=self.env.user.lang)._render(leads)
        leads = leads.with_env(self.env)
        columns = self._get_columns(leads)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output,
            # rows are written in order: stream them (less memory, faster to close)
            {"constant_memory": True, "strings_to_formulas": False},
        )
        sheet = workbook.add_worksheet(self.env._("Pipeline")[:31])
        currencies = leads.company_currency or self.env.company.currency_id
        styles = self._get_styles(workbook, currencies)
        for col, (label, kind, _getter) in enumerate(columns):
            sheet.write_string(0, col, label, styles["header"])
            sheet.set_column(col, col, 14 if kind != "text" else 24)
        row = 0
        for row, lead in enumerate(leads, start=1):
            row_styles = styles | styles[lead.company_currency]
            for col, (_label, kind, getter) in enumerate(columns):
                self._write_cell(sheet, row, col, kind, getter(lead), row_styles)
        last = max(row, 1)
        sheet.autofilter(0, 0, last, len(columns) - 1)
        sheet.freeze_panes(1, 1)
        self._write_totals(sheet, row + 1, columns, leads, styles)
        workbook.close()
        return output.getvalue()

    @api.model
    def _get_styles(self, workbook, currencies):
        """Cell formats; per currency (key: the currency) its ``money`` and
        ``total_money`` formats."""
        styles = {
            "header": workbook.add_format({"bold": True, "bg_color": "#e9ecef"}),
            "text": workbook.add_format({}),
            "date": workbook.add_format({"num_format": "dd.mm.yyyy"}),
            "month": workbook.add_format({"num_format": "mm.yyyy"}),
            "percent": workbook.add_format({"num_format": "0%"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
        }
        for currency in currencies:
            decimals = "0" * currency.decimal_places
            money = f"#,##0.{decimals} [${currency.symbol}]" if decimals else "#,##0"
            styles[currency] = {
                "money": workbook.add_format({"num_format": money}),
                "total_money": workbook.add_format(
                    {"bold": True, "top": 1, "num_format": money}
                ),
            }
        return styles

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
    def _write_totals(self, sheet, row, columns, leads, styles):
        """Totals of the money columns below the rows: one row (SUBTOTAL, so it
        follows the autofilter) when all leads share a currency, else one row per
        currency ("Total EUR", "Total CHF"; SUMIF over the currency column).
        Formulas carry their value for readers that do not calculate."""
        by_currency = leads.grouped("company_currency")
        money_cols = [
            (col, getter)
            for col, (_label, kind, getter) in enumerate(columns)
            if kind == "money"
        ]
        last = max(row - 1, 1)
        if len(by_currency) <= 1:
            currency = leads.company_currency or self.env.company.currency_id
            sheet.write_string(row, 0, self.env._("Total"), styles["total_label"])
            for col, getter in money_cols:
                cells = xlsxwriter.utility.xl_range(1, col, last, col)
                sheet.write_formula(
                    row,
                    col,
                    f"=SUBTOTAL(9,{cells})",
                    styles[currency]["total_money"],
                    sum(getter(lead) or 0.0 for lead in leads),
                )
            return
        currency_col = next(
            col
            for col, (_label, kind, _getter) in enumerate(columns)
            if kind == "currency"
        )
        currency_cells = xlsxwriter.utility.xl_range_abs(
            1, currency_col, last, currency_col
        )
        for offset, (currency, currency_leads) in enumerate(
            sorted(by_currency.items(), key=lambda item: item[0].name)
        ):
            sheet.write_string(
                row + offset,
                0,
                self.env._("Total %s", currency.name),
                styles["total_label"],
            )
            for col, getter in money_cols:
                cells = xlsxwriter.utility.xl_range(1, col, last, col)
                sheet.write_formula(
                    row + offset,
                    col,
                    f'=SUMIF({currency_cells},"{currency.name}",{cells})',
                    styles[currency]["total_money"],
                    sum(getter(lead) or 0.0 for lead in currency_leads),
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
