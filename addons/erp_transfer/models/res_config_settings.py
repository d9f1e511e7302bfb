from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ab_file_on_confirm = fields.Boolean(
        related="company_id.ab_file_on_confirm", readonly=False
    )
    invoice_plain_number = fields.Boolean(
        related="company_id.invoice_plain_number", readonly=False
    )
