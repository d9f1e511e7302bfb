from odoo import api, fields, models


class MailmergeRecipientWizardLine(models.TransientModel):
    """One company of the selection (or a contact without company) and whom the
    mailing addresses there."""

    _name = "mailmerge.recipient.wizard.line"
    _description = "Mailing Recipient of a Company"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "mailmerge.recipient.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Company", readonly=True
    )
    selected_partner_ids = fields.Many2many(
        "res.partner",
        "mailmerge_recipient_wizard_line_partner_rel",
        "line_id",
        "partner_id",
        string="Selected",
        readonly=True,
    )
    rule_recipient_id = fields.Many2one(
        "res.partner", string="Rule's Choice", readonly=True
    )
    recipient_id = fields.Many2one(
        "res.partner",
        required=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The company itself or one of its active contacts.",
    )
    how = fields.Selection(
        selection=lambda self: list(
            self.env["res.partner"]._get_mailing_recipient_how_labels().items()
        ),
        readonly=True,
    )
    choice = fields.Char(string="Why", compute="_compute_choice")
    left_out_names = fields.Char(string="Left Out", compute="_compute_choice")

    @api.depends("how", "recipient_id", "rule_recipient_id", "selected_partner_ids")
    def _compute_choice(self):
        labels = self.env["res.partner"]._get_mailing_recipient_how_labels()
        for line in self:
            manual = line.recipient_id != line.rule_recipient_id
            line.choice = labels["manual"] if manual else labels.get(line.how)
            line.left_out_names = ", ".join(
                (line.selected_partner_ids._origin - line.recipient_id._origin).mapped(
                    "name"
                )
            )

    def _get_left_out(self):
        self.ensure_one()
        company, recipient = (
            self.commercial_partner_id._origin,
            self.recipient_id._origin,
        )
        return {
            partner: partner._get_mailing_left_out_reason(company, recipient)
            for partner in self.selected_partner_ids._origin - recipient
        }
