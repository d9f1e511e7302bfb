from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mailing_recipient_fallback = fields.Selection(
        related="company_id.mailing_recipient_fallback", readonly=False
    )
