# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MailmergeLetterWizard(models.TransientModel):
    """The serial-letter wizard sends the same letters as personalised e-mails
    when the channel is e-mail."""

    _inherit = "mailmerge.letter.wizard"

    channel = fields.Selection(
        selection=[("letter", "Letter"), ("mail", "E-mail")],
        default="letter",
        required=True,
        help="Letter: one PDF to print and post. E-mail: one personalised e-mail "
        "per recipient, queued in Odoo's outgoing mail.",
    )

    def _select_recipients(self):
        if self.channel != "mail":
            return super()._select_recipients()
        return self.partner_ids._origin._select_mail_recipients()

    @api.depends("partner_ids", "channel")
    def _compute_recipients(self):
        # the recipients follow the channel too
        return super()._compute_recipients()

    @api.depends("template_id", "preview_partner_id", "channel", "campaign_id")
    def _compute_preview_html(self):
        mails = self.filtered(lambda wizard: wizard.channel == "mail")
        res = super(MailmergeLetterWizard, self - mails)._compute_preview_html()
        for wizard in mails:
            partner = wizard.preview_partner_id
            wizard.preview_html = (
                wizard._get_template()._render_letter_mails(partner)[partner.id][
                    "body_html"
                ]
                if wizard.template_id and partner
                else False
            )
        return res

    def action_print(self):
        if self.channel == "mail":
            return self.action_send_mail()
        return super().action_print()

    def action_send_mail(self):
        """Queue the serial e-mail (in the background for large runs) and open
        the run."""
        self.ensure_one()
        if not self.partner_ids:
            raise UserError(
                self.env._(
                    "The selection is empty: select the contacts to send the serial "
                    "e-mail to."
                )
            )
        self.template_id._check_letter_placeholders()
        self.channel = "mail"
        recipients, skipped = self._select_recipients()
        if not recipients:
            raise UserError(self.env._("No recipient left to e-mail."))
        run = self.env["mailmerge.letter.run"]._start_mail(
            self.template_id, recipients, skipped, campaign=self.campaign_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": run._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
