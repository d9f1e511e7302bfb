# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from unittest.mock import patch

from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .queue_job_helpers import trap_jobs
from .test_letter_pdf import pdf_pages, pdf_text
from .test_letter_run_chunks import LetterRunCase

RUN_LOGGER = "odoo.addons.mailmerge_letters.models.mailmerge_letter_run"


@tagged("post_install", "-at_install")
class TestLetterRunFailure(LetterRunCase):
    recipient_count = 60

    def setUp(self):
        super().setUp()
        # chunks of 10 letters, all in the background
        patcher = patch.object(type(self.template), "_letter_chunk_size", 10)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "mailmerge_letters.letter_background_recipients", 1
        )

    def test_failed_chunk_and_retry(self):
        """The third chunk fails: the run is failed with the error, the letters of
        the first two chunks stay filed; the retry goes on with the third chunk
        and files every letter exactly once."""
        Template = type(self.template)
        original = Template._render_letters_chunk
        calls = []

        def fail_third_chunk(template, partner_ids):
            calls.append(list(partner_ids))
            if len(calls) == 3:
                raise ValueError("wkhtmltopdf crashed")
            return original(template, partner_ids)

        partners = self.partners[:25]
        with (
            patch.object(Template, "_render_letters_chunk", fail_third_chunk),
            mute_logger(RUN_LOGGER),
            trap_jobs() as trap,
        ):
            run = self.Run._start(self.template, partners, {})
            self.perform_jobs(trap)
        self.assertEqual(len(calls), 3)
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.error, "ValueError: wkhtmltopdf crashed")
        self.assertEqual(run.done_count, 20)
        self.assertFalse(run.attachment_id)
        self.assertEqual(len(self.filed_notes(partners)), 20)
        self.assertEqual(len(self.filed_notes(partners[20:])), 0)
        # the user is told in the run's chatter (and by a notification)
        failure = run.message_ids[0]
        self.assertIn("failed after 20 of 25 letters", failure.body)
        self.assertIn("wkhtmltopdf crashed", failure.body)
        self.assertIn(self.env.user.partner_id, failure.partner_ids)
        # the error shows on the run's form, with the retry button
        self.assertIn(
            'name="action_retry"',
            run.get_views([(False, "form")])["views"]["form"]["arch"],
        )
        with Form(run) as form:
            self.assertEqual(form.error, "ValueError: wkhtmltopdf crashed")

        calls.clear()
        with (
            patch.object(Template, "_render_letters_chunk", fail_third_chunk),
            trap_jobs() as trap,
        ):
            run.action_retry()
            self.assertEqual(run.state, "queued")
            self.assertFalse(run.error)
            trap.assert_jobs_count(1)
            # a job of the run that runs again finds nothing left to do twice
            self.perform_jobs(trap)
        self.assertEqual(calls, [partners[20:25].ids])
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 25)
        self.assertEqual(len(self.filed_notes(partners)), 25)
        for partner in partners:
            self.assertEqual(len(self.filed_notes(partner)), 1)
        pdf = base64.b64decode(run.attachment_id.datas)
        self.assertEqual(pdf_pages(pdf), 25)
        self.assert_names_in_order(pdf_text(pdf), partners)

    def test_job_run_twice_files_once(self):
        """queue_job may run a chunk's job again (a worker that died, a
        duplicate): letters printed already are neither rendered nor filed
        again, and a finished run stays as it is."""
        partners = self.partners[25:37]
        with trap_jobs() as trap:
            run = self.Run._start(self.template, partners, {})
            self.perform_jobs(trap)
        self.assertEqual(run.state, "done")
        attachment = run.attachment_id
        calls = self.spy_wkhtmltopdf()
        run._render_next_chunk_job()
        lines = run.recipient_line_ids
        lines._file_letters(
            {p.id: b"%PDF" for p in partners},
            {p.id: {"subject": "x"} for p in partners},
        )
        self.assertFalse(calls)
        self.assertEqual(run.attachment_id, attachment)
        self.assertEqual(len(self.filed_notes(partners)), 12)
        # a failed run whose last chunk is printed: the retry only combines
        run.write({"state": "failed", "attachment_id": False})
        with trap_jobs() as trap:
            run.action_retry()
            self.perform_jobs(trap)
        self.assertFalse(calls)
        self.assertEqual(run.state, "done")
        self.assertEqual(pdf_pages(base64.b64decode(run.attachment_id.datas)), 12)
        self.assertEqual(len(self.filed_notes(partners)), 12)

    def test_queries_per_chunk_constant(self):
        """Filing the letters and updating the lines (no rendering): the same
        number of queries for a chunk of 10 and a chunk of 30 letters."""
        Line = type(self.env["mailmerge.letter.run.line"])
        Run = type(self.env["mailmerge.letter.run"])
        original_file = Line._file_letters
        original_part = Run._add_letters_part
        queries = []

        def counted(function):
            def wrapper(records, *args):
                self.env.flush_all()
                start = self.env.cr.sql_log_count
                result = function(records, *args)
                self.env.flush_all()
                queries[-1] += self.env.cr.sql_log_count - start
                return result

            return wrapper

        counts = {}
        # the first run warms the caches up
        for size, partners in (
            (2, self.partners[49:51]),
            (10, self.partners[37:47]),
            (30, self.partners[:30]),
        ):
            queries.clear()
            with (
                patch.object(type(self.template), "_letter_chunk_size", size),
                patch.object(Line, "_file_letters", counted(original_file)),
                patch.object(Run, "_add_letters_part", counted(original_part)),
                patch.object(
                    Run,
                    "_render_next_chunk",
                    lambda run, original=Run._render_next_chunk: (
                        queries.append(0),
                        original(run),
                    ),
                ),
                trap_jobs() as trap,
            ):
                run = self.Run._start(self.template, partners, {})
                self.perform_jobs(trap)
            self.assertEqual(run.state, "done")
            self.assertEqual(len(self.filed_notes(partners)), size)
            counts[size] = queries[0]
        self.assertLessEqual(abs(counts[30] - counts[10]), 2, counts)

    def test_campaign(self):
        """Opened from a campaign (or records of one campaign): the run has the
        campaign, each recipient's note links it."""
        campaign = self.env["utm.campaign"].create([{"title": "IAA 2013"}])
        partners = self.partners[47:49]
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(
                active_model="utm.campaign",
                active_ids=campaign.ids,
                default_partner_ids=partners.ids,
                force_report_rendering=True,
            )
            .create({"template_id": self.template.id})
        )
        self.assertEqual(wizard.campaign_id, campaign)
        self.env["ir.config_parameter"].sudo().set_param(
            "mailmerge_letters.letter_background_recipients", 100
        )
        run = self.env["mailmerge.letter.run"].browse(wizard.action_print()["res_id"])
        self.assertEqual(run.campaign_id, campaign)
        for partner in partners:
            note = self.filed_notes(partner)
            self.assertEqual(len(note), 1)
            self.assertIn(f'data-oe-id="{campaign.id}"', note.body)
            self.assertIn('data-oe-model="utm.campaign"', note.body)
            self.assertEqual(
                note.body.striptags(),
                "Serial letter Solar: Neues zu Solar (Campaign IAA 2013)",
            )
            self.assertEqual(len(note.attachment_ids), 1)
            self.assertIn(partner.lastname, pdf_text(note.attachment_ids.raw))
        # records of one campaign with a campaign_id (here: other runs)
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="mailmerge.letter.run", active_ids=run.ids)
            .create({"template_id": self.template.id})
        )
        self.assertEqual(wizard.campaign_id, campaign)
        # from contacts: no campaign
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({"template_id": self.template.id})
        )
        self.assertFalse(wizard.campaign_id)
