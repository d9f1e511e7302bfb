import csv
import io

import xlsxwriter

from odoo import _, api, models

# A spreadsheet takes a cell starting with these for a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_safe(value):
    """A CSV cell that Excel shows as text: formula-like values get a leading
    apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


class MailmergeExport(models.AbstractModel):
    """The one writer of the files the product hands to people (merge data for
    Word, campaign contacts, rejected rows of an import): CSV for German Excel
    (``;``, UTF-8 with BOM) and XLSX, both guarded against formula injection."""

    _name = "mailmerge.export"
    _description = "Mail Merge File Writer"

    @api.model
    def _export_csv(self, header, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[csv_safe(value) for value in row] for row in rows])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _export_xlsx(self, header, rows, sheet_name=None):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(sheet_name or _("Contacts"))
        bold = workbook.add_format({"bold": True})
        widths = [len(label) for label in header]
        for col, label in enumerate(header):
            sheet.write_string(0, col, label, bold)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                # write_string: a value such as "=HYPERLINK(...)" stays text
                sheet.write_string(row_index, col, value)
                widths[col] = max(widths[col], len(value))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, 60))
        sheet.autofilter(0, 0, len(rows), max(len(header) - 1, 0))
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _export_file(self, header, rows, file_format="csv"):
        """``(content, mimetype)`` of ``rows`` under ``header`` as ``csv`` or
        ``xlsx``."""
        if file_format == "xlsx":
            return self._export_xlsx(header, rows), XLSX_MIMETYPE
        return self._export_csv(header, rows), "text/csv"

    @api.model
    def _export_attachment(self, name, header, rows, file_format="csv", record=None):
        """The file as an ``ir.attachment`` named ``<name>.<format>`` (on ``record``
        when given), for a download through ``/web/content``."""
        content, mimetype = self._export_file(header, rows, file_format)
        return self.env["ir.attachment"].create(
            [
                {
                    "name": f"{name}.{file_format}",
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": record._name if record else False,
                    "res_id": record.id if record else False,
                }
            ]
        )

    @api.model
    def _export_cells(self, records, field_names):
        """One row of text cells per record: a relational field as its display
        names, a selection as its label, an empty value as an empty cell."""
        fields_ = [records._fields[name] for name in field_names]
        labels = {
            field.name: dict(field._description_selection(self.env))
            for field in fields_
            if field.type == "selection"
        }
        rows = []
        for record in records:
            row = []
            for field in fields_:
                value = record[field.name]
                if field.type in ("many2one", "many2many", "one2many"):
                    value = ", ".join(value.mapped("display_name"))
                elif field.type == "selection":
                    value = labels[field.name].get(value)
                row.append(str(value) if value not in (False, None) else "")
            rows.append(row)
        return rows

    @api.model
    def _download_action(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
