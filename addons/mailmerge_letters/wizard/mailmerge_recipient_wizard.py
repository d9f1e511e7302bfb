from markupsafe import Markup

from odoo import Command, _, api, fields, models


class MailmergeRecipientWizard(models.TransientModel):
    """Preview of the recipient rule on a selection of contacts: one recipient per
    company, who is left out and why; the user may pick another contact per
    company before continuing (export, letter or mail)."""

    _name = "mailmerge.recipient.wizard"
    _description = "Check Mailing Recipients"

    partner_ids = fields.Many2many(
        "res.partner",
        "mailmerge_recipient_wizard_partner_rel",
        "wizard_id",
        "partner_id",
        string="Selection",
        # archived partners stay in the selection: the rule reports them
        context={"active_test": False},
        default=lambda self: self._default_partner_ids(),
    )
    channel = fields.Selection(
        [("letter", "Letter"), ("mail", "E-mail")],
        required=True,
        default="letter",
        help="A letter needs a postal address, an e-mail an e-mail address: the "
        "rule prefers the contacts that have one.",
    )
    line_ids = fields.One2many(
        "mailmerge.recipient.wizard.line",
        "wizard_id",
        string="Recipients per Company",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    recipient_count = fields.Integer(compute="_compute_summary")
    left_out_count = fields.Integer(compute="_compute_summary")
    left_out_html = fields.Html(
        string="Left Out", compute="_compute_summary", sanitize=False
    )

    @api.model
    def _default_partner_ids(self):
        context = self.env.context
        if context.get("active_model") != "res.partner":
            return []
        return [Command.set(context.get("active_ids") or [])]

    @api.depends("partner_ids", "channel")
    def _compute_line_ids(self):
        for wizard in self:
            groups = wizard.partner_ids._origin._get_mailing_recipient_groups(
                wizard.channel
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": sequence,
                        "commercial_partner_id": group["company"].id,
                        "selected_partner_ids": [Command.set(group["selected"].ids)],
                        "rule_recipient_id": group["recipient"].id,
                        "recipient_id": group["recipient"].id,
                        "how": group["how"],
                    }
                )
                for sequence, group in enumerate(groups)
                if group["recipient"]
            ]

    @api.depends("partner_ids", "line_ids.recipient_id")
    def _compute_summary(self):
        for wizard in self:
            left_out = wizard._get_left_out()
            wizard.recipient_count = len(wizard.line_ids.recipient_id)
            wizard.left_out_count = len(left_out)
            wizard.left_out_html = wizard._format_left_out(left_out)

    def _get_recipients(self):
        """The recipients as the user confirmed them, in the selection's order."""
        self.ensure_one()
        return self.line_ids.sorted("sequence").recipient_id._origin

    def _get_left_out(self):
        """``{partner: reason}`` of the selection's partners not addressed."""
        self.ensure_one()
        left_out = dict.fromkeys(
            self.partner_ids._origin.filtered(lambda p: not p.active), _("Archived")
        )
        for line in self.line_ids:
            left_out.update(line._get_left_out())
        return left_out

    @api.model
    def _format_left_out(self, left_out):
        if not left_out:
            return False
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td></tr>") % (partner.display_name, reason)
            for partner, reason in left_out.items()
        )
        return Markup(
            '<table class="table table-sm o_mailmerge_left_out">'
            "<thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (_("Contact"), _("Reason"), rows)

    def action_export(self):
        """Continue with the merge-data export of the confirmed recipients."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailmerge_letters.mailmerge_export_wizard_action"
        )
        action["context"] = {
            "default_partner_ids": self._get_recipients().ids,
            "default_target": "selected",
            "default_channel": self.channel,
        }
        return action

    def action_show_recipients(self):
        """Continue in the contacts list with the confirmed recipients (e.g. for
        Odoo's own "Send Message" or another action)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mailing Recipients"),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("id", "in", self._get_recipients().ids)],
        }
