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
    thank_you_recipients = fields.Selection(
        related="company_id.thank_you_recipients", readonly=False
    )
    quote_privacy_url = fields.Char(
        related="website_id.quote_privacy_url", readonly=False
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
    website_request_confirmation_limit = fields.Integer(
        related="company_id.website_request_confirmation_limit", readonly=False
    )
    crm_phases_import_max_mb = fields.Integer(
        string="Visitor List Size Limit (MB)",
        config_parameter="crm_phases.visitor_import_max_mb",
        default=20,
    )
    crm_phases_import_max_rows = fields.Integer(
        string="Visitor List Row Limit",
        config_parameter="crm_phases.visitor_import_max_rows",
        default=50000,
    )
    crm_phases_import_background_rows = fields.Integer(
        string="Import in the Background Above (Rows)",
        config_parameter="crm_phases.visitor_import_background_rows",
        default=1000,
    )
    crm_phases_thank_you_background_recipients = fields.Integer(
        string="Send Thank-You Mail in the Background Above (Recipients)",
        config_parameter="crm_phases.thank_you_background_recipients",
        default=200,
    )
