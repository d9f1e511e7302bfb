# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models


class MailmergeLetterTemplate(models.Model):
    """The letter templates as serial e-mails: the same rendered letter, as the
    HTML body of a mail."""

    _inherit = "mailmerge.letter.template"

    def _render_letter_mails(self, partners):
        """``{partner id: {"subject", "body_html"}}``: each recipient's letter
        (salutation, body, closing, signature, enclosures) in their language,
        with the unsubscribe link at the end."""
        self.ensure_one()
        Engine = self.env["mailmerge.mail"]
        mails = {}
        for partner_id, letter in self._render_letters(partners).items():
            partner = partners.browse(partner_id)
            env = self.with_context(lang=letter["lang"]).env
            parts = [
                Markup("<p>%s,</p>") % partner.letter_salutation,
                letter["body"],
                Markup("<p>%s</p>") % letter["closing"],
                letter["signature"],
            ]
            if letter["enclosures"]:
                parts.append(
                    Markup("<p>%s: %s</p>")
                    % (env._("Enclosures"), letter["enclosures"])
                )
            url = partner._get_mailmerge_unsubscribe_url()
            footer = Engine._get_unsubscribe_footer(
                partner, lang=letter["lang"], url=url
            )
            letter_html = Markup("").join(parts)
            mails[partner_id] = {
                "subject": letter["subject"],
                "body_html": letter_html + footer,
                # the history keeps the letter, not the recipient's own link
                "body_history": letter_html,
                "unsubscribe_url": url,
            }
        return mails

    def _send_letter_mails(self, partners):
        """Queue the serial e-mail of the template to ``partners`` (already
        checked by the engine): one ``mail.mail`` each, its history message
        "Serial e-mail <template>: <subject>" with the mail below. Returns the
        mails in the order of ``partners``."""
        self.ensure_one()
        Engine = self.env["mailmerge.mail"]
        rendered = self._render_letter_mails(partners)
        email_from = self._get_letter_mail_from()
        vals_list = []
        for partner in partners:
            mail = rendered[partner.id]
            heading = self.env._(
                "Serial e-mail %(template)s: %(subject)s",
                template=self.name,
                subject=mail["subject"],
            )
            vals_list.append(
                Engine._prepare_mail_values(
                    partner,
                    mail["subject"],
                    mail["body_html"],
                    body=Markup("<p><strong>%s</strong></p>%s")
                    % (heading, mail["body_history"]),
                    email_from=email_from,
                    unsubscribe_url=mail["unsubscribe_url"],
                )
            )
        return Engine._create_mails(vals_list)

    def _get_letter_mail_from(self):
        """The sender of serial e-mails: the user, else the company."""
        return (
            self.env.user.email_formatted or self.env.company.partner_id.email_formatted
        )
