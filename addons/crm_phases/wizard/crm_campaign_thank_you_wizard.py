from markupsafe import Markup

from odoo import _, api, fields, models


class CrmCampaignThankYouWizard(models.TransientModel):
    """Preview and send the thank-you mail to a campaign's visitors: who gets it,
    who does not and why, and the first visitor's mail as it will leave."""

    _name = "crm.campaign.thank.you.wizard"
    _description = "Send Thank-You Mail"

    campaign_id = fields.Many2one("utm.campaign", required=True)
    template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        required=True,
        domain="[('model', '=', 'crm.campaign.activity')]",
        default=lambda self: self.env["utm.campaign"]._get_thank_you_mail_template(),
    )
    resend = fields.Boolean(
        string="Resend to Already Thanked",
        help="Also mail the visitors who were thanked before.",
    )
    recipient_ids = fields.Many2many(
        "res.partner", string="Recipients", compute="_compute_preview"
    )
    recipient_count = fields.Integer(compute="_compute_preview")
    skipped_count = fields.Integer(compute="_compute_preview")
    skipped_html = fields.Html(
        string="Skipped", compute="_compute_preview", sanitize=False
    )
    sample_partner_id = fields.Many2one(
        "res.partner", string="Sample For", compute="_compute_preview"
    )
    sample_subject = fields.Char(compute="_compute_preview")
    sample_body = fields.Html(compute="_compute_preview", sanitize=False)

    @api.depends("campaign_id", "template_id", "resend")
    def _compute_preview(self):
        labels = self.env["crm.campaign.activity"]._get_thank_you_skip_reason_labels()
        for wizard in self:
            activities = wizard.campaign_id._get_thank_you_activities()
            to_send, _duplicates, skipped = activities._split_thank_you_recipients(
                resend=wizard.resend
            )
            wizard.recipient_ids = to_send.partner_id
            wizard.recipient_count = len(to_send)
            wizard.skipped_count = len(skipped)
            wizard.skipped_html = wizard._format_skipped(skipped, labels)
            sample = to_send[:1]
            wizard.sample_partner_id = sample.partner_id
            wizard.sample_subject, wizard.sample_body = False, False
            if sample and wizard.template_id:
                rendered = wizard.template_id._generate_template(
                    sample.ids, ("subject", "body_html")
                )[sample.id]
                wizard.sample_subject = rendered["subject"]
                wizard.sample_body = rendered["body_html"]

    @api.model
    def _format_skipped(self, skipped, labels):
        if not skipped:
            return False
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (
                activity.partner_id.display_name,
                activity.partner_id.email or "",
                labels.get(reason, reason),
            )
            for activity, reason in skipped
        )
        return Markup(
            '<table class="table table-sm o_crm_phases_thank_you_skipped">'
            "<thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (_("Contact"), _("E-mail"), _("Reason"), rows)

    def action_send(self):
        self.ensure_one()
        if (
            self.recipient_count
            > self.campaign_id._get_thank_you_background_threshold()
        ):
            return self._send_in_background()
        result = self.campaign_id._send_thank_you_mail(
            template=self.template_id, resend=self.resend
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(sent)s thank-you mails queued, %(skipped)s visitors skipped.",
                    sent=len(result["sent"]),
                    skipped=len(result["skipped"]),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _send_in_background(self):
        """Many recipients: a background job sends, the user is notified then."""
        self.campaign_id._delay_thank_you_mail(self.template_id, resend=self.resend)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "The thank-you mail to %s visitors is sent in the background: "
                    "you are notified when it is done.",
                    self.recipient_count,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
