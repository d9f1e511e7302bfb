# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup
from psycopg2 import OperationalError
from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)


class MailmergeLetterRun(models.Model):
    """One serial-letter run: who printed which template for whom, who was left
    out and why, and the combined PDF to print."""

    _name = "mailmerge.letter.run"
    _inherit = ["mail.thread"]
    _description = "Serial Letter Run"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    template_id = fields.Many2one(
        "mailmerge.letter.template", required=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection(
        selection=[
            ("queued", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        tracking=True,
    )
    line_ids = fields.One2many("mailmerge.letter.run.line", "run_id", string="Lines")
    recipient_line_ids = fields.One2many(
        "mailmerge.letter.run.line",
        "run_id",
        domain=[("state", "!=", "skipped")],
        string="Recipients",
    )
    skipped_line_ids = fields.One2many(
        "mailmerge.letter.run.line",
        "run_id",
        domain=[("state", "=", "skipped")],
        string="Left Out",
    )
    recipient_count = fields.Integer(compute="_compute_counts", store=True)
    done_count = fields.Integer(compute="_compute_counts", store=True)
    skipped_count = fields.Integer(compute="_compute_counts", store=True)
    progress = fields.Float(compute="_compute_counts", store=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letters (PDF)", readonly=True
    )
    error = fields.Text(readonly=True)
    duplex = fields.Boolean(
        string="Duplex Printing",
        help="A blank back page after each letter of an odd number of pages, so "
        "that every letter starts on a new sheet.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        readonly=True,
        index="btree_not_null",
        help="The campaign the letters belong to; each recipient's note links it.",
    )

    @api.depends("template_id.name", "date")
    def _compute_name(self):
        for run in self:
            run.name = f"{run.template_id.name or ''} {run.date or ''}".strip()

    @api.depends("line_ids.state")
    def _compute_counts(self):
        # counted in SQL: a chunk of a large run does not load all its lines
        counts = {
            (run.id, state): count
            for run, state, count in self.env["mailmerge.letter.run.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
            )
        }
        for run in self:
            by_state = {
                state: counts.get((run.id, state), 0)
                for state in ("todo", "done", "skipped")
            }
            run.recipient_count = by_state["todo"] + by_state["done"]
            run.done_count = by_state["done"]
            run.skipped_count = by_state["skipped"]
            run.progress = (
                100.0 * run.done_count / run.recipient_count
                if run.recipient_count
                else 100.0
            )

    @api.model
    def _get_background_threshold(self):
        """More recipients than this: the letters are rendered by background jobs,
        fewer at once."""
        params = self.env["ir.config_parameter"].sudo()
        return int(
            params.get_param("mailmerge_letters.letter_background_recipients", 100) or 0
        )

    @api.model
    def _start(self, template, recipients, skipped, duplex=False, campaign=None):
        """Create the run of ``template`` for ``recipients`` (in order), with
        ``skipped`` (``{partner: reason}``), and render it at once or queue it."""
        run = self._create_run(
            template, recipients, skipped, campaign=campaign, duplex=duplex
        )
        if len(recipients) > self._get_background_threshold():
            run._delay_next_chunk()
        else:
            while run.state == "queued":
                run._render_next_chunk()
        return run

    @api.model
    def _create_run(self, template, recipients, skipped, campaign=None, **values):
        """The run of ``template`` with a line per recipient (in order) and per
        skipped partner (``{partner: reason}``); ``values`` for the run."""
        lines = [
            fields.Command.create({"partner_id": partner.id, "sequence": index})
            for index, partner in enumerate(recipients)
        ] + [
            fields.Command.create(
                {"partner_id": partner.id, "state": "skipped", "reason": reason}
            )
            for partner, reason in skipped.items()
        ]
        return self.create(
            [
                dict(
                    values,
                    template_id=template.id,
                    line_ids=lines,
                    campaign_id=campaign.id if campaign else False,
                )
            ]
        )

    def _delay_next_chunk(self):
        self.ensure_one()
        self.with_delay(
            description=self.env._("Serial letter %s", self.display_name),
            identity_key=identity_exact,
        )._render_next_chunk_job()

    def _render_next_chunk_job(self):
        """Job: the next chunk of letters; queues the following one, or finishes
        the run. A chunk that fails marks the run failed (the letters of earlier
        chunks stay filed) until the user retries it; conflicts with another
        transaction are left to queue_job's retry."""
        self.ensure_one()
        self._lock_for_rendering()
        if self.state != "queued":
            return
        try:
            with self.env.cr.savepoint():
                self._render_next_chunk()
        except RetryableJobError:
            raise
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            self._fail(error)
            return
        except Exception as error:  # noqa: BLE001 - any error fails the run, shown
            self._fail(error)
            return
        if self.state == "queued":
            self._delay_next_chunk()

    def _lock_for_rendering(self):
        """One job renders a run at a time (a retried job, a duplicate): the
        others wait for queue_job's next try."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        self.id,
                    )
                )
        except LockNotAvailable as error:
            raise RetryableJobError(
                "Serial letter run %s is being rendered" % self.id, seconds=10
            ) from error
        self.invalidate_recordset()
        self.env["mailmerge.letter.run.line"].invalidate_model()

    def _fail(self, error):
        """Mark the run failed with ``error`` and tell its user."""
        self.ensure_one()
        _logger.warning("Serial letter run %s failed", self.id, exc_info=error)
        text = (
            error.args[0]
            if isinstance(error, UserError)
            else f"{type(error).__name__}: {error}"
        )
        self.write({"state": "failed", "error": text})
        message = self.env._(
            "Serial letter %(template)s failed after %(done)s of %(count)s letters: "
            "%(error)s",
            template=self.template_id.name,
            done=self.done_count,
            count=self.recipient_count,
            error=text,
        )
        self.message_post(
            body=message,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "danger",
                "sticky": True,
                "title": self.env._("Serial letter failed"),
                "message": message,
            },
        )

    def action_retry(self):
        """Queue the letters not printed yet of failed runs again: the run goes on
        where it stopped."""
        for run in self.filtered(lambda run: run.state == "failed"):
            run.write({"state": "queued", "error": False})
            run.message_post(
                body=self.env._("Retried by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
            run._delay_next_chunk()
        return True

    def _get_template(self):
        """The letter template as the run renders it: with the run's campaign
        (the placeholder Campaign)."""
        self.ensure_one()
        return self.template_id.with_context(mailmerge_campaign_id=self.campaign_id.id)

    def _render_next_chunk(self):
        """Render the letters of the next chunk of recipients not printed yet,
        file each in the recipient's history and keep the chunk's letters as a
        part of the combined PDF; after the last chunk, the combined PDF."""
        self.ensure_one()
        template = self._get_template()
        size = template._letter_chunk_size
        # the next chunk only (and whether there are more): never all the lines
        pending = self.env["mailmerge.letter.run.line"].search(
            [("run_id", "=", self.id), ("state", "=", "todo")],
            order="sequence, id",
            limit=size + 1,
        )
        chunk = pending[:size]
        if chunk:
            partners = chunk.partner_id
            pdfs = template._render_letters_by_partner(partners)
            letters = template._render_letters(partners)
            chunk._file_letters(pdfs, letters)
            self._add_letters_part([pdfs[partner.id] for partner in partners])
        if not (pending - chunk):
            self._finish()

    def _finish(self):
        self.ensure_one()
        self.attachment_id = self._merge_letters_parts()
        self.state = "done"
        url = (
            f"/web/content/{self.attachment_id.id}?download=true"
            if self.attachment_id
            else False
        )
        message = self.env._(
            "Serial letter %(template)s: %(count)s letters, %(skipped)s left out.",
            template=self.template_id.name,
            count=self.recipient_count,
            skipped=self.skipped_count,
        )
        body = (
            Markup('%s <a href="%s">%s</a>') % (message, url, self.env._("Download"))
            if url
            else message
        )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.env._("Serial letter ready"),
                "message": message,
            },
        )

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }


class MailmergeLetterRunLine(models.Model):
    _name = "mailmerge.letter.run.line"
    _description = "Serial Letter Recipient"
    _order = "run_id, state, sequence, id"

    run_id = fields.Many2one(
        "mailmerge.letter.run", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    state = fields.Selection(
        selection=[
            ("todo", "To print"),
            ("done", "Printed"),
            ("skipped", "Left out"),
        ],
        default="todo",
        required=True,
    )
    reason = fields.Char()
    attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True)

    def _file_letters(self, pdfs, letters):
        """Post each letter in the recipient's history with its PDF attached
        (``pdfs`` and ``letters`` by partner id), linked to the run's campaign
        when there is one. Lines printed already are left alone, so a letter is
        never filed twice. One batch per chunk: the number of queries does not
        grow with the chunk."""
        lines = self.filtered(lambda line: line.state == "todo")
        if not lines:
            return
        partners = lines.partner_id
        # what message_post asks of the user, checked once for the batch
        partners.check_access(partners._mail_post_access)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{line.run_id.template_id.name} - "
                        f"{line.partner_id.name}.pdf",
                        "raw": pdfs[line.partner_id.id],
                        "mimetype": "application/pdf",
                        "res_model": line.partner_id._name,
                        "res_id": line.partner_id.id,
                    }
                    for line in lines
                ]
            )
        )
        author_id, email_from = partners._message_compute_author(raise_on_email=False)
        reply_to = partners._notify_get_reply_to(default=email_from)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        partners.sudo()._message_create(
            [
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "model": line.partner_id._name,
                    "res_id": line.partner_id.id,
                    "record_name": line.partner_id.display_name,
                    "body": line._get_letter_note(letters[line.partner_id.id]),
                    "attachment_ids": [fields.Command.set(attachment.ids)],
                    "message_type": "comment",
                    "subtype_id": subtype_id,
                    "is_internal": True,
                    "reply_to": reply_to.get(line.partner_id.id),
                    "message_id": generate_tracking_message_id("message-notify"),
                }
                for line, attachment in zip(lines, attachments, strict=True)
            ]
        )
        for line, attachment in zip(lines, attachments, strict=True):
            line.write({"state": "done", "attachment_id": attachment.id})

    def _get_letter_note(self, letter):
        """Body of the note "Serial letter <template>: <subject>" filed with the
        letter, with a link to the run's campaign."""
        self.ensure_one()
        run = self.run_id
        body = Markup("%s") % self.env._(
            "Serial letter %(template)s: %(subject)s",
            template=run.template_id.name,
            subject=letter["subject"],
        )
        if run.campaign_id:
            body += Markup(
                ' (%s <a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>)'
            ) % (
                self.env._("Campaign"),
                run.campaign_id._name,
                run.campaign_id.id,
                run.campaign_id.display_name,
            )
        return body
