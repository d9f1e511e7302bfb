from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.queue_job.job import identity_exact


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    campaign_type = fields.Selection(
        [
            ("trade_fair", "Trade Fair"),
            ("event", "Event"),
            ("mailing", "Mailing"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    date_start = fields.Date(string="Start Date")
    date_end = fields.Date(string="End Date")
    place = fields.Char()
    partner_category_id = fields.Many2one(
        "res.partner.category",
        string="Contact Tag",
        ondelete="set null",
        help="Every contact registered for this campaign gets this tag (a trade fair "
        "gets one named like the campaign), for exports and address lists outside "
        "the CRM.",
    )
    # the stages fit the campaign type: a trade fair is planned, runs, is followed
    # up and done, a mailing goes through Odoo's generic stages
    stage_id = fields.Many2one(
        default=lambda self: self._default_stage_id(),
        compute="_compute_stage_id",
        store=True,
        readonly=False,
    )
    allowed_stage_ids = fields.Many2many(
        "utm.stage",
        compute="_compute_allowed_stage_ids",
        string="Stages of the Campaign Type",
    )
    campaign_activity_ids = fields.One2many(
        "crm.campaign.activity", "campaign_id", string="Campaign Activities"
    )
    campaign_activity_count = fields.Integer(
        string="Activity Count",
        compute="_compute_campaign_activity_counts",
        groups="sales_team.group_sale_salesman",
    )
    campaign_partner_count = fields.Integer(
        string="Contact Count",
        compute="_compute_campaign_activity_counts",
        groups="sales_team.group_sale_salesman",
    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if (
                campaign.date_start
                and campaign.date_end
                and campaign.date_end < campaign.date_start
            ):
                raise ValidationError(
                    _(
                        "The campaign %s cannot end before it starts.",
                        campaign.title,
                    )
                )

    @api.model
    def _default_stage_id(self):
        campaign_type = self.default_get(["campaign_type"]).get("campaign_type")
        return self.env["utm.stage"]._get_stages_by_campaign_type()[campaign_type][:1]

    @api.depends("campaign_type")
    def _compute_stage_id(self):
        """A campaign whose type changes moves to the first stage of its new type,
        unless its stage fits that type as well."""
        stages_by_type = self.env["utm.stage"]._get_stages_by_campaign_type()
        for campaign in self:
            stages = stages_by_type[campaign.campaign_type]
            if stages and campaign.stage_id not in stages:
                campaign.stage_id = stages[:1]

    @api.depends("campaign_type")
    def _compute_allowed_stage_ids(self):
        stages_by_type = self.env["utm.stage"]._get_stages_by_campaign_type()
        for campaign in self:
            campaign.allowed_stage_ids = stages_by_type[campaign.campaign_type]

    @api.model
    def _group_expand_stage_ids(self, stages, domain):
        """The kanban of the campaigns of some types (search filter or action
        context) shows the columns of those types only."""
        campaign_types = self._get_domain_campaign_types(domain)
        if not campaign_types:
            return super()._group_expand_stage_ids(stages, domain)
        stages_by_type = self.env["utm.stage"]._get_stages_by_campaign_type()
        fitting = stages.browse().union(*(stages_by_type[t] for t in campaign_types))
        return fitting.sorted(lambda stage: (stage.sequence, stage.id))

    @api.model
    def _get_domain_campaign_types(self, domain):
        """Campaign types that ``domain`` (or the context's default) asks for."""
        campaign_types = set()
        for leaf in domain:
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3:
                fname, operator, value = leaf
                if fname == "campaign_type" and operator == "=":
                    campaign_types.add(value)
                elif fname == "campaign_type" and operator == "in":
                    campaign_types.update(value)
        if self.env.context.get("default_campaign_type"):
            campaign_types.add(self.env.context["default_campaign_type"])
        return campaign_types

    def _compute_campaign_activity_counts(self):
        data = self.env["crm.campaign.activity"]._read_group(
            self._get_campaign_activity_domain(),
            ["campaign_id"],
            ["__count", "partner_id:count_distinct"],
        )
        counts = {campaign.id: (count, partners) for campaign, count, partners in data}
        for campaign in self:
            campaign.campaign_activity_count, campaign.campaign_partner_count = (
                counts.get(campaign.id, (0, 0))
            )

    def _get_campaign_activity_domain(self):
        """Activities that count: cancelled ones (typed in error, withdrawn) do not."""
        return [("campaign_id", "in", self.ids), ("state", "!=", "cancelled")]

    @api.model_create_multi
    def create(self, vals_list):
        without_stage = [vals for vals in vals_list if "stage_id" not in vals]
        if without_stage:
            stages_by_type = self.env["utm.stage"]._get_stages_by_campaign_type()
            default_type = self.default_get(["campaign_type"]).get("campaign_type")
            for vals in without_stage:
                stages = stages_by_type[vals.get("campaign_type") or default_type]
                if stages:
                    vals["stage_id"] = stages[:1].id
        campaigns = super().create(vals_list)
        campaigns._ensure_partner_category()
        return campaigns

    def write(self, vals):
        res = super().write(vals)
        if "campaign_type" in vals:
            self._ensure_partner_category()
        if vals.get("partner_category_id"):
            self.campaign_activity_ids._sync_partner_tags()
        return res

    def _ensure_partner_category(self):
        """A trade fair without contact tag gets the tag named like it, an existing
        one (e.g. from the days of Outlook categories) or a new one."""
        missing = self.filtered(
            lambda c: c.campaign_type == "trade_fair" and not c.partner_category_id
        )
        if not missing:
            return
        Category = self.env["res.partner.category"]
        names = list(dict.fromkeys(missing.mapped("title")))
        tags = {
            tag.name: tag
            for tag in Category.search(
                [("name", "in", names), ("parent_id", "=", False)], order="id desc"
            )
        }
        new_names = [name for name in names if name not in tags]
        tags.update(
            zip(
                new_names,
                Category.create([{"name": n} for n in new_names]),
                strict=True,
            )
        )
        for tag, campaigns in missing.grouped(lambda c: tags[c.title]).items():
            campaigns.partner_category_id = tag

    # Smart buttons

    def action_view_campaign_activities(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_activity_action"
        )
        action["domain"] = [("campaign_id", "in", self.ids)]
        action["context"] = {
            "default_campaign_id": self[:1].id,
            "search_default_filter_open": 1,
        }
        return action

    def action_view_campaign_partners(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Campaign Contacts"),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [
                ("campaign_activity_ids", "any", self._get_campaign_activity_domain())
            ],
            "context": {"create": False},
        }

    def action_register_visitor(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_visitor_wizard_action"
        )
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_import_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_import_wizard_action"
        )
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_export_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_export_wizard_action"
        )
        action["context"] = {"default_campaign_id": self.id}
        return action

    # Export of the contacts (level 2: CSV/XLSX for the e-mail program)

    def _get_campaign_partners(self):
        activities = self.env["crm.campaign.activity"].search(
            self._get_campaign_activity_domain()
        )
        return activities.partner_id.sorted(lambda p: (p.name or "").lower())

    def _export_contacts(self, field_names, file_format="csv"):
        """The campaign's contacts with the chosen fields as a CSV (``;``, UTF-8 with
        BOM, for German Excel) or XLSX file; returns the ``ir.attachment``."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        allowed = dict(Partner._crm_phases_export_fields())
        unknown = [name for name in field_names if name not in allowed]
        if unknown or not field_names:
            raise UserError(_("Choose the fields to export among the offered ones."))
        header = [allowed[name] for name in field_names]
        Export = self.env["mailmerge.export"]
        rows = Export._export_cells(self._get_campaign_partners(), field_names)
        return Export._export_attachment(
            _("%s contacts", self.title), header, rows, file_format, record=self
        )

    # Thank-you mail to the visitors (A.1, level 3)

    def _get_thank_you_activity_domain(self):
        """Whom the thank-you mail is for: the campaign's visitors."""
        return self._get_campaign_activity_domain()

    def _get_thank_you_activities(self):
        return self.env["crm.campaign.activity"].search(
            self._get_thank_you_activity_domain(), order="date, id"
        )

    @api.model
    def _get_thank_you_mail_template(self):
        return self.env.ref(
            "crm_phases.mail_template_campaign_thank_you", raise_if_not_found=False
        )

    def _send_thank_you_mail(self, activities=None, template=None, resend=False):
        """Thank the campaign's visitors (or the given ``activities``) by e-mail
        through the mail queue; with ``resend``, visitors already thanked are
        mailed again. Returns ``{"sent", "skipped", "mails"}``, see
        ``crm.campaign.activity._send_thank_you_mail``."""
        if activities is None:
            activities = self._get_thank_you_activities()
        template = template or self._get_thank_you_mail_template()
        if not template:
            raise UserError(_("Choose the e-mail template of the thank-you mail."))
        return activities._send_thank_you_mail(template, resend=resend)

    def action_open_thank_you_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_thank_you_wizard_action"
        )
        action["context"] = {"default_campaign_id": self.id}
        return action

    # Thank-you mail in the background (queue_job)

    @api.model
    def _get_thank_you_background_threshold(self):
        """More recipients than this: the thank-you mail is sent by a background
        job, fewer at once."""
        params = self.env["ir.config_parameter"].sudo()
        return int(
            params.get_param("crm_phases.thank_you_background_recipients", 200) or 0
        )

    def _delay_thank_you_mail(self, template, resend=False):
        """Queue the job of the thank-you mail; clicking twice queues it once."""
        self.ensure_one()
        return self.with_delay(
            description=_("Thank-you mail of %s", self.display_name),
            identity_key=identity_exact,
        )._send_thank_you_mail_job(template, resend=resend)

    def _send_thank_you_mail_job(self, template, resend=False):
        """Job: the thank-you mail to the campaign's visitors (one transaction: a
        retry after a failure sends nothing twice, the visitors thanked are marked
        in it), then a notification to the user who sent it."""
        self.ensure_one()
        result = self._send_thank_you_mail(template=template, resend=resend)
        summary = _(
            "Thank-you mail of %(campaign)s: %(sent)s mails queued, %(skipped)s "
            "visitors skipped.",
            campaign=self.display_name,
            sent=len(result["sent"]),
            skipped=len(result["skipped"]),
        )
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": _("Thank-You Mail"),
                "message": summary,
                "sticky": True,
            },
        )
        return summary
