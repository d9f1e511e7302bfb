from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    order_clerk_user_id = fields.Many2one(
        related="company_id.order_clerk_user_id", readonly=False
    )
    order_handover_send_mail = fields.Boolean(
        related="company_id.order_handover_send_mail", readonly=False
    )
    order_handover_template_id = fields.Many2one(
        related="company_id.order_handover_template_id", readonly=False
    )
    website_lead_user_id = fields.Many2one(
        related="company_id.website_lead_user_id", readonly=False
    )
    website_lead_team_id = fields.Many2one(
        related="company_id.website_lead_team_id", readonly=False
    )
    website_request_min_seconds = fields.Integer(
        related="company_id.website_request_min_seconds", readonly=False
    )
    website_request_rate_limit = fields.Integer(
        related="company_id.website_request_rate_limit", readonly=False
    )
