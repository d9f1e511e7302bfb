# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import split_every


def mask_email(email):
    """``max.mustermann@example.de`` → ``m***@e******.de``: recognisable for its
    owner, useless to anybody else."""
    local, _sep, domain = (email or "").rpartition("@")
    if not local:
        return ""
    host, dot, tld = domain.rpartition(".")
    if not host:
        host, dot, tld = domain, "", ""
    return f"{local[0]}***@{host[0]}{'*' * (len(host) - 1)}{dot}{tld}"


class MailmergeMail(models.AbstractModel):
    """The one mail engine of serial e-mails (and of every other mailing built on
    it, e.g. the thank-you mail of crm_phases): who is skipped and why, one
    ``mail.mail`` per recipient created in batches and left to Odoo's mail queue,
    its message kept in the recipient's history, and the signed unsubscribe link
    in the body and in the ``List-Unsubscribe`` headers (RFC 8058)."""

    _name = "mailmerge.mail"
    _description = "Mail Merge E-mail Engine"

    # Settings

    @api.model
    def _get_param_keys(self, name):
        """The ``ir.config_parameter`` keys of setting ``name``, first found
        wins; extend to read older keys."""
        return [f"mailmerge_letters.{name}"]

    @api.model
    def _get_param(self, name, default=None):
        params = self.env["ir.config_parameter"].sudo()
        for key in self._get_param_keys(name):
            value = params.get_param(key)
            if value not in (None, False, ""):
                return value
        return default

    @api.model
    def _get_bounce_limit(self):
        """Bounces (``message_bounce``) from which an address counts as dead."""
        return int(self._get_param("mail_bounce_limit", 3) or 0)

    @api.model
    def _get_batch_size(self):
        """Mails rendered and created at once."""
        param = self.env["ir.config_parameter"].sudo()
        return int(param.get_param("mail.batch_size") or 0) or 50

    @api.model
    def _get_chunk_size(self):
        """Mails one step of a serial e-mail run (one background job) queues;
        they are created in batches of ``_get_batch_size``."""
        return int(self._get_param("mail_chunk_size", 500) or 0) or 500

    @api.model
    def _get_background_threshold(self):
        """More recipients than this: the mails are created by background jobs,
        fewer at once."""
        return int(self._get_param("mail_background_recipients", 200) or 0)

    # Who is skipped

    @api.model
    def _get_skip_reason_labels(self):
        return {
            "no_email": self.env._("No e-mail address"),
            "invalid_email": self.env._("Invalid e-mail address"),
            "blacklisted": self.env._("Blacklisted (unsubscribed)"),
            "bounced": self.env._("Bounced e-mail address"),
            "duplicate": self.env._("Same e-mail address as another recipient"),
        }

    @api.model
    def _get_partner_skip_reasons(self, partners):
        """``{partner: reason}`` of the partners no mail can go to (keys of
        ``_get_skip_reason_labels``); the absent ones can be mailed. An address on
        the blacklist (``mail.blacklist``: unsubscribed, opted out) is skipped."""
        bounce_limit = self._get_bounce_limit()
        reasons = {}
        for partner in partners:
            if not partner.email:
                reasons[partner] = "no_email"
            elif not partner.email_normalized:
                reasons[partner] = "invalid_email"
            elif partner.is_blacklisted:
                reasons[partner] = "blacklisted"
            elif bounce_limit and partner.message_bounce >= bounce_limit:
                reasons[partner] = "bounced"
        return reasons

    @api.model
    def _split_recipients(self, partners):
        """``(to mail, {partner: reason})``: ``partners`` in their order without
        the skipped ones, and every address mailed once (the first partner with
        it gets the mail, the others are skipped as ``duplicate``)."""
        reasons = self._get_partner_skip_reasons(partners)
        # ids collected, one browse: a union per partner would be quadratic
        to_send = []
        seen = set()
        for partner in partners:
            if partner in reasons:
                continue
            if partner.email_normalized in seen:
                reasons[partner] = "duplicate"
                continue
            seen.add(partner.email_normalized)
            to_send.append(partner.id)
        return partners.browse(to_send), reasons

    # Mails

    @api.model
    def _get_unsubscribe_headers(self, partner, url=None):
        url = url or partner._get_mailmerge_unsubscribe_url()
        return {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @api.model
    def _get_unsubscribe_footer(self, partner, lang=None, url=None):
        """The unsubscribe paragraph appended to a serial e-mail's body."""
        env = self.with_context(lang=lang or partner.lang).env
        return Markup(
            '<p style="font-size: 12px; color: #888888;">%s '
            '<a href="%s" style="color: #888888;">%s</a></p>'
        ) % (
            env._("You no longer want to receive our e-mails?"),
            url or partner._get_mailmerge_unsubscribe_url(),
            env._("Unsubscribe"),
        )

    @api.model
    def _prepare_mail_values(self, partner, subject, body_html, **values):
        """The values of the ``mail.mail`` to ``partner``: kept in the partner's
        history as its message (``is_notification`` keeps the message when the
        sent mail is deleted); ``values`` overrides (``email_from``, ``reply_to``,
        ``mail_server_id``, ``auto_delete``, ``body`` of the history message)."""
        email_from = values.pop("email_from", False) or self.env.user.email_formatted
        vals = {
            "subject": subject,
            "body_html": body_html,
            "body": body_html,
            "email_from": email_from,
            "reply_to": values.pop("reply_to", False) or email_from,
            "author_id": self.env.user.partner_id.id,
            "model": "res.partner",
            "res_id": partner.id,
            "record_name": partner.name,
            "message_type": "email_outgoing",
            "recipient_ids": [Command.link(partner.id)],
            "is_notification": True,
            "auto_delete": False,
            "headers": repr(
                self._get_unsubscribe_headers(
                    partner, url=values.pop("unsubscribe_url", None)
                )
            ),
        }
        vals.update(values)
        return vals

    @api.model
    def _create_mails(self, vals_list):
        """Create the mails, one ``create`` per batch; they wait in Odoo's mail
        queue (``process_email_queue``), nothing is sent here."""
        # mail.mail is technical: created in sudo once the caller checked access
        # to what is mailed, as Odoo's composer does
        Mail = self.env["mail.mail"].sudo()
        mails = Mail
        for batch in split_every(self._get_chunk_size(), vals_list, list):
            mails |= Mail.create(batch)
        return mails
