from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..models.crm_campaign_activity import contact_type_selection

# written to the contact even when it has a value: shown prefilled, the user confirms
SALUTATION_FIELDS = ("form_of_address", "academic_title")


class CrmCampaignVisitorWizard(models.TransientModel):
    """Register a visitor at the booth: type what the visitor says, see the existing
    contact it matches, register the campaign activity. A match that is not certain
    and a visitor already registered for the campaign are the user's decision."""

    _name = "crm.campaign.visitor.wizard"
    _description = "Register Campaign Visitor"

    campaign_id = fields.Many2one(
        "utm.campaign", required=True, default=lambda self: self._default_campaign_id()
    )
    form_of_address = fields.Selection(
        string="Form of Address",
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["form_of_address"]
            ._description_selection(self.env)
        ),
        compute="_compute_salutation",
        store=True,
        readonly=False,
        help="Salutation of the thank-you mail and of letters; prefilled from the "
        "matched contact.",
    )
    academic_title = fields.Char(
        compute="_compute_salutation",
        store=True,
        readonly=False,
        help='As written before the name, e.g. "Dr.", "Prof. Dr."; prefilled from the '
        "matched contact.",
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
            ("ambiguous", "Not certainly the same person"),
        ],
        compute="_compute_match",
        store=True,
    )
    partner_choice = fields.Selection(
        [("existing", "Existing contact"), ("new", "New contact")],
        string="Register For",
        compute="_compute_partner_choice",
        store=True,
        readonly=False,
        help="Empty when the typed data may be an existing contact but not certainly "
        "the same person: choose the contact or a new one.",
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
    registered_activity_id = fields.Many2one(
        "crm.campaign.activity",
        string="Existing Registration",
        compute="_compute_registration",
        help="The contact's registration for this campaign that you may complete.",
    )
    registration_info = fields.Char(
        string="Registration",
        compute="_compute_registration",
        help="When and by whom the contact is already registered for this campaign.",
    )
    registration_mode = fields.Selection(
        [
            ("update", "Add to the existing registration"),
            ("new", "Register another conversation"),
        ],
        string="Already Registered",
        compute="_compute_registration_mode",
        store=True,
        readonly=False,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    contact_type = fields.Selection(
        selection=contact_type_selection,
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
            # an uncertain match is proposed, never taken: the user chooses
            certain = reason in ("email", "name_company")
            wizard.partner_id = partners if certain else False
            wizard.match_reason = reason
            wizard.candidate_ids = partners

    @api.depends("partner_id", "match_reason")
    def _compute_partner_choice(self):
        for wizard in self:
            if wizard.partner_id:
                wizard.partner_choice = "existing"
            elif wizard.match_reason == "ambiguous":
                wizard.partner_choice = False
            else:
                wizard.partner_choice = "new"

    @api.depends("partner_id")
    def _compute_salutation(self):
        for wizard in self:
            for name in SALUTATION_FIELDS:
                wizard[name] = wizard.partner_id[name] or wizard[name]

    @api.depends("partner_id", "partner_choice", "campaign_id")
    def _compute_registration(self):
        self.registered_activity_id = False
        self.registration_info = False
        todo = self.filtered(
            lambda w: w.partner_choice == "existing" and w.partner_id and w.campaign_id
        )
        if not todo:
            return
        domain = [
            ("campaign_id", "in", todo.campaign_id.ids),
            ("partner_id", "in", todo.partner_id.ids),
            ("state", "!=", "cancelled"),
            ("company_id", "in", self.env.companies.ids),
        ]
        Activity = self.env["crm.campaign.activity"]
        Activity.check_access("create")
        mine = Activity.search_fetch(domain, ["campaign_id", "partner_id"])
        # A colleague's registration counts too, though a salesperson with "own
        # documents only" may not read it: only its date and salesperson are shown.
        every = Activity.sudo().search_fetch(
            domain, ["campaign_id", "partner_id", "date", "user_id"]
        )
        for wizard in todo:
            pair = (wizard.campaign_id, wizard.partner_id)
            found = every.filtered(lambda a, p=pair: (a.campaign_id, a.partner_id) == p)
            if not found:
                continue
            own = mine.filtered(lambda a, p=pair: (a.campaign_id, a.partner_id) == p)
            wizard.registered_activity_id = own[:1]
            shown = every.browse(own[:1].ids) or found[:1]
            wizard.registration_info = _(
                "Registered for this campaign on %(date)s by %(user)s.",
                date=format_datetime(self.env, shown.date, dt_format="short"),
                user=shown.user_id.name or _("nobody"),
            )

    @api.depends("registered_activity_id", "registration_info")
    def _compute_registration_mode(self):
        for wizard in self:
            # one's own registration is completed; a colleague's stays theirs
            wizard.registration_mode = (
                wizard.registered_activity_id and "update" or False
            )

    def _prepare_partner_values(self):
        self.ensure_one()
        return {
            "form_of_address": self.form_of_address,
            "academic_title": self.academic_title,
            "firstname": self.firstname,
            "lastname": self.lastname,
            "email": self.email,
            "phone": self.phone,
            "company_name": self.company_name,
            "function": self.function,
        }

    def _prepare_visitor_values(self):
        self.ensure_one()
        existing = self.partner_choice == "existing"
        vals = {
            "campaign_id": self.campaign_id.id,
            "partner_id": existing and self.partner_id.id,
            "partner_vals": self._prepare_partner_values(),
            "update_partner": self.update_partner,
            "overwrite_partner_fields": list(SALUTATION_FIELDS),
            "create_partner": not existing,
            "date": self.date,
            "contact_type": self.contact_type,
            "business_field_ids": [
                Command.link(field.id) for field in self.business_field_ids
            ],
            "note": self.note,
            "user_id": self.user_id.id,
        }
        if existing and self.registration_mode == "update":
            vals["activity_id"] = self.registered_activity_id.id
        return vals

    def _check_decisions(self):
        """What the user has to decide before the visitor is registered."""
        for wizard in self:
            if not wizard.partner_choice or (
                wizard.partner_choice == "existing" and not wizard.partner_id
            ):
                raise UserError(
                    _(
                        "%s may be an existing contact, but not certainly: choose the "
                        "contact or register a new contact.",
                        wizard._get_visitor_label(),
                    )
                )
            if wizard.registration_info and (
                not wizard.registration_mode
                or (
                    wizard.registration_mode == "update"
                    and not wizard.registered_activity_id
                )
            ):
                raise UserError(
                    _(
                        "%(contact)s: %(info)s Confirm to register another "
                        "conversation.",
                        contact=wizard.partner_id.display_name,
                        info=wizard.registration_info,
                    )
                )

    def _get_visitor_label(self):
        self.ensure_one()
        return (
            " ".join(filter(None, [self.firstname, self.lastname]))
            or self.email
            or _("The visitor")
        )

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
        self._check_decisions()
        return self.env["crm.campaign.activity"]._register_visitors(
            [wizard._prepare_visitor_values() for wizard in self]
        )
