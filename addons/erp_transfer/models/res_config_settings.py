from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    order_transfer_on_won = fields.Boolean(
        related="company_id.order_transfer_on_won", readonly=False
    )
    order_transfer_close_task = fields.Boolean(
        related="company_id.order_transfer_close_task", readonly=False
    )
