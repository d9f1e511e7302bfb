from odoo import fields, models


class CrmCampaignExportWizardLine(models.TransientModel):
    _name = "crm.campaign.export.wizard.line"
    _description = "Field of a Campaign Contact Export"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "crm.campaign.export.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    field_name = fields.Char(required=True)
    label = fields.Char(string="Field", required=True)
    export = fields.Boolean(default=True)
