from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    order_clerk_user_id = fields.Many2one(
        "res.users",
        string="Order Clerk",
        domain=[("share", "=", False)],
        help="Gets the task 'Create Order' when an opportunity of this company is won. "
        "Empty: the leader of the opportunity's sales team, else its salesperson.",
    )
    order_handover_send_mail = fields.Boolean(
        string="E-mail the Order Clerk",
        help="Also send the order clerk an e-mail with the key data of the won "
        "opportunity.",
    )
    order_handover_template_id = fields.Many2one(
        "mail.template",
        string="Order Handover E-mail Template",
        domain=[("model", "=", "crm.lead")],
        help="Empty: the template 'Opportunity Won: Create Order' shipped with CRM "
        "Phases.",
    )

    def _get_order_handover_template(self):
        self.ensure_one()
        return self.order_handover_template_id or self.env.ref(
            "crm_phases.mail_template_order_handover", raise_if_not_found=False
        )

    # not required in the database: modules tested in a registry without ours
    # (at_install tests of other modules) create rows without it; empty reads as
    # the default
    thank_you_recipients = fields.Selection(
        [
            ("visitor", "One per fair visitor"),
            ("company", "One per company"),
        ],
        string="Thank-You E-mails",
        default="visitor",
        help="One per fair visitor: every visitor is thanked. One per company: of the "
        "visitors of one company only one is thanked (its preferred contact for "
        "mailings, else the rule of the mailing recipient setting); the others are "
        "reported as skipped.",
    )

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
    website_request_confirmation_limit = fields.Integer(
        string="Confirmations per E-mail Address in 24 Hours",
        default=3,
        help="Further requests with the same e-mail address within 24 hours are "
        "stored, but get no confirmation e-mail. 0 switches the limit off.",
    )
