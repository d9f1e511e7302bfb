from odoo import fields, models


class CrmCampaignImportWizardRow(models.TransientModel):
    """A row of the list in the preview or the result: what happens (happened) to
    it and why."""

    _name = "crm.campaign.import.wizard.row"
    _description = "Visitor List Row"
    _order = "line"

    wizard_id = fields.Many2one(
        "crm.campaign.import.wizard", required=True, ondelete="cascade"
    )
    line = fields.Integer(string="Row")
    name = fields.Char()
    email = fields.Char()
    company_name = fields.Char(string="Company")
    status = fields.Selection(
        [
            ("new", "New"),
            ("update", "Update"),
            ("duplicate", "Duplicate"),
            ("registered", "Already Registered"),
            ("ambiguous", "Ambiguous"),
            ("rejected", "Rejected"),
        ]
    )
    partner_id = fields.Many2one("res.partner", string="Existing Contact")
    message = fields.Char(string="Reason")
