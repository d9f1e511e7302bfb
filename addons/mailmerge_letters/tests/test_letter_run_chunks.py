# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import MailmergeLettersCase
from .queue_job_helpers import trap_jobs
from .test_letter_pdf import pdf_pages, pdf_text


class LetterRunCase(HttpCase, MailmergeLettersCase):
    """Letter runs rendered for real (wkhtmltopdf loads the report's CSS from the
    test server: report.url), with many recipients."""

    recipient_count = 0

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        self.Report = type(self.env["ir.actions.report"])
        self.Run = self.env["mailmerge.letter.run"].with_context(
            force_report_rendering=True
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"street": "Werkstraße 5", "zip": "79100", "city": "Freiburg"}
        )
        cls.template = cls.env["mailmerge.letter.template"].create(
            {
                "name": "Solar",
                "subject": "Neues zu Solar",
                "body_html": "<p>wir informieren Sie über Solar.</p>",
            }
        )
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "firstname": "Anna",
                    "lastname": f"Empfänger{index:03d}",
                    "form_of_address": "ms",
                    "lang": "de_DE",
                    "street": f"Sonnenweg {index + 1}",
                    "zip": "79100",
                    "city": "Freiburg",
                }
                for index in range(cls.recipient_count)
            ]
        )

    def spy_wkhtmltopdf(self):
        """Patch wkhtmltopdf with a spy that counts the calls and calls the real
        one; returns the list of calls."""
        calls = []
        original = self.Report._run_wkhtmltopdf

        def spy(report, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report, bodies, *args, **kwargs)

        patcher = patch.object(self.Report, "_run_wkhtmltopdf", spy)
        patcher.start()
        self.addCleanup(patcher.stop)
        return calls

    @staticmethod
    def perform_jobs(trap):
        """Perform the trapped jobs and the jobs they queue (the next chunks)."""
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()

    def start_run(self, partners, **kwargs):
        """Start a run for ``partners`` and perform its background jobs."""
        with trap_jobs() as trap:
            run = self.Run._start(self.template, partners, {}, **kwargs)
            self.perform_jobs(trap)
        return run

    def assert_names_in_order(self, text, partners):
        position = 0
        for partner in partners:
            found = text.find(partner.lastname, position)
            self.assertGreaterEqual(
                found, 0, f"{partner.lastname} not in order in the PDF"
            )
            position = found

    def filed_notes(self, partners):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("body", "ilike", "Serial letter Solar"),
            ]
        )


@tagged("post_install", "-at_install")
class TestLetterRunChunks(LetterRunCase):
    recipient_count = 250

    def test_chunk_boundaries(self):
        """1, 100 (one call each, at once), 101 and 250 recipients (background
        jobs, one wkhtmltopdf call per chunk of at most 100): every letter in the
        combined PDF, in order, each filed once."""
        calls = self.spy_wkhtmltopdf()
        for count, chunks, duplex in (
            (250, [100, 100, 50], False),
            (101, [100, 1], True),
            (100, [100], False),
            (1, [1], False),
        ):
            calls.clear()
            with self.subTest(count=count):
                partners = self.partners[:count]
                notes_before = len(self.filed_notes(partners))
                run = self.start_run(partners, duplex=duplex)
                self.assertEqual(calls, chunks)
                self.assertEqual(run.state, "done")
                self.assertEqual(run.done_count, count)
                self.assertEqual(len(run.part_attachment_ids), len(chunks))
                pdf = base64.b64decode(run.attachment_id.datas)
                # one page per letter, with a blank back page each for duplex
                self.assertEqual(pdf_pages(pdf), count * (2 if duplex else 1))
                text = pdf_text(pdf)
                self.assert_names_in_order(text, partners)
                if duplex:
                    pages = text.split("\f")
                    self.assertIn(partners[0].lastname, pages[0])
                    self.assertFalse(pages[1].strip())
                    self.assertIn(partners[1].lastname, pages[2])
                self.assertEqual(len(self.filed_notes(partners)) - notes_before, count)
                self.assertEqual(len(run.recipient_line_ids.attachment_id), count)
                # the user is told, with the download link (after the tracking
                # of the state for background runs)
                url = f"/web/content/{run.attachment_id.id}?download=true"
                self.assertTrue(
                    run.message_ids.filtered(lambda m, url=url: url in m.body)
                )
        # the download link serves the combined PDF
        self.authenticate("admin", "admin")
        response = self.url_open(f"/web/content/{run.attachment_id.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(pdf_pages(response.content), 1)
