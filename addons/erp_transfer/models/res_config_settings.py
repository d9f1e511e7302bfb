from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    orderx_embed = fields.Boolean(related="company_id.orderx_embed", readonly=False)
    orderx_level = fields.Selection(related="company_id.orderx_level", readonly=False)
