# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import MailmergeRecipientCase
from .queue_job_helpers import trap_jobs
from .test_letter_pdf import pdf_text


@tagged("post_install", "-at_install")
class TestLetterRun(HttpCase, MailmergeRecipientCase):
    # an HttpCase: wkhtmltopdf loads the report's CSS and fonts from the test
    # server (report.url), which serves them through the test's cursor

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["mailmerge.letter.template"].create(
            {
                "name": "Solar",
                "subject": "Neues zu Solar",
                "body_html": "<p>wir informieren Sie über Solar.</p>",
            }
        )
        address = {"street": "Am Hang 3", "zip": "79100", "city": "Freiburg"}
        cls.objector = cls.create_person(
            "Otto", "Objekt", form_of_address="mr", postal_objection=True, **address
        )
        cls.no_address = cls.create_person("Nina", "Nirgends", form_of_address="ms")
        cls.archived = cls.create_person("Armin", "Archiv", active=False, **address)
        cls.private.form_of_address = "mr"
        cls.selection = (
            cls.private
            | cls.markus
            | cls.petra
            | cls.objector
            | cls.no_address
            | cls.archived
        )

    def _wizard(self, partners):
        return (
            self.env["mailmerge.letter.wizard"]
            .with_context(
                active_model="res.partner",
                active_ids=partners.ids,
                force_report_rendering=True,
            )
            .create({"template_id": self.template.id})
        )

    def test_skip_reasons_and_preview(self):
        wizard = self._wizard(self.selection)
        self.assertEqual(wizard.partner_ids, self.selection)
        # Weber KG has no address: its contact Tobias, who has one, is addressed
        self.assertEqual(wizard.recipient_ids, self.private | self.tobias)
        reasons = {line.partner_id: line.reason for line in wizard.skipped_line_ids}
        self.assertEqual(reasons[self.objector], "Objected to advertising by post")
        self.assertEqual(
            reasons[self.no_address], "No postal address (street and ZIP or city)"
        )
        self.assertEqual(reasons[self.archived], "Archived")
        self.assertIn("Tobias Kern", reasons[self.markus])
        self.assertIn("Tobias Kern", reasons[self.petra])
        self.assertEqual(wizard.preview_partner_id, self.private)
        self.assertIn("Sehr geehrter Herr Weiß,", wizard.preview_html)
        with Form(wizard) as form:
            form.preview_partner_id = self.tobias
            # Tobias has no form of address
            self.assertIn("Dear Sir or Madam,", form.preview_html)

    def test_wizard_opened_from_a_list(self):
        """As the web client opens it: a new record whose selection comes from
        the list's records (onchange on new records)."""
        form = Form(
            self.env["mailmerge.letter.wizard"].with_context(
                active_model="res.partner", active_ids=self.selection.ids
            )
        )
        form.template_id = self.template
        self.assertEqual(form.recipient_count, 2)
        skipped = {line["partner_id"] for line in form.skipped_line_ids._records}
        self.assertIn(self.objector.id, skipped)
        self.assertIn(self.archived.id, skipped)

    def test_duplex_setting_is_the_default(self):
        self.assertFalse(self._wizard(self.private).duplex)
        settings = self.env["res.config.settings"].create(
            {"mailmerge_letter_duplex": True}
        )
        settings.execute()
        self.assertTrue(self._wizard(self.private).duplex)

    def test_print_inline_files_each_letter(self):
        wizard = self._wizard(self.selection)
        with trap_jobs() as trap:
            action = wizard.action_print()
            trap.assert_jobs_count(0)
        run = self.env["mailmerge.letter.run"].browse(action["res_id"])
        self.assertEqual(run.state, "done")
        self.assertEqual(run.recipient_count, 2)
        self.assertEqual(run.skipped_count, 5)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.user_id, self.env.user)
        pdf = base64.b64decode(run.attachment_id.datas)
        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 2)
        text = pdf_text(pdf)
        self.assertLess(text.index("Jürgen Weiß"), text.index("Tobias Kern"))
        for partner in self.private | self.tobias:
            message = partner.message_ids[0]
            self.assertEqual(
                message.body.striptags(), "Serial letter Solar: Neues zu Solar"
            )
            self.assertEqual(len(message.attachment_ids), 1)
            self.assertEqual(message.attachment_ids.mimetype, "application/pdf")
            letter_text = pdf_text(message.attachment_ids.raw)
            self.assertIn(partner.letter_salutation, letter_text)
            line = run.recipient_line_ids.filtered(
                lambda rec, p=partner: rec.partner_id == p
            )
            self.assertEqual(line.attachment_id, message.attachment_ids)
        for partner in self.objector | self.no_address | self.markus:
            self.assertFalse(
                partner.message_ids.filtered(
                    lambda m: "Serial letter" in (m.body or "")
                )
            )
        self.assertIn("/web/content/", run.message_ids[0].body)

    def test_print_in_background(self):
        self.env["ir.config_parameter"].set_param(
            "mailmerge_letters.letter_background_recipients", 1
        )
        wizard = self._wizard(self.selection)
        with trap_jobs() as trap:
            action = wizard.action_print()
            run = self.env["mailmerge.letter.run"].browse(action["res_id"])
            self.assertEqual(run.state, "queued")
            self.assertEqual(run.done_count, 0)
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 2)
        self.assertTrue(run.attachment_id)

    def test_duplex_blank_back_pages(self):
        wizard = self._wizard(self.selection)
        wizard.duplex = True
        run = self.env["mailmerge.letter.run"].browse(wizard.action_print()["res_id"])
        pdf = base64.b64decode(run.attachment_id.datas)
        # two letters of one page, each with its blank back page
        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 4)
        text_pages = pdf_text(pdf).split("\f")
        self.assertIn("Jürgen Weiß", text_pages[0])
        self.assertFalse(text_pages[1].strip())
        self.assertIn("Tobias Kern", text_pages[2])
        # each recipient's own letter stays as it was printed
        line = run.recipient_line_ids[:1]
        self.assertEqual(
            PdfFileReader(io.BytesIO(line.attachment_id.raw)).getNumPages(), 1
        )

    def test_background_threshold_setting(self):
        settings = self.env["res.config.settings"].create(
            {"mailmerge_letter_background_recipients": 7}
        )
        settings.execute()
        self.assertEqual(
            self.env["mailmerge.letter.run"]._get_background_threshold(), 7
        )

    def test_nobody_left(self):
        wizard = self._wizard(self.objector | self.no_address)
        self.assertFalse(wizard.recipient_count)
        with self.assertRaises(UserError):
            wizard.action_print()

    def test_opened_from_records_with_a_partner(self):
        """From opportunities or campaign activities (crm_phases binds the action
        there): their contacts; here with users, which have a partner too."""
        user = self.env["res.users"].create(
            {"name": "Ulla User", "login": "ulla_letters", "email": "ulla@example.com"}
        )
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="res.users", active_ids=user.ids)
            .create({"template_id": self.template.id})
        )
        self.assertEqual(wizard.partner_ids, user.partner_id)
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="res.lang", active_ids=[1])
            .create({"template_id": self.template.id})
        )
        self.assertFalse(wizard.partner_ids)
