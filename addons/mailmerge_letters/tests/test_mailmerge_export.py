import csv
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from .common import MailmergeRecipientCase


@tagged("post_install", "-at_install")
class TestMailmergeExport(MailmergeRecipientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.petra.write(
            {"form_of_address": "ms", "academic_title": "Dr.", "lang": "de_DE"}
        )
        cls.petra.is_preferred_recipient = True
        cls.evil = cls.create_person(
            '=HYPERLINK("http://evil.example";"Klick")', "@Angreifer", city="-2+3"
        )

    def _read_csv(self, attachment):
        raw = attachment.raw
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel")
        return list(
            csv.reader(io.StringIO(raw.decode("utf-8-sig")), "excel", delimiter=";")
        )

    def _export(self, partners, fields, file_format="csv", target="recipients"):
        """Through the wizard, for e-mail (Petra Weber, the preferred contact of
        Weber Test KG, has no postal address); the rows come in the order of
        contacts (company, then its contacts)."""
        form = Form(
            self.env["mailmerge.export.wizard"].with_context(
                active_model="res.partner", active_ids=partners.ids
            )
        )
        form.target = target
        if target == "recipients":
            form.channel = "mail"
        form.file_format = file_format
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                line.export = line.field_name in fields
        wizard = form.save()
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        return wizard, attachment

    @users("reader")
    def test_csv_of_recipients(self):
        wizard, attachment = self._export(
            self.company_weber | self.markus | self.evil | self.private,
            [
                "letter_address_name",
                "letter_salutation",
                "commercial_company_name",
                "city",
            ],
        )
        self.assertEqual((wizard.export_count, wizard.left_out_count), (3, 2))
        self.assertEqual(attachment.mimetype, "text/csv")
        self.assertTrue(attachment.name.endswith(".csv"))
        rows = self._read_csv(attachment)
        self.assertEqual(
            rows[0], ["Address Name", "Letter Salutation", "Company", "City"]
        )
        self.assertEqual(
            rows[1:],
            [
                [
                    '\'=HYPERLINK("http://evil.example";"Klick") @Angreifer',
                    "Sehr geehrte Damen und Herren",
                    "",
                    "'-2+3",
                ],
                ["Jürgen Weiß", "Sehr geehrte Damen und Herren", "", "Emmendingen"],
                [
                    "Frau Dr. Petra Weber",
                    "Sehr geehrte Frau Dr. Weber",
                    "Weber Test KG",
                    "",
                ],
            ],
        )

    def test_xlsx_as_selected(self):
        _wizard, attachment = self._export(
            self.company_weber | self.markus | self.evil,
            ["form_of_address", "name", "city"],
            "xlsx",
            target="selected",
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(
            [c.value for c in sheet[1]], ["Form of Address", "Name", "City"]
        )
        self.assertEqual(sheet.freeze_panes, "A2")
        values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        self.assertEqual(
            values,
            [
                ["", '=HYPERLINK("http://evil.example";"Klick") @Angreifer', "-2+3"],
                ["", "Weber Test KG", ""],
                ["", "Markus Weber", ""],
            ],
        )
        # the formula stays text
        self.assertEqual(sheet["B2"].data_type, "s")
        self.assertEqual(sheet["C2"].data_type, "s")

    def test_only_offered_fields(self):
        with self.assertRaisesRegex(UserError, "Choose the fields"):
            self.markus._export_mail_merge_data(["password"])
        with self.assertRaisesRegex(UserError, "Choose the fields"):
            self.markus._export_mail_merge_data([])

    def test_writer(self):
        """The one writer: Excel reads the semicolons, CRLF and quotes back."""
        Export = self.env["mailmerge.export"]
        content = Export._export_csv(["A", "B"], [["x;y", 'say "hi"'], ["+1", "ok"]])
        rows = list(
            csv.reader(io.StringIO(content.decode("utf-8-sig")), "excel", delimiter=";")
        )
        self.assertEqual(rows, [["A", "B"], ["x;y", 'say "hi"'], ["'+1", "ok"]])
        self.assertIn(b"\r\n", content)
