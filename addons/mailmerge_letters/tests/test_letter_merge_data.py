# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import codecs
import csv
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from .common import MailmergeRecipientCase


class LetterOutputCase(MailmergeRecipientCase):
    """A letter template and a selection with every skip reason, for the Word
    outputs of the serial letter (no tests of its own)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["mailmerge.letter.template"].create(
            {
                "name": "Solar",
                "subject": "Solar & Wärme <neu>",
                "body_html": "<p>wir informieren Sie über Solar.</p>"
                "<p>Zweiter Absatz<br/>mit Zeilenumbruch</p>",
                "closing": "Mit freundlichen Grüßen",
                "enclosures": "Prospekt Solar",
            }
        )
        address = {"street": "Am Hang 3", "zip": "79100", "city": "Freiburg"}
        cls.private.write({"form_of_address": "mr", "street2": "=2+3"})
        cls.tobias.write(
            {"form_of_address": "mr", "academic_title": "Dr.", "lang": "de_DE"}
        )
        cls.anna = cls.create_person(
            "Anna",
            "Smith",
            lang="en_US",
            form_of_address="ms",
            academic_title="Prof.",
            **address,
        )
        cls.objector = cls.create_person(
            "Otto", "Objekt", form_of_address="mr", postal_objection=True, **address
        )
        cls.no_address = cls.create_person("Nina", "Nirgends", form_of_address="ms")
        cls.archived = cls.create_person("Armin", "Archiv", active=False, **address)
        cls.selection = (
            cls.private
            | cls.markus
            | cls.petra
            | cls.objector
            | cls.no_address
            | cls.archived
            | cls.anna
        )
        # the rule: Tobias for Weber Test KG (the only one with an address)
        cls.recipients = cls.private | cls.tobias | cls.anna
        cls.skipped_names = ["Otto", "Nirgends", "Archiv", "Markus", "Petra"]

    def _wizard(self, partners, output, **values):
        return (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create(dict(values, template_id=self.template.id, output=output))
        )

    def _download(self, wizard):
        action = wizard.action_download_letters()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        return self.env["ir.attachment"].browse(attachment_id)


@tagged("post_install", "-at_install")
class TestLetterMergeData(LetterOutputCase):
    def _read_csv(self, attachment):
        raw = attachment.raw
        self.assertTrue(raw.startswith(codecs.BOM_UTF8), "UTF-8 with BOM for Excel")
        text = raw[len(codecs.BOM_UTF8) :].decode("utf-8")
        return list(csv.DictReader(io.StringIO(text), dialect="excel", delimiter=";"))

    def _labels(self):
        return dict(self.env["res.partner"]._get_mailmerge_export_fields())

    @users("clerk")
    def test_csv_of_the_letter_recipients(self):
        wizard = self._wizard(self.selection, "csv")
        self.assertEqual(wizard.recipient_ids, self.recipients)
        attachment = self._download(wizard)
        self.assertEqual(attachment.mimetype, "text/csv")
        self.assertTrue(attachment.name.endswith(".csv"))
        rows = self._read_csv(attachment)
        labels = self._labels()
        # one row per recipient, in order; the skipped are absent
        self.assertEqual(
            [row[labels["letter_address_name"]] for row in rows],
            ["Herrn Jürgen Weiß", "Herrn Dr. Tobias Kern", "Professor Anna Smith"],
        )
        self.assertEqual(
            [row[labels["letter_salutation"]] for row in rows],
            [
                "Sehr geehrter Herr Weiß",
                "Sehr geehrter Herr Dr. Kern",
                "Dear Professor Smith",
            ],
        )
        self.assertEqual(
            [
                (row[labels["street"]], row[labels["zip"]], row[labels["city"]])
                for row in rows
            ],
            [
                ("Mühlenweg 12", "79312", "Emmendingen"),
                ("Mühlenweg 12", "79312", "Emmendingen"),
                ("Am Hang 3", "79100", "Freiburg"),
            ],
        )
        self.assertEqual(rows[1][labels["commercial_company_name"]], "Weber Test KG")
        # the formula guard of the one writer
        self.assertEqual(rows[0][labels["street2"]], "'=2+3")
        text = attachment.raw.decode("utf-8-sig")
        for name in self.skipped_names:
            self.assertNotIn(name, text)

    @users("clerk")
    def test_xlsx_of_the_letter_recipients(self):
        attachment = self._download(self._wizard(self.selection, "xlsx"))
        self.assertTrue(attachment.name.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = list(sheet.iter_rows(values_only=True))
        labels = self._labels()
        header = list(rows[0])
        self.assertEqual(
            header,
            [
                labels[name]
                for name in self.env[
                    "res.partner"
                ]._get_mailmerge_export_default_fields()
            ],
        )
        salutations = [
            row[header.index(labels["letter_salutation"])] for row in rows[1:]
        ]
        self.assertEqual(
            salutations,
            [
                "Sehr geehrter Herr Weiß",
                "Sehr geehrter Herr Dr. Kern",
                "Dear Professor Smith",
            ],
        )
        self.assertEqual(
            [row[header.index(labels["city"])] for row in rows[1:]],
            ["Emmendingen", "Emmendingen", "Freiburg"],
        )
        # text, not a formula
        street2 = sheet.cell(row=2, column=header.index(labels["street2"]) + 1)
        self.assertEqual(street2.value, "=2+3")
        self.assertEqual(street2.data_type, "s")
        cells = " ".join(str(value) for row in rows for value in row if value)
        for name in self.skipped_names:
            self.assertNotIn(name, cells)

    def test_output_choice_in_the_form(self):
        form = Form(
            self.env["mailmerge.letter.wizard"].with_context(
                active_model="res.partner", active_ids=self.selection.ids
            )
        )
        form.template_id = self.template
        self.assertEqual(form.output, "pdf", "PDF to print is the default")
        form.output = "csv"
        wizard = form.save()
        # the Print button's method gives the file as well
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("/web/content/", action["url"])

    def test_empty_selection_refused(self):
        wizard = self._wizard(self.objector | self.no_address, "csv")
        with self.assertRaisesRegex(UserError, "No recipient left"):
            wizard.action_download_letters()

    def test_contacts_have_the_serial_letter(self):
        action = self.env.ref("mailmerge_letters.mailmerge_letter_wizard_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.res_model, "mailmerge.letter.wizard")
        self.assertIn("list", action.binding_view_types)
