import logging
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import consteq, email_normalize, plaintext2html
from odoo.tools.misc import hmac

_logger = logging.getLogger(__name__)

TOKEN_SCOPE = "crm_phases-website-request-form"
TOKEN_MAX_AGE = 2 * 24 * 3600
MAX_LINES = 20
MAX_QUANTITY = 9999
# what the public may write, with its maximum length
TEXT_LIMITS = {
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


class CrmLead(models.Model):
    """Opportunities requested on the website form "Angebot anfordern"."""

    _inherit = "crm.lead"

    web_reference = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Reference the visitor received for a request sent on the website.",
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
        ``country_id``) and what it knows itself (``company_id``, ``partner_id``,
        ``lang``, ``utm``). Everything is checked here, so callers other than the
        controller are safe too. Runs with the rights of the caller: the
        controller calls it as superuser after its own checks.
        """
        company = self.env["res.company"].browse(values["company_id"])
        vals = self._prepare_website_request_values(values, company)
        lead = self.with_company(company).create([vals])
        lead._website_request_send_confirmation()
        return lead

    @api.model
    def _prepare_website_request_values(self, values, company):
        texts = self._website_request_clean_texts(values)
        lines = self._website_request_line_commands(values.get("lines") or [], company)
        if not lines and not texts.get("description"):
            raise ValidationError(
                _("Please choose at least one product or describe your project.")
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
            "user_id": company.website_lead_user_id.id,
            "team_id": company.website_lead_team_id.id,
            "lang_id": self.env["res.lang"]._get_data(code=values.get("lang")).id,
            "revenue_date_from": date_from,
            "revenue_date_to": date_to,
            "lead_line_ids": lines,
        }

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
            ("company_id", "in", [False, company.id]),
        ]

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

    def _website_request_send_confirmation(self):
        """Queue the confirmation e-mail; a failure is logged, never raised.

        The request is stored whatever happens to the e-mail.
        """
        template = self.env.ref(
            "crm_phases.mail_template_website_request_confirmation",
            raise_if_not_found=False,
        )
        for lead in self:
            try:
                with self.env.cr.savepoint():
                    template.send_mail(lead.id)
            except Exception:
                _logger.exception(
                    "confirmation e-mail of website request %s not queued",
                    lead.web_reference,
                )
