from odoo import http

from odoo.addons.mailmerge_letters.controllers.unsubscribe import (
    MailmergeUnsubscribe,
)


class ThankYouUnsubscribe(MailmergeUnsubscribe):
    """The links of the thank-you mails sent before the mail engine moved to
    mailmerge_letters point to ``/crm_phases/unsubscribe/…``: the same page
    serves them (same token, same HMAC scope)."""

    @http.route(
        [
            "/mailmerge_letters/unsubscribe/<int:partner_id>/<string:token>",
            "/crm_phases/unsubscribe/<int:partner_id>/<string:token>",
        ],
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def unsubscribe(self, partner_id, token, **post):
        return super().unsubscribe(partner_id, token, **post)
