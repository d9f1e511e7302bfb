# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MailmergeLetterWizard(models.TransientModel):
    """Serial letter to the selected contacts: the recipient rule, who is left
    out and why, a preview of any recipient's letter, then one PDF to print."""

    _name = "mailmerge.letter.wizard"
    _description = "Serial Letter"

    template_id = fields.Many2one("mailmerge.letter.template", required=True)
    partner_ids = fields.Many2many(
        "res.partner",
        "mailmerge_letter_wizard_partner_rel",
        string="Selection",
        context={"active_test": False},
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "mailmerge_letter_wizard_recipient_rel",
        compute="_compute_recipients",
        string="Recipients",
    )
    skipped_line_ids = fields.One2many(
        "mailmerge.letter.wizard.skip",
        "wizard_id",
        compute="_compute_recipients",
        string="Left Out",
    )
    recipient_count = fields.Integer(compute="_compute_recipients")
    preview_partner_id = fields.Many2one(
        "res.partner",
        string="Preview for",
        domain="[('id', 'in', recipient_ids)]",
    )
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=False)
    duplex = fields.Boolean(
        string="Duplex Printing",
        default=lambda self: self._default_duplex(),
        help="A blank back page after each letter of an odd number of pages.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        help="The campaign the letters belong to: the run and each recipient's "
        "note link it.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "partner_ids" in fields_list and not values.get("partner_ids"):
            partners = self._get_active_partners()
            if partners:
                values["partner_ids"] = [fields.Command.set(partners.ids)]
        if "campaign_id" in fields_list and not values.get("campaign_id"):
            values["campaign_id"] = self._get_active_campaign().id
        return values

    @api.model
    def _get_active_campaign(self):
        """The campaign the wizard was opened from, or the one campaign of the
        records it was opened from (campaign activities, opportunities)."""
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids")
        Campaign = self.env["utm.campaign"]
        if not (model and ids) or model not in self.env:
            return Campaign
        records = self.env[model].browse(ids)
        if model == Campaign._name:
            return records if len(records) == 1 else Campaign
        field = records._fields.get("campaign_id")
        if field is None or field.comodel_name != Campaign._name:
            return Campaign
        campaigns = records.campaign_id
        return campaigns if len(campaigns) == 1 else Campaign

    @api.model
    def _default_duplex(self):
        """The setting "Duplex Printing" of serial letters."""
        params = self.env["ir.config_parameter"].sudo()
        return bool(params.get_param("mailmerge_letters.letter_duplex"))

    @api.model
    def _get_active_partners(self):
        """The partners of the records the wizard was opened from: contacts
        themselves, or the ``partner_id`` of opportunities, campaign activities
        and any other record that has one."""
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids")
        if not (model and ids) or model not in self.env:
            return self.env["res.partner"]
        records = self.env[model].browse(ids)
        if model == "res.partner":
            return records
        field = records._fields.get("partner_id")
        if field is None or field.comodel_name != "res.partner":
            return self.env["res.partner"]
        return records.partner_id

    def _select_recipients(self):
        """``(recipients, {partner: reason})`` of the selection by the rule of
        the wizard's channel (here: letters)."""
        self.ensure_one()
        # _origin: in the form's onchange the selection holds new records
        return self.partner_ids._origin._select_letter_recipients()

    @api.depends("partner_ids")
    def _compute_recipients(self):
        for wizard in self:
            recipients, skipped = wizard._select_recipients()
            wizard.recipient_ids = recipients
            wizard.recipient_count = len(recipients)
            wizard.skipped_line_ids = [fields.Command.clear()] + [
                fields.Command.create({"partner_id": partner.id, "reason": reason})
                for partner, reason in skipped.items()
            ]
            if wizard.preview_partner_id not in recipients:
                wizard.preview_partner_id = recipients[:1]

    def _get_template(self):
        """The letter template as the letters are rendered: with the campaign
        (the placeholder Campaign)."""
        self.ensure_one()
        return self.template_id.with_context(mailmerge_campaign_id=self.campaign_id.id)

    @api.depends("template_id", "preview_partner_id", "campaign_id")
    def _compute_preview_html(self):
        for wizard in self:
            if wizard.template_id and wizard.preview_partner_id:
                wizard.preview_html = wizard._get_template()._render_letter_preview(
                    wizard.preview_partner_id
                )[1]
            else:
                wizard.preview_html = False

    def action_print(self):
        """Render the letters (in the background for large runs) and open the
        run."""
        self.ensure_one()
        recipients, skipped = self._select_recipients()
        if not recipients:
            raise UserError(self.env._("No recipient left to write to."))
        self.template_id._check_letter_placeholders()
        run = self.env["mailmerge.letter.run"]._start(
            self.template_id,
            recipients,
            skipped,
            duplex=self.duplex,
            campaign=self.campaign_id,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": run._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }


class MailmergeLetterWizardSkip(models.TransientModel):
    _name = "mailmerge.letter.wizard.skip"
    _description = "Serial Letter: Left Out"

    wizard_id = fields.Many2one(
        "mailmerge.letter.wizard", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", readonly=True)
    reason = fields.Char(readonly=True)
