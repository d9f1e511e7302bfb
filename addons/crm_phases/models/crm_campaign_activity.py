from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.tools import format_date, format_datetime, plaintext2html, split_every


def contact_type_selection(model):
    """The kinds of contact of campaign activities (in the user's language), for the
    wizards and records that offer the same choice."""
    activity = model.env["crm.campaign.activity"]
    return activity._fields["contact_type"]._description_selection(model.env)


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
    thanked_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the visitor was thanked; the thank-you mail skips it unless it is "
        "sent again on purpose.",
    )
    thanked_message_id = fields.Many2one(
        "mail.message",
        string="Thank-You Mail",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The history entry of the thank-you mail on the contact.",
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
        default True), ``overwrite_partner_fields`` (contact fields the user
        confirmed, written even over a value), ``create_partner`` (skip the
        matching) and ``activity_id`` (the contact's registration for the campaign
        this conversation is added to instead of registering it again). Returns the
        activities in input order.
        """
        private_keys = {
            "partner_vals",
            "update_partner",
            "overwrite_partner_fields",
            "create_partner",
            "activity_id",
        }
        partners = self.env["res.partner"]._crm_phases_resolve_visitors(visitors)
        new = [
            index
            for index, visitor in enumerate(visitors)
            if not visitor.get("activity_id")
        ]
        created = self.create(
            [
                {
                    key: value
                    for key, value in visitors[index].items()
                    if key not in private_keys
                }
                | {"partner_id": partners[index].id}
                for index in new
            ]
        )
        ids = [visitor.get("activity_id") for visitor in visitors]
        for index, activity in zip(new, created, strict=True):
            ids[index] = activity.id
        for visitor in visitors:
            if visitor.get("activity_id"):
                self.browse(visitor["activity_id"])._add_conversation(visitor)
        return self.browse(ids)

    def _add_conversation(self, visitor):
        """Another conversation with a registered visitor: its interests are added
        and its note is appended under the date and the salesperson; the
        registration (thank-you mail, opportunity) stays one."""
        self.ensure_one()
        vals = {"business_field_ids": visitor.get("business_field_ids") or []}
        if visitor.get("note"):
            user = self.env["res.users"].browse(visitor.get("user_id")) or self.env.user
            heading = _(
                "%(date)s, %(user)s:",
                date=format_datetime(
                    self.env,
                    visitor.get("date") or fields.Datetime.now(),
                    dt_format="short",
                ),
                user=user.name,
            )
            vals["note"] = "\n\n".join(
                filter(None, [self.note, f"{heading}\n{visitor['note']}"])
            )
        self.write(vals)

    # States

    def action_set_thanked(self):
        todo = self.filtered(lambda a: a.state == "registered")
        todo.write({"state": "thanked", "thanked_date": fields.Datetime.now()})

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

    # Thank-you mail (A.1: personalised e-mail and history entry per visitor)

    @api.model
    def _get_thank_you_skip_reason_labels(self):
        """The mail engine's reasons (``mailmerge.mail``) and the thank-you's."""
        return self.env["mailmerge.mail"]._get_skip_reason_labels() | {
            "already_thanked": _("Already thanked"),
            "duplicate": _("Same e-mail address as another visitor"),
            "same_company": _("Another visitor of the same company is thanked"),
        }

    @api.model
    def _get_thank_you_bounce_limit(self):
        """Bounces (``message_bounce``) from which an address counts as dead."""
        return self.env["mailmerge.mail"]._get_bounce_limit()

    def _get_thank_you_skip_reasons(self, resend=False):
        """Why activities get no thank-you mail, as ``{activity: reason}``; the
        activities absent are mailed: those already thanked, and those whose
        contact the mail engine skips (``mailmerge.mail._get_partner_skip_reasons``).
        Extend to add rules (reasons: see ``_get_thank_you_skip_reason_labels``)."""
        partner_reasons = self.env["mailmerge.mail"]._get_partner_skip_reasons(
            self.partner_id
        )
        reasons = {}
        for activity in self:
            if not resend and (activity.thanked_date or activity.state == "thanked"):
                reasons[activity] = "already_thanked"
            elif activity.partner_id in partner_reasons:
                reasons[activity] = partner_reasons[activity.partner_id]
        return reasons

    def _split_thank_you_recipients(self, resend=False):
        """Split into the activities to mail, one per person and per address,
        the activities the same mail thanks too ``{activity: activity mailed}``
        (the person's other conversations, contacts sharing the address) and the
        skipped ``[(activity, reason)]``, one per person.

        A person thanked for any of its conversations, or whose address was
        thanked, is skipped as a whole: only ``resend`` thanks again."""
        reasons = self._get_thank_you_skip_reasons(resend=resend)
        thanked_emails = {
            activity.partner_id.email_normalized
            for activity, reason in reasons.items()
            if reason == "already_thanked" and activity.partner_id.email_normalized
        }
        to_send, duplicates, skipped = self.browse(), {}, []
        first_by_email = {}
        by_person = self.sorted(lambda a: (a.date, a.id)).grouped("partner_id")
        for group in by_person.values():
            reason, todo = self._get_thank_you_person_skip_reason(group, reasons)
            if reason:
                skipped.append((todo, reason))
                continue
            email, mailed = group.partner_id.email_normalized, todo[0]
            if email in thanked_emails or email in first_by_email:
                skipped.append((mailed, "duplicate"))
                if email in first_by_email:
                    duplicates.update(dict.fromkeys(todo, first_by_email[email]))
                continue
            first_by_email[email] = mailed
            to_send |= mailed
            duplicates.update(dict.fromkeys(todo[1:], mailed))
        return self._split_thank_you_per_company(to_send, duplicates, skipped, reasons)

    def _split_thank_you_per_company(self, to_send, duplicates, skipped, reasons):
        """Companies thanking "one per company": of the visitors of one company
        only the recipient of ``res.partner._select_mailing_recipients`` among
        them is mailed, the others are skipped (``same_company``), as are all of a
        company that was thanked already (unless resent)."""
        per_company = to_send.filtered(
            lambda a: a.company_id.thank_you_recipients == "company"
        )
        if not per_company:
            return to_send, duplicates, skipped
        thanked_companies = {
            activity.partner_id.commercial_partner_id
            for activity, reason in reasons.items()
            if reason == "already_thanked"
            and activity.partner_id.commercial_partner_id.is_company
        }
        recipients, _left_out = per_company.partner_id._select_mailing_recipients(
            channel="mail", within_selection=True
        )
        left_out = per_company.filtered(
            lambda a: (
                a.partner_id not in recipients
                or a.partner_id.commercial_partner_id in thanked_companies
            )
        )
        skipped += [(activity, "same_company") for activity in left_out]
        duplicates = {
            duplicate: first
            for duplicate, first in duplicates.items()
            if first not in left_out
        }
        return to_send - left_out, duplicates, skipped

    @api.model
    def _get_thank_you_person_skip_reason(self, activities, reasons):
        """One person's activities: ``(reason, the activity listed)`` when the
        person is skipped, else ``(False, the activities to thank)``."""
        thanked = activities.filtered(lambda a: reasons.get(a) == "already_thanked")
        if thanked:
            return "already_thanked", thanked[0]
        todo = activities.filtered(lambda a: a not in reasons)
        if not todo:
            return reasons[activities[0]], activities[0]
        return False, todo

    def _send_thank_you_mail(self, template, resend=False):
        """Queue the thank-you mail to the activities' contacts and mark them
        thanked: one ``mail.mail`` per address, rendered and created per batch,
        its message kept on the contact as history. Returns ``{"sent":
        activities mailed, "skipped": [(activity, reason)], "mails": mail.mail}``.
        """
        self.check_access("write")
        to_send, duplicates, skipped = self._split_thank_you_recipients(resend)
        mails = to_send._create_thank_you_mails(template)
        now = fields.Datetime.now()
        messages = dict(zip(to_send, mails.mail_message_id, strict=True))
        messages.update(
            (duplicate, messages[first]) for duplicate, first in duplicates.items()
        )
        thanked = self.browse([activity.id for activity in messages])
        thanked.filtered(lambda a: a.state == "registered").state = "thanked"
        thanked.thanked_date = now
        for activity, message in messages.items():
            activity.thanked_message_id = message
        return {"sent": to_send, "skipped": skipped, "mails": mails}

    def _create_thank_you_mails(self, template):
        """Batch-first: each batch is rendered at once by the template (per
        language); the mail engine creates the mails, which wait in the queue
        (``process_email_queue``)."""
        Engine = self.env["mailmerge.mail"]
        vals_list = []
        for batch in split_every(Engine._get_batch_size(), self.ids, self.browse):
            rendered = template._generate_template(
                batch.ids,
                ("subject", "body_html", "email_from", "reply_to", "mail_server_id"),
            )
            vals_list += [
                activity._prepare_thank_you_mail_values(rendered[activity.id], template)
                for activity in batch
            ]
        return Engine._create_mails(vals_list)

    def _prepare_thank_you_mail_values(self, rendered, template):
        """The engine's mail to the contact, its history message included."""
        self.ensure_one()
        return self.env["mailmerge.mail"]._prepare_mail_values(
            self.partner_id,
            rendered["subject"],
            rendered["body_html"],
            email_from=rendered.get("email_from"),
            reply_to=rendered.get("reply_to") or rendered.get("email_from"),
            mail_server_id=rendered.get("mail_server_id"),
            auto_delete=template.auto_delete,
        )
