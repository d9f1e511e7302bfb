from odoo import fields, models


class MailmergeExportWizardLine(models.TransientModel):
    _name = "mailmerge.export.wizard.line"
    _description = "Field of a Mail Merge Export"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "mailmerge.export.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    field_name = fields.Char(required=True)
    label = fields.Char(string="Field", required=True)
    export = fields.Boolean(default=True)
