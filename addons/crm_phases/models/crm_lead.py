import logging
import time
from datetime import datetime

import psycopg2
from dateutil.relativedelta import relativedelta
from lxml import etree
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import (
    SQL,
    consteq,
    email_normalize,
    format_amount,
    format_date,
    formatLang,
    html2plaintext,
    is_html_empty,
    plaintext2html,
)
from odoo.tools.misc import hmac

_logger = logging.getLogger(__name__)

TOKEN_SCOPE = "crm_phases-website-request-form"
TOKEN_MAX_AGE = 2 * 24 * 3600
MAX_LINES = 20
MAX_QUANTITY = 9999
# what the public may write, with its maximum length
TEXT_LIMITS = {
    "academic_title": 40,
    "contact_name": 100,
    "partner_name": 100,
    "email_from": 120,
    "phone": 40,
    "street": 120,
    "zip": 16,
    "city": 80,
    "description": 5000,
}
REQUIRED_TEXTS = ("contact_name", "email_from")
COMPLETION_MONTHS = {"asap": 1, "3_months": 3, "6_months": 6, "12_months": 12}
# website_crm's form (/website/form/crm.lead): who the form assigns, and its signature
FORM_ASSIGNMENT_FIELDS = ("team_id", "user_id")
FORM_ASSIGNMENT_SIGNATURE = "crm_phases_assignment_signature"
FORM_ASSIGNMENT_SCOPE = "crm_phases-website-form-assignment"


