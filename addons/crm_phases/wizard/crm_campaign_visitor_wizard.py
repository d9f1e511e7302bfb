from odoo import Command, api, fields, models


class CrmCampaignVisitorWizard(models.TransientModel):
    """Register a visitor at the booth: type what the visitor says, see the existing
    contact it matches, register the campaign activity."""

    _name = "crm.campaign.visitor.wizard"
    _description = "Register Campaign Visitor"

    campaign_id = fields.Many2one(
        "utm.campaign", required=True, default=lambda self: self._default_campaign_id()
    )
    firstname = fields.Char(string="First Name")
    lastname = fields.Char(string="Last Name")
    email = fields.Char()
    phone = fields.Char()
    company_name = fields.Char(string="Company")
    function = fields.Char(string="Job Position")
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        compute="_compute_match",
        store=True,
        readonly=False,
        help="The existing contact the visitor is registered for; empty: a new "
        "contact is created.",
    )
    match_reason = fields.Selection(
        [
            ("email", "Same e-mail address"),
            ("name_company", "Same name and company"),
            ("ambiguous", "Several contacts match"),
        ],
        compute="_compute_match",
        store=True,
    )
    candidate_ids = fields.Many2many(
        "res.partner",
        string="Matching Contacts",
        compute="_compute_match",
        store=True,
    )
    update_partner = fields.Boolean(
        string="Complete Contact",
        default=True,
        help="Fill the contact's empty fields with the data typed here.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    contact_type = fields.Selection(
        selection=lambda self: (
            self.env["crm.campaign.activity"]
            ._fields["contact_type"]
            ._description_selection(self.env)
        ),
        string="Kind of Contact",
        required=True,
        default="booth",
    )
    business_field_ids = fields.Many2many(
        "crm.business.field", string="Business Interest"
    )
    note = fields.Text()
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )

    @api.model
    def _default_campaign_id(self):
        """The trade fair running today, when the dialog is opened from the menu."""
        today = fields.Date.context_today(self)
        return self.env["utm.campaign"].search(
            [
                ("campaign_type", "=", "trade_fair"),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ],
            order="date_start desc",
            limit=1,
        )

    @api.depends("firstname", "lastname", "email", "company_name")
    def _compute_match(self):
        matches = self.env["res.partner"]._crm_phases_find_matches(
            [wizard._prepare_partner_values() for wizard in self]
        )
        for wizard, (partners, reason) in zip(self, matches, strict=True):
            wizard.partner_id = partners if len(partners) == 1 else False
            wizard.match_reason = reason
            wizard.candidate_ids = partners

    def _prepare_partner_values(self):
        self.ensure_one()
        return {
            "firstname": self.firstname,
            "lastname": self.lastname,
            "email": self.email,
            "phone": self.phone,
            "company_name": self.company_name,
            "function": self.function,
        }

    def _prepare_visitor_values(self):
        self.ensure_one()
        return {
            "campaign_id": self.campaign_id.id,
            "partner_id": self.partner_id.id,
            "partner_vals": self._prepare_partner_values(),
            "update_partner": self.update_partner,
            # nobody chosen despite a proposal: the user wants a new contact
            "create_partner": not self.partner_id,
            "date": self.date,
            "contact_type": self.contact_type,
            "business_field_ids": [Command.set(self.business_field_ids.ids)],
            "note": self.note,
            "user_id": self.user_id.id,
        }

    def action_register(self):
        activities = self._register_visitors()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_activity_action"
        )
        action.update(
            view_mode="form", views=[(False, "form")], res_id=activities[:1].id
        )
        return action

    def action_register_and_new(self):
        self._register_visitors()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_visitor_wizard_action"
        )
        action["context"] = {
            "default_campaign_id": self.campaign_id.id,
            "default_contact_type": self.contact_type,
        }
        return action

    def _register_visitors(self):
        return self.env["crm.campaign.activity"]._register_visitors(
            [wizard._prepare_visitor_values() for wizard in self]
        )
