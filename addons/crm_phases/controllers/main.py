from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.crm_lead import TEXT_LIMITS

FORM_URL = "/angebot-anfordern"
HONEYPOT = "homepage"
PRODUCT_PREFIX = "product_qty_"
BUSINESS_FIELD_PREFIX = "business_field_"
SESSION_KEY = "crm_phases_website_request"
# the captcha action, also in static/src/js/website_request_form.js
CAPTCHA_ACTION = "crm_phases_website_request"


class WebsiteRequest(http.Controller):
    """The quote request form: checks the visitor, then ``crm.lead`` does the rest.

    A route of its own rather than ``/website/form/crm.lead``: the form has product
    lines, and website_crm's form is generic (see ``website_form.py`` for how
    its ``user_id`` and ``team_id`` are guarded). See readme/DESCRIPTION.md.
    """

    @http.route(FORM_URL, type="http", auth="public", website=True, sitemap=True)
    def website_request_form(self, **kwargs):
        return self._render_form(self._prefill_values())

    @http.route(
        f"{FORM_URL}/submit",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        csrf=True,
        sitemap=False,
    )
    def website_request_submit(self, **post):
        company = request.website.company_id
        # the public may neither read the log nor create leads: both are reached
        # only through these checked methods
        log = request.env["crm.website.request.log"].sudo()
        leads = request.env["crm.lead"].sudo()
        try:
            if post.get(HONEYPOT):
                raise UserError(_("Your request could not be sent."))
            leads._website_request_check_token(post.get("form_token"), company)
            self._check_captcha()
            values = self._extract_values(post)
            with request.env.cr.savepoint():
                # counted with the lead: a refused request uses up no allowance
                log._check_rate_limit(self._client_address(), company)
                lead = leads._create_from_website_request(values)
        except UserError as error:
            return self._render_form(post, error=error.args[0])
        request.session[SESSION_KEY] = lead._website_request_summary()
        return request.redirect(f"{FORM_URL}/danke")

    def _check_captcha(self):
        """Odoo's captcha hook: reCAPTCHA (``google_recaptcha``, with ``website``)
        or Cloudflare Turnstile (``website_cf_turnstile``) once their keys are set
        in the Website settings; without keys it lets the request pass."""
        if not request.env["ir.http"]._verify_request_recaptcha_token(CAPTCHA_ACTION):
            raise UserError(_("Suspicious activity detected. Please try again."))

    def _client_address(self):
        """The visitor's address. Behind a reverse proxy it is the proxy's, unless
        Odoo runs with ``proxy_mode`` and the proxy sends ``X-Forwarded-For`` and
        ``X-Forwarded-Host`` (see the README)."""
        return request.httprequest.remote_addr

    @http.route(
        f"{FORM_URL}/danke", type="http", auth="public", website=True, sitemap=False
    )
    def website_request_thanks(self, **kwargs):
        # what this session sent, shown once: a reload gets the page without it
        summary = request.session.pop(SESSION_KEY, None)
        if not isinstance(summary, dict):
            summary = None
        return request.render("crm_phases.website_request_thanks", {"summary": summary})

    def _visitor_partner(self):
        user = request.env.user
        return request.env["res.partner"] if user._is_public() else user.partner_id

    def _prefill_values(self):
        partner = self._visitor_partner()
        company = request.website.company_id
        if not partner:
            return {"country_id": company.country_id.id}
        return {
            "form_of_address": partner.form_of_address or "",
            "academic_title": partner.academic_title or "",
            "contact_name": partner.name,
            "partner_name": partner.commercial_company_name or "",
            "email_from": partner.email or "",
            "phone": partner.phone or "",
            "street": partner.street or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "country_id": (partner.country_id or company.country_id).id,
        }

    def _extract_values(self, post):
        """Whitelist: the posted keys the form knows, plus what the server knows."""
        values = {fname: post.get(fname) or "" for fname in TEXT_LIMITS}
        values.update(
            completion_period=post.get("completion_period") or "",
            date_from=post.get("date_from") or "",
            date_to=post.get("date_to") or "",
            country_id=int(post.get("country_id") or "0")
            if (post.get("country_id") or "").isdigit()
            else False,
            lines=self._extract_lines(post),
            business_field_ids=self._extract_business_fields(post),
            form_of_address=post.get("form_of_address") or "",
            privacy_consent=bool(post.get("privacy_consent")),
            company_id=request.website.company_id.id,
            website_id=request.website.id,
            partner_id=self._visitor_partner().id,
            lang=request.lang.code,
            utm={
                fname: request.cookies.get(cookie)
                for __, fname, cookie in request.env["utm.mixin"].tracking_fields()
            },
        )
        return values

    def _extract_lines(self, post):
        lines = []
        for key, quantity in post.items():
            if key.startswith(PRODUCT_PREFIX) and quantity.strip() not in ("", "0"):
                product_id = self._to_int(key[len(PRODUCT_PREFIX) :])
                lines.append((product_id, self._to_int(quantity)))
        return lines

    def _extract_business_fields(self, post):
        # a forged key becomes id 0, which the model's whitelist refuses
        ids = (
            key[len(BUSINESS_FIELD_PREFIX) :]
            for key, checked in post.items()
            if key.startswith(BUSINESS_FIELD_PREFIX) and checked
        )
        return [int(text) if text.isdigit() else 0 for text in ids]

    @staticmethod
    def _to_int(text):
        try:
            return int(text.strip())
        except ValueError as error:
            raise UserError(_("Please enter whole numbers as quantities.")) from error

    def _render_form(self, values, error=None):
        company = request.website.company_id
        leads = request.env["crm.lead"]
        # display data of the countries for the public form
        countries = request.env["res.country"].sudo().search([])
        return request.render(
            "crm_phases.website_request_form",
            {
                "values": values,
                "error": error,
                "catalogue": leads._website_request_catalogue(company),
                "forms_of_address": leads._selection_form_of_address(),
                "privacy_url": request.website._get_quote_privacy_url(),
                "countries": countries,
                "periods": leads._website_request_completion_periods(),
                "form_token": leads._website_request_form_token(),
                "honeypot": HONEYPOT,
                "product_prefix": PRODUCT_PREFIX,
                "business_field_prefix": BUSINESS_FIELD_PREFIX,
                "text_limits": TEXT_LIMITS,
            },
        )
