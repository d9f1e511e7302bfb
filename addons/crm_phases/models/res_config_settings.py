from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
