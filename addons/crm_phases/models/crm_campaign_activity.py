from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.tools import format_date, plaintext2html


class CrmCampaignActivity(models.Model):
    """A contact's encounter within a campaign: a visitor at the booth, a call, a
    letter. Odoo has no such record (``utm.campaign`` has no members, a
    ``mail.activity`` is a to-do), yet the thank-you mail, the export of the fair's
    contacts and the opportunities all start from it."""

    _name = "crm.campaign.activity"
    _description = "Campaign Activity"
    _order = "date desc, id desc"
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "utm.campaign",
        required=True,
        index=True,
        ondelete="restrict",
    )
    campaign_type = fields.Selection(related="campaign_id.campaign_type")
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Contact's Company",
        store=True,
        index=True,
    )
    partner_email = fields.Char(related="partner_id.email", string="Email")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    contact_type = fields.Selection(
        [
            ("booth", "Booth Conversation"),
            ("phone", "Phone Call"),
            ("email", "E-mail"),
            ("letter", "Letter"),
            ("event", "Event"),
            ("other", "Other"),
        ],
        string="Kind of Contact",
        required=True,
        default="booth",
    )
    business_field_ids = fields.Many2many(
        "crm.business.field", string="Business Interest"
    )
    note = fields.Text()
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        check_company=True,
    )
    state = fields.Selection(
        [
            ("registered", "Registered"),
            ("thanked", "Thanked"),
            ("converted", "Converted"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="registered",
        copy=False,
        index=True,
        group_expand="_group_expand_states",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )

    def _group_expand_states(self, states, domain):
        """The booth's kanban shows every state, in the order of the process."""
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("campaign_id", "partner_id")
    def _compute_display_name(self):
        for activity in self:
            activity.display_name = " – ".join(
                filter(None, [activity.campaign_id.title, activity.partner_id.name])
            )

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        activities._sync_partner_tags()
        return activities

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "campaign_id", "state"} & set(vals):
            self._sync_partner_tags()
        return res

    def _sync_partner_tags(self):
        """Level 1 of the handbook: every contact of a fair carries the fair's contact
        tag, as the Outlook category did."""
        activities = self.filtered(lambda a: a.state != "cancelled")
        by_tag = activities.grouped(lambda a: a.campaign_id.partner_category_id)
        for tag, group in by_tag.items():
            if not tag:
                continue
            partners = group.partner_id.filtered(
                lambda p, t=tag: t not in p.category_id
            )
            if partners:
                partners.write({"category_id": [Command.link(tag.id)]})

    # Capture

    @api.model
    def _register_visitors(self, visitors):
        """Register a batch of visitors (booth capture, list import): one activity
        each, its contact found or created by ``res.partner``'s matching.

        Each visitor is a dict of activity values plus ``partner_vals`` (the typed
        contact data), optional ``update_partner`` (complete the matched contact,
        default True) and ``create_partner`` (skip the matching).
        """
        private_keys = {"partner_vals", "update_partner", "create_partner"}
        partners = self.env["res.partner"]._crm_phases_resolve_visitors(visitors)
        return self.create(
            [
                {
                    key: value
                    for key, value in visitor.items()
                    if key not in private_keys
                }
                | {"partner_id": partner.id}
                for visitor, partner in zip(visitors, partners, strict=True)
            ]
        )

    # States

    def action_set_thanked(self):
        self.filtered(lambda a: a.state == "registered").state = "thanked"

    def action_cancel(self):
        self.state = "cancelled"

    def action_reset(self):
        self.state = "registered"

    # Opportunities

    def action_create_opportunities(self):
        """One opportunity per activity that has none (cancelled ones excepted); safe
        to call again: activities already converted keep their opportunity."""
        todo = self.filtered(lambda a: not a.lead_id and a.state != "cancelled")
        if todo:
            leads = self.env["crm.lead"].create(
                [activity._prepare_opportunity_values() for activity in todo]
            )
            for activity, lead in zip(todo, leads, strict=True):
                activity.lead_id = lead
            todo.state = "converted"
        return self._action_view_opportunities()

    def _prepare_opportunity_values(self):
        self.ensure_one()
        vals = {
            "name": _(
                "%(campaign)s: %(contact)s",
                campaign=self.campaign_id.title,
                contact=self.partner_id.name,
            ),
            "type": "opportunity",
            "partner_id": self.partner_id.id,
            "campaign_id": self.campaign_id.id,
            "user_id": (self.user_id or self.env.user).id,
            "company_id": self.company_id.id,
            "description": self._prepare_opportunity_description(),
        }
        # the opportunity's own business fields arrive with the sales phase (A.2)
        if "business_field_ids" in self.env["crm.lead"]._fields:
            vals["business_field_ids"] = [Command.set(self.business_field_ids.ids)]
        return vals

    def _prepare_opportunity_description(self):
        self.ensure_one()
        description = Markup("<p>%s</p>") % _(
            "Campaign activity of %(date)s: %(kind)s",
            date=format_date(self.env, self.date),
            kind=dict(self._fields["contact_type"]._description_selection(self.env))[
                self.contact_type
            ],
        )
        if self.business_field_ids:
            description += Markup("<p>%s</p>") % _(
                "Interest: %s", ", ".join(self.business_field_ids.mapped("name"))
            )
        if self.note:
            description += plaintext2html(self.note)
        return description

    def _action_view_opportunities(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm.crm_lead_opportunities"
        )
        leads = self.lead_id
        action["domain"] = [("id", "in", leads.ids)]
        action["context"] = {"active_test": False, "create": False}
        if len(leads) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=leads.id)
        return action
