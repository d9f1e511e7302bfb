# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

# RFC 8058: the body a mail program posts for one-click unsubscribe
ONE_CLICK = ("List-Unsubscribe", "One-Click")


class MailmergeUnsubscribe(http.Controller):
    """The unsubscribe link of the serial e-mails and its ``List-Unsubscribe``
    header. Opening the link changes nothing (mail security scanners open every
    link): it asks to confirm, the confirmation is a POST, and so is the mail
    program's one-click unsubscribe. The signed token is the only credential."""

    # csrf=False: a mail program's one-click POST has no session, the signed
    # token authorises it; the page's own form is CSRF-checked below
    @http.route(
        "/mailmerge_letters/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def unsubscribe(self, partner_id, token, **post):
        # sudo: a public visitor; only the contact the signed token names is read
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        state = (
            partner._get_mailmerge_unsubscribe_token_state(token)
            if partner
            else "invalid"
        )
        if state != "valid":
            return self._render(state, status=410 if state == "expired" else 403)
        if request.httprequest.method == "GET":
            return self._render_partner(partner)
        if post.get(ONE_CLICK[0]) == ONE_CLICK[1]:
            partner._mailmerge_unsubscribe(one_click=True)
            return self._render_partner(partner, "unsubscribed")
        if not request.validate_csrf(post.get("csrf_token")):
            return self._render_partner(partner, "form_expired", status=400)
        if post.get("action") == "unsubscribe":
            partner._mailmerge_unsubscribe()
            if post.get("postal_objection"):
                partner._mailmerge_object_to_letters()
            return self._render_partner(partner, "unsubscribed")
        if post.get("action") == "resubscribe":
            partner._mailmerge_resubscribe()
            return self._render_partner(partner, "resubscribed")
        return self._render_partner(partner)

    def _render_partner(self, partner, state=None, status=200):
        """The page for a checked token, in the contact's language; without a
        ``state`` it asks to confirm (or offers the undo when already done)."""
        state = state or ("unsubscribed" if partner.is_blacklisted else "confirm")
        return self._render(
            state,
            status=status,
            lang=partner.lang,
            masked_email=partner._get_mailmerge_masked_email(),
            postal_objection=partner.postal_objection,
        )

    def _render(
        self, state, status=200, lang=None, masked_email="", postal_objection=False
    ):
        lang = lang or request.env.lang or "en_US"
        request.update_context(lang=lang)
        return request.render(
            "mailmerge_letters.mailmerge_unsubscribe_page",
            {
                "state": state,
                "masked_email": masked_email,
                "postal_objection": postal_objection,
                "form_action": request.httprequest.path,
                "html_lang": lang.replace("_", "-"),
            },
            status=status,
            headers=[
                ("Cache-Control", "no-store"),
                # the token is in the URL: no referrer, no search engine
                ("Referrer-Policy", "no-referrer"),
                ("X-Robots-Tag", "noindex, nofollow"),
            ],
        )
