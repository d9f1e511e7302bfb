# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from .mailmerge_mail import mask_email

# The HMAC scope of the unsubscribe tokens: the one of the thank-you mail, whose
# mails came first, so that the links already sent keep working.
UNSUBSCRIBE_SCOPE = "crm_phases-unsubscribe"


class ResPartner(models.Model):
    """The signed unsubscribe link of the serial e-mails and what the unsubscribe
    page does with it (without mass_mailing)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_mailmerge_unsubscribe_validity(self):
        """Days an unsubscribe link works after the mail left (default 365)."""
        Engine = self.env["mailmerge.mail"]
        return int(Engine._get_param("unsubscribe_link_validity_days", 365) or 0)

    def _sign_mailmerge_unsubscribe(self, stamp):
        self.ensure_one()
        return hmac(
            self.env(su=True),
            UNSUBSCRIBE_SCOPE,
            (self.id, self.email_normalized or "", stamp),
        )

    def _get_mailmerge_unsubscribe_token(self, issued=None):
        """``<issue date>-<signature>``: the signature covers the contact, its
        address and the issue date, so a link stops working for another address
        and once it is older than the validity, and nobody forges one without the
        database secret."""
        self.ensure_one()
        stamp = (issued or fields.Date.today()).strftime("%Y%m%d")
        return f"{stamp}-{self._sign_mailmerge_unsubscribe(stamp)}"

    def _get_mailmerge_unsubscribe_token_state(self, token):
        """``"valid"``, ``"expired"`` (signed by us, but too old) or ``"invalid"``."""
        self.ensure_one()
        token = str(token or "")
        stamp, _sep, signature = token.rpartition("-")
        if not (self.email_normalized and signature):
            return "invalid"
        if not stamp:
            return self._get_mailmerge_legacy_token_state(signature)
        try:
            issued = datetime.strptime(stamp, "%Y%m%d").date()
        except ValueError:
            return "invalid"
        today = fields.Date.today()
        if issued > today + timedelta(days=1) or not consteq(
            signature, self._sign_mailmerge_unsubscribe(stamp)
        ):
            return "invalid"
        validity = self._get_mailmerge_unsubscribe_validity()
        if validity and issued < today - timedelta(days=validity):
            return "expired"
        return "valid"

    def _get_mailmerge_legacy_token_state(self, signature):
        """Links of thank-you mails sent before crm_phases 18.0.1.6.0 carry no
        date: they work until the ``unsubscribe_legacy_links_until`` setting."""
        legacy = hmac(
            self.env(su=True), UNSUBSCRIBE_SCOPE, (self.id, self.email_normalized or "")
        )
        if not consteq(signature, legacy):
            return "invalid"
        until = self.env["mailmerge.mail"]._get_param("unsubscribe_legacy_links_until")
        if until and fields.Date.to_date(until) >= fields.Date.today():
            return "valid"
        return "expired"

    def _get_mailmerge_unsubscribe_url(self):
        self.ensure_one()
        token = self._get_mailmerge_unsubscribe_token()
        return f"{self.get_base_url()}/mailmerge_letters/unsubscribe/{self.id}/{token}"

    def _get_mailmerge_masked_email(self):
        """The address as the unsubscribe page shows it: ``m***@e******.de``."""
        self.ensure_one()
        return mask_email(self.email_normalized)

    def _mailmerge_unsubscribe(self, one_click=False):
        """Block the contacts' addresses for mailings (the unsubscribe page, or the
        mail program's one-click unsubscribe) and note it on each contact."""
        if one_click:
            message = self.env._(
                "Unsubscribed from e-mails with the one-click unsubscribe of the "
                "mail program."
            )
        else:
            message = self.env._("Unsubscribed from e-mails on the unsubscribe page.")
        partners = self.filtered("email_normalized")
        # sudo: the blacklist is technical; callers act on a checked token
        Blacklist = self.env["mail.blacklist"].sudo()
        for email in set(partners.mapped("email_normalized")):
            Blacklist._add(email, message=message)
        partners._mailmerge_log(message)

    def _mailmerge_object_to_letters(self):
        """The contact ticked "no advertising letters by post either" on the
        unsubscribe page: a postal advertising objection from that source."""
        message = self.env._(
            "Objected to advertising letters by post on the unsubscribe page."
        )
        todo = self.filtered(lambda partner: not partner.postal_objection)
        todo.with_context(postal_objection_source="unsubscribe").write(
            {"postal_objection": True, "postal_objection_note": message}
        )
        todo._mailmerge_log(message)

    def _mailmerge_resubscribe(self):
        """Undo of the unsubscribe page: the addresses receive mails again."""
        message = self.env._(
            "Subscribed to e-mails again on the unsubscribe page (undo)."
        )
        partners = self.filtered("email_normalized")
        # sudo: as for the unsubscribe, on a checked token
        Blacklist = self.env["mail.blacklist"].sudo()
        for email in set(partners.mapped("email_normalized")):
            Blacklist._remove(email, message=message)
        partners._mailmerge_log(message)

    def _mailmerge_log(self, message):
        # the contact acted itself: its own name as author in the chatter
        for partner in self:
            partner._message_log(body=message, author_id=partner.id)

    def _select_mail_recipients(self):
        """The recipient rule for serial e-mails on the selected partners
        ``self``: ``(recipients, skipped)``, ``skipped`` ``{partner: reason}``
        with the left-out of the rule (one per company), the archived, and those
        the mail engine skips (no or invalid address, blacklisted or opted out,
        bounced, an address already mailed)."""
        recipients, skipped = self._select_mailing_recipients(channel="mail")
        skipped = dict(skipped)
        Engine = self.env["mailmerge.mail"]
        labels = Engine._get_skip_reason_labels()
        to_send, reasons = Engine._split_recipients(recipients)
        skipped.update(
            (partner, labels.get(reason, reason)) for partner, reason in reasons.items()
        )
        return to_send, skipped