class CrmLead(models.Model):
    """Opportunities of the customer-management cycle: the won hand-over to the order
    desk, the sales phase's attributes (products of interest, business fields, revenue
    period) and the requests of the website form "Angebot anfordern".
    """

    _inherit = "crm.lead"

    # ------------------------------------------------------------
    # WON HAND-OVER
    # ------------------------------------------------------------

    won_handled_date = fields.Datetime(
        string="Order Handover On",
        readonly=True,
        copy=False,
        help="When the order desk was handed this won opportunity (task, e-mail, "
        "order). Set once: winning it again does not hand it over a second time.",
    )

    # ------------------------------------------------------------
    # CRUD: detect the leads that newly reach won
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._filter_won()._handle_newly_won()
        return leads

    def write(self, vals):
        """Hand over the leads this write brings into won (stage or restore).

        ``_handle_won_lost(vals)`` sees the values before they are written; the
        hand-over needs the written lead (stage, revenue of the same write), so the
        same batch is computed here around ``super()``.
        """
        if "stage_id" not in vals and "active" not in vals:
            return super().write(vals)
        not_won_before = self - self._filter_won()
        result = super().write(vals)
        not_won_before._filter_won()._handle_newly_won()
        return result

    def _filter_won(self):
        """Won as Odoo means it: active and in a stage flagged ``is_won``."""
        return self.filtered(lambda lead: lead.active and lead.stage_id.is_won)

    def _handle_newly_won(self):
        claimed = self._claim_won_handling()
        if claimed:
            claimed._on_opportunity_won()

    def _claim_won_handling(self):
        """Mark the leads as handed over; return those this transaction marked.

        One ``UPDATE ... WHERE won_handled_date IS NULL``: its row lock serialises
        concurrent winners of the same lead, so exactly one transaction gets its id
        back (the other waits, then sees the marker or fails to serialise and is
        retried by Odoo).
        """
        leads = self.filtered(lambda lead: not lead.won_handled_date)
        if not leads:
            return leads
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET won_handled_date = %s "
                "WHERE id IN %s AND won_handled_date IS NULL RETURNING id",
                SQL.identifier(self._table),
                self.env.cr.now(),
                tuple(leads.ids),
            )
        )
        claimed_ids = [row[0] for row in self.env.cr.fetchall()]
        leads.invalidate_recordset(["won_handled_date"])
        return self.browse(claimed_ids)

    @api.model
    def _backfill_won_handled_date(self):
        """Count the opportunities won before the hand-over existed as handed over.

        Otherwise reopening and winning one again, or restoring it from lost, would
        hand it over (and create its order) a second time. One UPDATE, since a
        database may hold a million leads; the date is the closing date of the lead.
        Called on install and by the migration to 18.0.1.6.0; returns the ids set.
        """
        self.flush_model(["won_handled_date", "stage_id", "active", "date_closed"])
        self.env.cr.execute(
            SQL(
                """UPDATE %(lead)s AS lead
                      SET won_handled_date = COALESCE(
                              lead.date_closed, lead.write_date, lead.create_date)
                     FROM %(stage)s AS stage
                    WHERE stage.id = lead.stage_id
                      AND stage.is_won
                      AND lead.active
                      AND lead.won_handled_date IS NULL
                RETURNING lead.id""",
                lead=SQL.identifier(self._table),
                stage=SQL.identifier(self.env["crm.stage"]._table),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["won_handled_date"])
        return ids

    # ------------------------------------------------------------
    # WON HOOK
    # ------------------------------------------------------------

    won_handover_error = fields.Text(
        string="Order Handover Problem",
        readonly=True,
        copy=False,
        help="Why the order desk's task or e-mail could not be created when the "
        "opportunity was won. The opportunity is won all the same; fix the cause "
        "(order clerk, e-mail template) and retry the hand-over.",
    )

    def _on_opportunity_won(self):
        """Hook called exactly once per opportunity, on the leads newly won together.

        Extend it to act on won opportunities (``erp_transfer`` creates the sales
        order) and call ``super()`` to keep the order desk's task and e-mail.
        """
        self._hand_over_to_order_desk()

    def _hand_over_to_order_desk(self, retry=False):
        """The order clerk's task and e-mail; a failure never blocks winning.

        Each step runs in a savepoint: what fails is rolled back, logged and
        recorded on the lead (``won_handover_error``, a note in the chatter) for
        the sales manager, and the lead stays won. ``retry``: leads that still have
        their open task do not get a second one.
        """
        clerks = self._get_order_clerks()
        no_clerk = self.filtered(lambda lead: not clerks[lead.id])
        no_clerk._record_order_handover_problem(
            self.env._(
                "Nobody to hand the order over to: set an order clerk in the CRM "
                "settings, or a salesperson or a sales team with a leader."
            )
        )
        leads = self - no_clerk
        task_leads = leads
        if retry:
            tasks = leads._get_open_order_handover_tasks()
            task_leads -= self.browse(tasks.mapped("res_id"))
        task_leads._run_order_handover_step(
            lambda todo: todo._create_order_handover_activities(
                todo.grouped(lambda lead: clerks[lead.id])
            ),
            self.env._("task"),
        )
        leads.filtered(
            lambda lead: (lead.company_id or self.env.company).order_handover_send_mail
        )._run_order_handover_step(
            lambda todo: todo._send_order_handover_mails(
                todo.grouped(lambda lead: clerks[lead.id])
            ),
            self.env._("e-mail"),
        )
        return self

    def _get_open_order_handover_tasks(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self._get_order_handover_activity_type().id),
            ]
        )

    def _run_order_handover_step(self, step, label):
        """Call ``step(leads)`` in a savepoint; a failing batch is retried lead by
        lead so that only the leads that fail are recorded.

        Concurrency errors are raised: Odoo retries the whole transaction.
        """
        if not self:
            return
        try:
            with self.env.cr.savepoint():
                step(self)
            return
        except psycopg2.OperationalError:
            raise
        except Exception as error:  # winning must not fail
            if len(self) > 1:
                for lead in self:
                    lead._run_order_handover_step(step, label)
                return
            _logger.warning(
                "order hand-over (%s) of opportunity %s failed",
                label,
                self.id,
                exc_info=True,
            )
            self._record_order_handover_problem(
                self.env._(
                    "The order hand-over (%(step)s) failed: %(error)s",
                    step=label,
                    error=str(error) or type(error).__name__,
                )
            )

    def _record_order_handover_problem(self, message):
        """Show the problem on the leads: field (filter "Order Handover Failed",
        banner on the form) and a note in the chatter."""
        if not self:
            return
        for lead in self:
            lead.won_handover_error = "\n".join(
                filter(None, [lead.won_handover_error, message])
            )
        self._message_log_batch(
            bodies={lead.id: Markup("<p>%s</p>") % message for lead in self}
        )

    def action_retry_order_handover(self):
        """Hand the won leads over again after their problem was fixed."""
        leads = self.filtered(lambda lead: lead.won_handover_error)._filter_won()
        leads.won_handover_error = False
        leads._hand_over_to_order_desk(retry=True)
        return True

    def _get_order_clerks(self):
        """Who gets the order task, per lead id: the order clerk of the lead's company
        (CRM settings), else the leader of its sales team, else its salesperson, else
        the user who won it. A scheduled job, an import run by a bot or the website
        (superuser, public user) is never the clerk: then it may be nobody."""
        user = self.env.user
        winner = (
            user
            if user._is_internal() and not user._is_superuser()
            else self.env["res.users"]
        )
        return {
            lead.id: (lead.company_id or self.env.company).order_clerk_user_id
            or lead.team_id.user_id
            or lead.user_id
            or winner
            for lead in self
        }

    def _get_order_handover_activity_type(self):
        return self.env.ref(
            "crm_phases.mail_activity_type_create_order", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")

    def _create_order_handover_activities(self, leads_by_clerk):
        activity_type = self._get_order_handover_activity_type()
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = activity_type._get_date_deadline()
        vals_list = []
        for clerk, leads in leads_by_clerk.items():
            notes = leads.with_context(lang=clerk.lang)._get_order_handover_notes()
            vals_list += [
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": deadline,
                    "user_id": clerk.id,
                    "note": notes[lead.id],
                }
                for lead in leads
            ]
        # The task shows in the clerk's activities; the optional e-mail below replaces
        # Odoo's per-activity "assigned to you" notification.
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _send_order_handover_mails(self, leads_by_clerk):
        """Queue the hand-over e-mail to the clerk, for leads whose company wants it,
        in the clerk's language."""
        mails = self.env["mail.mail"]
        for clerk, leads in leads_by_clerk.items():
            by_company = leads.grouped(lambda lead: lead.company_id or self.env.company)
            for company, company_leads in by_company.items():
                template = (
                    company.order_handover_send_mail
                    and company._get_order_handover_template()
                )
                if not template:
                    continue
                if not clerk.email:
                    company_leads._record_order_handover_problem(
                        self.env._(
                            "The order clerk %(clerk)s has no e-mail address: the "
                            "hand-over e-mail was not sent.",
                            clerk=clerk.name,
                        )
                    )
                    continue
                mails |= template.with_context(lang=clerk.lang).send_mail_batch(
                    company_leads.ids,
                    email_values={"recipient_ids": [Command.link(clerk.partner_id.id)]},
                )
        return mails

    # ------------------------------------------------------------
    # HAND-OVER NOTE
    # ------------------------------------------------------------

    def _prepare_order_handover_values(self):
        """Key data of each lead for the order desk, per lead id.

        ``{"rows": [(label, value)], "lines": [{"product", "quantity", "price_unit",
        "subtotal"}]}``: values are text (escaped when rendered) or ``Markup``
        (trusted HTML). Override to add rows or product lines.
        """
        has_reference = "web_reference" in self._fields
        values = {}
        for lead in self:
            currency = lead.company_currency or self.env.company.currency_id
            partner = lead.partner_id
            contact = partner if partner and not partner.is_company else False
            rows = [
                (self.env._("Opportunity"), lead.name),
                (self.env._("Reference"), has_reference and lead.web_reference),
                (
                    self.env._("Customer"),
                    partner.commercial_partner_id.display_name or lead.partner_name,
                ),
                (
                    self.env._("Contact Person"),
                    contact.name if contact else lead.contact_name,
                ),
                (self.env._("Email"), lead.email_from),
                (self.env._("Phone"), lead.phone or lead.mobile),
                (
                    self.env._("Expected Revenue"),
                    format_amount(self.env, lead.expected_revenue, currency),
                ),
                (
                    self.env._("Probability"),
                    "%s %%" % formatLang(self.env, lead.probability, digits=0),
                ),
                (
                    self.env._("Expected Closing"),
                    lead.date_deadline and format_date(self.env, lead.date_deadline),
                ),
                (self.env._("Campaign"), lead.campaign_id.display_name),
                (self.env._("Source"), lead.source_id.display_name),
                (self.env._("Salesperson"), lead.user_id.display_name),
                (self.env._("Sales Team"), lead.team_id.display_name),
                (
                    self.env._("Description"),
                    not is_html_empty(lead.description) and lead.description,
                ),
            ]
            values[lead.id] = {
                "rows": [(label, value) for label, value in rows if value],
                "lines": [],
            }
        return values

    def _get_order_handover_notes(self):
        """HTML note per lead id, in the language of the context."""
        values = self._prepare_order_handover_values()
        return {
            lead.id: self._render_order_handover_note(values[lead.id]) for lead in self
        }

    def _get_order_handover_note(self):
        """HTML note of one lead (used by the hand-over e-mail template)."""
        self.ensure_one()
        return self._get_order_handover_notes()[self.id]

    @api.model
    def _render_order_handover_note(self, values):
        """A table of the key data, then one of the product lines if there are any."""
        note = Markup(
            '<table class="o_crm_phases_order_handover"><tbody>%s</tbody></table>'
        ) % (
            Markup().join(
                Markup("<tr><th>%s</th><td>%s</td></tr>") % (label, value)
                for label, value in values["rows"]
            )
        )
        if values["lines"]:
            note += self._render_order_handover_lines(values["lines"])
        return note

    @api.model
    def _render_order_handover_lines(self, lines):
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Product"),
            self.env._("Quantity"),
            self.env._("Unit Price"),
            self.env._("Subtotal"),
        )
        body = Markup().join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (line["product"], line["quantity"], line["price_unit"], line["subtotal"])
            for line in lines
        )
        return Markup(
            '<table class="o_crm_phases_order_handover_lines">'
            "<thead>%s</thead><tbody>%s</tbody></table>"
        ) % (head, body)

    # ------------------------------------------------------------
    # OPPORTUNITY ATTRIBUTES
    # ------------------------------------------------------------

    business_field_ids = fields.Many2many(
        "crm.business.field",
        "crm_lead_business_field_rel",
        "lead_id",
        "business_field_id",
        string="Business Fields",
        compute="_compute_business_field_ids",
        store=True,
        readonly=False,
        help="Lines of business of this opportunity; the business fields of the "
        "products' categories are added automatically.",
    )
    revenue_date_from = fields.Date(
        string="Revenue From",
        help="Start of the period in which the revenue is expected.",
    )
    revenue_date_to = fields.Date(
        string="Revenue To",
        help="End of the period in which the revenue is expected.",
    )
    revenue_month = fields.Date(
        compute="_compute_revenue_month",
        store=True,
        help="First day of the month of the revenue start, else of the expected "
        "closing; used to group the pipeline by month.",
    )

    @api.depends("lead_line_ids.product_id", "lead_line_ids.category_id")
    def _compute_business_field_ids(self):
        """Add the business fields of the lines' categories; keep manual ones."""
        for lead in self.filtered("lead_line_ids"):
            lines = lead.lead_line_ids
            categories = lines.category_id | lines.product_id.categ_id
            lead.business_field_ids |= categories.business_field_id

    @api.depends("revenue_date_from", "date_deadline")
    def _compute_revenue_month(self):
        for lead in self:
            day = lead.revenue_date_from or lead.date_deadline
            lead.revenue_month = day and day + relativedelta(day=1)

    @api.constrains("revenue_date_from", "revenue_date_to")
    def _check_revenue_period(self):
        for lead in self:
            date_from, date_to = lead.revenue_date_from, lead.revenue_date_to
            if date_from and date_to and date_from > date_to:
                raise ValidationError(
                    _(
                        "The revenue period of %(lead)s ends before it starts.",
                        lead=lead.display_name,
                    )
                )

    def _sync_expected_revenue_from_lines(self):
        """Set the expected revenue of the leads that have lines to their sum.

        One grouped query for the whole batch; leads without lines keep their
        manually entered value.
        """
        totals = dict(
            self.env["crm.lead.line"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["expected_revenue:sum"]
            )
        )
        for lead, total in totals.items():
            if lead.expected_revenue != total:
                lead.expected_revenue = total

    # ------------------------------------------------------------
    # MASTER DATA FIRST: match or create the customer
    # ------------------------------------------------------------

    matching_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_matching_partner",
        string="Existing Contact",
        help="A contact that matches the typed e-mail, or name and company, of an "
        "opportunity without customer; when the match is not certain, the only "
        "candidate, to be checked before it is used.",
    )
    matching_partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_matching_partner",
        string="Possible Contacts",
        help="Contacts that may be the customer (same name without company, or "
        "another e-mail address): the salesperson decides.",
    )
    matching_partner_reason = fields.Selection(
        [
            ("email", "same e-mail"),
            ("name_company", "same name and company"),
            ("ambiguous", "not certain"),
        ],
        compute="_compute_matching_partner",
    )

    @api.depends("partner_id", "email_from", "contact_name", "partner_name")
    def _compute_matching_partner(self):
        """The dedupe of the acquisition phase, for leads typed without customer:
        one batch of searches for all of them. An ambiguous match is proposed,
        never linked by itself."""
        todo = self.filtered(
            lambda lead: (
                not lead.partner_id
                and (lead.email_from or lead.contact_name or lead.partner_name)
            )
        )
        (self - todo).update(
            {
                "matching_partner_id": False,
                "matching_partner_ids": False,
                "matching_partner_reason": False,
            }
        )
        matches = self.env["res.partner"]._crm_phases_find_matches(
            [
                {
                    "email": lead.email_from,
                    "name": lead.contact_name or lead.partner_name,
                    "company_name": lead.contact_name and lead.partner_name,
                }
                for lead in todo
            ]
        )
        for lead, (partners, reason) in zip(todo, matches, strict=True):
            lead.matching_partner_id = partners if len(partners) == 1 else False
            lead.matching_partner_ids = partners
            lead.matching_partner_reason = reason

    def action_link_matching_partner(self):
        """Use the existing contact as customer instead of creating a second one
        (the salesperson's click, also for a match that is not certain)."""
        for lead in self.filtered("matching_partner_id"):
            lead.partner_id = lead.matching_partner_id
        return True

    def action_create_customer(self):
        """Create the customer from the typed data (Odoo's own partner creation)."""
        self.filtered(lambda lead: not lead.partner_id)._handle_partner_assignment(
            create_missing=True
        )
        return True

    form_of_address = fields.Selection(
        string="Form of Address",
        selection="_selection_form_of_address",
        help="Form of address of the contact person; given to the contact created "
        "from the opportunity.",
    )
    academic_title = fields.Char(
        help='Academic title of the contact person, e.g. "Dr.", "Prof. Dr."; given '
        "to the contact created from the opportunity.",
    )

    @api.model
    def _selection_form_of_address(self):
        """The contacts' selection (Herr, Frau, divers, keine Angabe), one source."""
        return (
            self.env["res.partner"]
            ._fields["form_of_address"]
            ._description_selection(self.env)
        )

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        if not is_company:
            values.update(
                form_of_address=self.form_of_address,
                academic_title=self.academic_title,
            )
        return values

    def _inverse_email_from(self):
        # a request of a logged-in visitor keeps what was typed on the opportunity
        if self.env.context.get("crm_phases_keep_partner_contact"):
            return None
        return super()._inverse_email_from()

    def _inverse_phone(self):
        if self.env.context.get("crm_phases_keep_partner_contact"):
            return None
        return super()._inverse_phone()

    # ------------------------------------------------------------
    # WEBSITE REQUESTS
    # ------------------------------------------------------------

    web_reference = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Reference the visitor received for a request sent on the website.",
    )
    privacy_consent_date = fields.Datetime(
        string="Privacy Consent On",
        readonly=True,
        copy=False,
        help="When the visitor agreed to the privacy policy on the website form.",
    )

    _sql_constraints = [
        (
            "web_reference_uniq",
            "unique (web_reference)",
            "The web reference of an opportunity must be unique.",
        ),
    ]

    @api.model
    def _website_request_completion_periods(self):
        return [
            ("asap", _("As soon as possible")),
            ("3_months", _("Within 3 months")),
            ("6_months", _("Within 6 months")),
            ("12_months", _("Within 12 months")),
            ("dates", _("In this period")),
        ]

    @api.model
    def _website_request_form_token(self):
        """A signed timestamp put in the form to measure how long it took to fill."""
        stamp = str(int(time.time()))
        return f"{stamp}.{hmac(self.env(su=True), TOKEN_SCOPE, stamp)}"

    @api.model
    def _website_request_check_token(self, token, company):
        stamp, __, signature = (token or "").partition(".")
        expected = stamp.isdigit() and hmac(self.env(su=True), TOKEN_SCOPE, stamp)
        if not expected or not consteq(signature, expected):
            raise UserError(_("The form has expired. Please send it again."))
        age = time.time() - int(stamp)
        if age > TOKEN_MAX_AGE:
            raise UserError(_("The form has expired. Please send it again."))
        if age < company.website_request_min_seconds:
            raise UserError(
                _(
                    "That was very fast. Please check your entries and send the "
                    "form again."
                )
            )

    @api.model
    def _create_from_website_request(self, values):
        """Create the opportunity of a website request and confirm it to the visitor.

        ``values`` holds only what the controller extracted (see ``TEXT_LIMITS``,
        ``lines``, ``completion_period``, ``date_from``, ``date_to``,
        ``country_id``) and what it knows itself (``company_id``, ``website_id``,
        ``partner_id``, ``lang``, ``utm``). Everything is checked here, so callers
        other than the controller are safe too. Runs with the rights of the caller:
        the controller calls it as superuser after its own checks.
        """
        company = self.env["res.company"].browse(values["company_id"])
        vals = self._prepare_website_request_values(values, company)
        # a logged-in visitor's contact keeps its e-mail and phone: crm's inverses
        # would write the typed ones onto it (as superuser here)
        lead = (
            self.with_company(company)
            .with_context(crm_phases_keep_partner_contact=True)
            .create([vals])
            .with_env(self.env)
        )
        lead._website_request_schedule_activity()
        lead._website_request_send_confirmation()
        return lead

    @api.model
    def _prepare_website_request_values(self, values, company):
        self._website_request_check_privacy_consent(values)
        texts = self._website_request_clean_texts(values)
        lines = self._website_request_line_commands(values.get("lines") or [], company)
        business_fields = self._website_request_business_fields(
            values.get("business_field_ids") or [], company
        )
        if not lines and not business_fields and not texts.get("description"):
            raise ValidationError(
                _(
                    "Please choose at least one product or business field, or "
                    "describe your project."
                )
            )
        date_from, date_to = self._website_request_period(values)
        # numbers are drawn only for checked requests; the sequence is not readable
        # by the public, its next number is all that is needed
        reference = (
            self.env["ir.sequence"].sudo().next_by_code("crm.lead.web_reference")
        )
        description = texts.pop("description", "")
        return {
            **texts,
            **self._website_request_utm_values(values.get("utm") or {}),
            "type": "opportunity",
            "name": _(
                "Quote request %(reference)s: %(who)s",
                reference=reference,
                who=texts.get("partner_name") or texts["contact_name"],
            ),
            "web_reference": reference,
            "description": plaintext2html(description) if description else False,
            "country_id": self._website_request_country(values.get("country_id")),
            "partner_id": values.get("partner_id") or False,
            "company_id": company.id,
            **self._website_request_assignment_values(company, values),
            "lang_id": self.env["res.lang"]._get_data(code=values.get("lang")).id,
            "revenue_date_from": date_from,
            "revenue_date_to": date_to,
            "lead_line_ids": lines,
            "business_field_ids": self._website_request_business_field_commands(
                business_fields, lines
            ),
            "form_of_address": self._website_request_form_of_address(values),
            "privacy_consent_date": fields.Datetime.now(),
        }

    @api.model
    def _website_request_business_field_commands(self, business_fields, lines):
        """The chosen business fields and those of the products: a value given on
        create is not computed from the lines afterwards."""
        categories = self.env["product.category"].browse(
            [command[2]["category_id"] for command in lines]
        )
        return [Command.set((business_fields | categories.business_field_id).ids)]

    @api.model
    def _website_request_check_privacy_consent(self, values):
        if not values.get("privacy_consent"):
            raise ValidationError(
                _(
                    "Please agree to the processing of your data according to the "
                    "privacy policy; we need it to answer your request."
                )
            )

    @api.model
    def _website_request_form_of_address(self, values):
        form = values.get("form_of_address") or False
        if form and form not in dict(self._selection_form_of_address()):
            raise ValidationError(_("Please choose a form of address from the list."))
        return form

    @api.model
    def _website_request_clean_texts(self, values):
        texts, errors = {}, []
        labels = dict(self._website_request_labels())
        for fname, limit in TEXT_LIMITS.items():
            text = (values.get(fname) or "").strip()
            if len(text) > limit:
                errors.append(
                    _(
                        "%(field)s is too long (at most %(limit)s characters).",
                        field=labels[fname],
                        limit=limit,
                    )
                )
            elif fname in REQUIRED_TEXTS and not text:
                errors.append(_("Please fill in %(field)s.", field=labels[fname]))
            if text:
                texts[fname] = text
        if texts.get("email_from") and not email_normalize(texts["email_from"]):
            errors.append(_("Please enter a valid e-mail address."))
        if errors:
            raise ValidationError("\n".join(errors))
        return texts

    @api.model
    def _website_request_labels(self):
        return [
            ("academic_title", _("the academic title")),
            ("contact_name", _("your name")),
            ("partner_name", _("the company")),
            ("email_from", _("the e-mail address")),
            ("phone", _("the phone number")),
            ("street", _("the street")),
            ("zip", _("the ZIP code")),
            ("city", _("the city")),
            ("description", _("the requirements")),
        ]

    @api.model
    def _website_request_product_domain(self, company):
        return [
            ("sale_ok", "=", True),
            ("quote_form_published", "=", True),
            ("company_id", "in", [False, company.id]),
        ]

    @api.model
    def _website_request_business_field_domain(self, company):
        return [("active", "=", True)]

    @api.model
    def _website_request_catalogue(self, company, limit=200):
        """What the form offers, grouped: ``[(business field, products)]`` in the
        business fields' order, one group per business field (also without
        products: it can be chosen alone), then the offered products of no business
        field under an empty business field.

        Read as superuser: the public may see what the form offers, nothing else.
        """
        business_fields = (
            self.env["crm.business.field"]
            .sudo()
            .search(self._website_request_business_field_domain(company))
        )
        products = (
            self.env["product.product"]
            .sudo()
            .search(
                self._website_request_product_domain(company),
                order="name, id",
                limit=limit,
            )
        )
        by_field = products.grouped(lambda product: product.categ_id.business_field_id)
        catalogue = [
            (field, by_field.get(field, products.browse())) for field in business_fields
        ]
        others = products.filtered(
            lambda product: product.categ_id.business_field_id not in business_fields
        )
        if others:
            catalogue.append((business_fields.browse(), others))
        return catalogue

    @api.model
    def _website_request_business_fields(self, business_field_ids, company):
        """The business fields chosen on their own, whitelisted like products."""
        if len(business_field_ids) > MAX_LINES:
            raise ValidationError(_("A chosen business field is not available."))
        business_fields = (
            self.env["crm.business.field"]
            .sudo()
            .search(
                [("id", "in", list(business_field_ids))]
                + self._website_request_business_field_domain(company)
            )
        )
        if len(business_fields) != len(set(business_field_ids)):
            raise ValidationError(_("A chosen business field is not available."))
        return business_fields.with_env(self.env)

    @api.model
    def _website_request_line_commands(self, lines, company):
        """``lines`` is a list of (product id, quantity); only saleable products."""
        if len(lines) > MAX_LINES:
            raise ValidationError(
                _("Please choose at most %(count)s products.", count=MAX_LINES)
            )
        quantities = dict(lines)
        if any(
            not isinstance(qty, int) or not 0 < qty <= MAX_QUANTITY
            for qty in quantities.values()
        ):
            raise ValidationError(
                _("Quantities must be between 1 and %(max)s.", max=MAX_QUANTITY)
            )
        products = (
            self.env["product.product"]
            .sudo()
            .search(
                [("id", "in", list(quantities))]
                + self._website_request_product_domain(company)
            )
        )
        if len(products) != len(quantities):
            raise ValidationError(_("A chosen product is not available."))
        return [
            Command.create(
                {
                    "product_id": product.id,
                    "name": product.display_name,
                    "category_id": product.categ_id.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "uom_id": product.uom_id.id,
                    "product_qty": quantities[product.id],
                    "price_unit": product.lst_price,
                }
            )
            for product in products
        ]

    @api.model
    def _website_request_period(self, values):
        period = values.get("completion_period") or ""
        if not period:
            return False, False
        if period in COMPLETION_MONTHS:
            today = fields.Date.context_today(self)
            return today, today + relativedelta(months=COMPLETION_MONTHS[period])
        if period != "dates":
            raise ValidationError(_("Please choose a completion period from the list."))
        try:
            date_from = fields.Date.to_date(values.get("date_from") or None)
            date_to = fields.Date.to_date(values.get("date_to") or None)
        except ValueError as error:
            raise ValidationError(_("Please enter valid dates.")) from error
        if not date_from or (date_to and date_to < date_from):
            raise ValidationError(
                _("Please enter a start date and an end date after it.")
            )
        return date_from, date_to

    def _get_website_request_period_text(self):
        """The desired completion as the visitor asked for it, in the context's
        language ("" when no period was given); for the thank-you page and the
        confirmation e-mail."""
        self.ensure_one()
        date_from, date_to = self.revenue_date_from, self.revenue_date_to
        if not date_from:
            return ""
        if not date_to:
            return _("from %(date)s", date=format_date(self.env, date_from))
        return _(
            "%(date_from)s to %(date_to)s",
            date_from=format_date(self.env, date_from),
            date_to=format_date(self.env, date_to),
        )

    def _website_request_summary(self):
        """What the visitor sent, as plain data: the thank-you page shows this
        snapshot once, never the opportunity as it is later."""
        self.ensure_one()
        return {
            "reference": self.web_reference,
            "contact_name": self.contact_name or "",
            "email_from": self.email_from or "",
            "lines": [
                [f"{line.product_qty:g}", line.name] for line in self.lead_line_ids
            ],
            "business_fields": self.business_field_ids.mapped("name"),
            "period": self._get_website_request_period_text(),
            "description": html2plaintext(self.description or ""),
        }

    @api.model
    def _website_request_country(self, country_id):
        country = self.env["res.country"].browse(country_id or []).exists()
        return country.id

    @api.model
    def _website_request_utm_values(self, utm):
        """Campaign, medium and source of the visit, existing records only.

        The cookie values are the visitor's input: unlike ``utm.mixin`` they never
        create records. Without a known source, the source is "Website".
        """
        values = {"source_id": self.env.ref("crm_phases.utm_source_website").id}
        for fname, model in (
            ("campaign_id", "utm.campaign"),
            ("medium_id", "utm.medium"),
            ("source_id", "utm.source"),
        ):
            name = (utm.get(fname) or "")[:100]
            record = name and self.env[model].sudo().search(
                [("name", "=", name)], limit=1
            )
            if record:
                values[fname] = record.id
        return values

    @api.model
    def _website_request_assignment_values(self, company, values):
        """Who is responsible for a website request: the salesperson and team of
        the CRM settings, else the website's defaults (website_crm's *Default Sales
        Team* and *Default Salesperson*), else the team's leader."""
        website = self.env["website"].browse(values.get("website_id")).exists()
        if not website:
            website = self.env["website"].search(
                [("company_id", "=", company.id)], limit=1
            )
        team = company.website_lead_team_id or website.crm_default_team_id
        user = (
            company.website_lead_user_id or website.crm_default_user_id or team.user_id
        )
        result = {"user_id": user.id}
        if team:
            # without a team, crm.lead computes it from the salesperson
            result["team_id"] = team.id
        return result

    def _website_request_activity_deadline(self):
        """The next working day of the company's working schedule (its public
        holidays included), else tomorrow."""
        self.ensure_one()
        tomorrow = fields.Date.context_today(self) + relativedelta(days=1)
        calendar = (self.company_id or self.env.company).resource_calendar_id
        start = datetime.combine(tomorrow, datetime.min.time())
        planned = calendar and calendar.plan_days(1, start, compute_leaves=True)
        return planned.date() if planned else tomorrow

    def _website_request_schedule_activity(self):
        """Give whoever is responsible the task to answer the request."""
        activity_type = self.env.ref(
            "crm_phases.mail_activity_type_website_request", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        # the salesperson is already notified of the assignment by crm.lead
        activities = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        return activities.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": lead._website_request_activity_deadline(),
                    "user_id": lead.user_id.id,
                }
                for lead in self.filtered("user_id")
            ]
        )

    def _website_request_send_confirmation(self):
        """Queue the confirmation e-mail; a failure is logged, never raised.

        The request is stored whatever happens to the e-mail. Beyond the company's
        limit of confirmations per address and day, none is sent (a note on the
        opportunity says so): the form must not relay mail to any address.
        """
        template = self.env.ref(
            "crm_phases.mail_template_website_request_confirmation",
            raise_if_not_found=False,
        )
        log = self.env["crm.website.request.log"].sudo()
        for lead in self:
            if not log._claim_confirmation(lead.email_from, lead.company_id):
                _logger.info(
                    "website request %s: confirmation limit of the address reached, "
                    "no e-mail sent",
                    lead.web_reference,
                )
                lead._message_log(
                    body=_(
                        "No confirmation e-mail sent: the address has reached the "
                        "limit of confirmations per day."
                    )
                )
                continue
            try:
                with self.env.cr.savepoint():
                    template.send_mail(lead.id)
            except Exception:
                _logger.exception(
                    "confirmation e-mail of website request %s not queued",
                    lead.web_reference,
                )

    # ------------------------------------------------------------
    # WEBSITE_CRM'S FORM: THE PUBLIC DOES NOT CHOOSE WHO IS RESPONSIBLE
    # ------------------------------------------------------------

    @api.model
    def _website_form_assignment_signature(self, values):
        payload = ",".join(
            f"{fname}={values.get(fname) or ''}" for fname in FORM_ASSIGNMENT_FIELDS
        )
        return hmac(self.env(su=True), FORM_ASSIGNMENT_SCOPE, payload)

    @api.model
    def _website_form_sign_assignment(self, root):
        """Sign the sales team and salesperson that the lead forms of the website
        form builder set (its hidden fields), the way ``website`` signs a form's
        e-mail recipient. ``root`` is a view's combined arch, changed in place."""
        for form in root.iter("form"):
            if (
                "/website/form/" not in form.get("action", "")
                or form.get("data-model_name") != self._name
            ):
                continue
            for node in form.xpath(f'.//input[@name="{FORM_ASSIGNMENT_SIGNATURE}"]'):
                node.getparent().remove(node)
            inputs = form.xpath(
                './/input[@type="hidden"][@name="team_id" or @name="user_id"]'
            )
            if not inputs:
                continue
            values = {node.get("name"): node.get("value") for node in inputs}
            inputs[-1].addnext(
                etree.Element(
                    "input",
                    attrib={
                        "type": "hidden",
                        "name": FORM_ASSIGNMENT_SIGNATURE,
                        "value": self._website_form_assignment_signature(values),
                        "class": "form-control s_website_form_input "
                        "s_website_form_custom",
                    },
                )
            )
        return root

    @api.model
    def _website_form_filter_assignment(self, params):
        """The posted parameters of website_crm's form without ``team_id`` and
        ``user_id`` unless they are the ones the form was built with (signed):
        website_crm then applies the website's default team and salesperson."""
        params = dict(params)
        signature = params.pop(FORM_ASSIGNMENT_SIGNATURE, None) or ""
        if not consteq(signature, self._website_form_assignment_signature(params)):
            for fname in FORM_ASSIGNMENT_FIELDS:
                params.pop(fname, None)
        return params
