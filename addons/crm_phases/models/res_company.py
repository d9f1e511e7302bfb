from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    website_lead_user_id = fields.Many2one(
        "res.users",
        string="Salesperson for Website Requests",
        domain=[("share", "=", False)],
    )
    website_lead_team_id = fields.Many2one(
        "crm.team", string="Sales Team for Website Requests"
    )
    website_request_min_seconds = fields.Integer(
        string="Minimum Fill Time (s)",
        default=3,
        help="Requests sent faster than this after the form was loaded are taken "
        "for a robot and rejected. 0 switches the check off.",
    )
    website_request_rate_limit = fields.Integer(
        string="Requests per IP in 10 Minutes",
        default=5,
        help="More requests from one address within 10 minutes are rejected. "
        "0 switches the check off.",
    )
