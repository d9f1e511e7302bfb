# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
        to_send, reasons = Engine._split_recipients(self.partner_id)
        for line in self.filtered(lambda line: line.partner_id in reasons):
            line.write(
                {
                    "state": "skipped",
                    "reason": labels[reasons[line.partner_id]],
                }
            )
        if not to_send:
            return
        mails = self.run_id._get_template()._send_letter_mails(to_send)
        messages = {mail.res_id: mail.mail_message_id for mail in mails}
        for line in self.filtered(lambda line: line.partner_id in to_send):
            line.write(
                {"state": "done", "mail_message_id": messages[line.partner_id.id].id}
            )
