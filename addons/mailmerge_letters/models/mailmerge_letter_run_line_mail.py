# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class MailmergeLetterRunLine(models.Model):
    _inherit = "mailmerge.letter.run.line"

    mail_message_id = fields.Many2one(
        "mail.message",
        string="E-mail",
        readonly=True,
        ondelete="set null",
        help="The serial e-mail in the recipient's history.",
    )

    def _send_mails(self):
        """Queue the serial e-mail of these lines' recipients; a recipient who
        became unreachable since the run started (unsubscribed meanwhile, address
        bounced) is left out with the reason."""
        Engine = self.env["mailmerge.mail"]
        labels = Engine._get_skip_reason_labels()
        if self.env.context.get("mailmerge_recipients_checked"):
            # queued in the transaction that chose the recipients
            to_send, reasons = self.partner_id, {}
        else:
            to_send, reasons = Engine._split_recipients(self.partner_id)
        skipped = self.filtered(lambda line: line.partner_id in reasons)
        for reason, lines in skipped.grouped(
            lambda line: reasons[line.partner_id]
        ).items():
            lines.write({"state": "skipped", "reason": labels[reason]})
        if not to_send:
            return
        mails = self.run_id._get_template()._send_letter_mails(to_send)
        self._mark_mailed(mails)

    def _mark_mailed(self, mails):
        """The lines of the mails' recipients are done, each with its message:
        one UPDATE for the chunk (the ORM would write line by line)."""
        message_by_partner = {mail.res_id: mail.mail_message_id.id for mail in mails}
        rows = [
            (line.id, message_by_partner[line.partner_id.id])
            for line in self
            if line.partner_id.id in message_by_partner
        ]
        if not rows:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE mailmerge_letter_run_line AS line
                   SET state = 'done', mail_message_id = mailed.message_id,
                       write_uid = %s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM (VALUES %s) AS mailed(line_id, message_id)
                 WHERE line.id = mailed.line_id
                """,
                self.env.uid,
                SQL(", ").join(SQL("(%s, %s)", *row) for row in rows),
            )
        )
        lines = self.browse([row[0] for row in rows])
        lines.invalidate_recordset(["state", "mail_message_id", "write_uid"])
        # the run's counts follow the lines' states
        lines.modified(["state", "mail_message_id"])
