from odoo import fields, models


class CrmCampaignImportWizardColumn(models.TransientModel):
    """A column of the imported list and what it is imported as."""

    _name = "crm.campaign.import.wizard.column"
    _description = "Visitor List Column"
    _order = "column_index"

    wizard_id = fields.Many2one(
        "crm.campaign.import.wizard", required=True, ondelete="cascade"
    )
    column_index = fields.Integer(required=True)
    header = fields.Char(string="Column", readonly=True)
    sample = fields.Char(string="First Value", readonly=True)
    target = fields.Selection(
        selection=lambda self: self.env["crm.campaign.visitor.import"]._get_targets(),
        string="Import As",
        help="Empty: the column is not imported.",
    )
