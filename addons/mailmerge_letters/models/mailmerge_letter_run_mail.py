# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.queue_job.job import identity_exact


class MailmergeLetterRun(models.Model):
    """A run of the serial e-mail: the same record as a serial letter's, its
    chunks queue mails instead of rendering PDFs."""

    _inherit = "mailmerge.letter.run"

    channel = fields.Selection(
        selection=[("letter", "Letter"), ("mail", "E-mail")],
        default="letter",
        required=True,
        readonly=True,
    )

    @api.model
    def _start_mail(self, template, recipients, skipped, campaign=None):
        """Create the serial e-mail run of ``template`` for ``recipients`` (in
        order), with ``skipped`` (``{partner: reason}``), and queue its mails at
        once or by background jobs."""
        run = self._create_run(
            template, recipients, skipped, campaign=campaign, channel="mail"
        )
        if len(recipients) > self.env["mailmerge.mail"]._get_background_threshold():
            run._delay_next_chunk()
        else:
            # the recipients were checked by the caller in this transaction
            checked = run.with_context(mailmerge_recipients_checked=True)
            while checked.state == "queued":
                checked._render_next_chunk()
        return run

    def _delay_next_chunk(self):
        if self.channel != "mail":
            return super()._delay_next_chunk()
        self.ensure_one()
        return self.with_delay(
            description=self.env._("Serial e-mail %s", self.display_name),
            identity_key=identity_exact,
        )._render_next_chunk_job()

    def _render_next_chunk(self):
        if self.channel != "mail":
            return super()._render_next_chunk()
        self.ensure_one()
        size = self.env["mailmerge.mail"]._get_chunk_size()
        # the next chunk only (and whether there are more): never all the lines
        pending = self.env["mailmerge.letter.run.line"].search(
            [("run_id", "=", self.id), ("state", "=", "todo")],
            order="sequence, id",
            limit=size + 1,
        )
        chunk = pending[:size]
        if chunk:
            chunk._send_mails()
        if not (pending - chunk):
            self._finish()

    def _finish(self):
        if self.channel != "mail":
            return super()._finish()
        self.ensure_one()
        self.state = "done"
        message = self.env._(
            "Serial e-mail %(template)s: %(count)s e-mails queued, %(skipped)s left "
            "out.",
            template=self.template_id.name,
            count=self.done_count,
            skipped=self.skipped_count,
        )
        self.message_post(
            body=message,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.env._("Serial e-mail queued"),
                "message": message,
            },
        )
