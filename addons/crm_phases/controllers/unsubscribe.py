from markupsafe import Markup

from odoo import _, http
from odoo.http import request


class ThankYouUnsubscribe(http.Controller):
    """The unsubscribe link of the thank-you mail (and its ``List-Unsubscribe``
    header, one-click by POST): the signed token is the only credential."""

    @http.route(
        "/crm_phases/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def unsubscribe(self, partner_id, token, **kwargs):
        # sudo: a public visitor; only the contact the signed token names is read
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not partner._check_thank_you_unsubscribe_token(token):
            return self._page(
                _("Invalid link"),
                _("This unsubscribe link is invalid or has expired."),
                status=403,
            )
        partner._thank_you_unsubscribe()
        return self._page(
            _("Unsubscribed"),
            _(
                "The address %s will receive no more e-mails from us.",
                partner.email_normalized,
            ),
        )

    def _page(self, title, message, status=200):
        body = Markup(
            '<!DOCTYPE html><html><head><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            "<title>%s</title></head>"
            '<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto;">'
            "<h1>%s</h1><p>%s</p></body></html>"
        ) % (title, title, message)
        return request.make_response(
            body,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=status,
        )
