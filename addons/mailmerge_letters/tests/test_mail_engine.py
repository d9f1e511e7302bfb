# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast

from odoo.tests import tagged

from ..models.mailmerge_mail import mask_email
from .common import MailmergeLettersCase


@tagged("post_install", "-at_install")
class TestMailEngine(MailmergeLettersCase):
    """The one mail engine: each skip reason, the mail with its history message
    and List-Unsubscribe headers, created in batches and left to the queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["mailmerge.mail"]
        (
            cls.fine,
            cls.no_email,
            cls.invalid,
            cls.blacklisted,
            cls.bounced,
            cls.twin,
        ) = cls.env["res.partner"].create(
            [
                {"name": "Fine Test", "email": "fine@engine-test.example"},
                {"name": "No Mail Test"},
                {"name": "Invalid Test", "email": "kein-mail"},
                {"name": "Blocked Test", "email": "blocked@engine-test.example"},
                {
                    "name": "Bounced Test",
                    "email": "bounced@engine-test.example",
                    "message_bounce": 3,
                },
                # the same address as Fine Test, written otherwise
                {"name": "Twin Test", "email": "FINE@Engine-Test.example"},
            ]
        )
        cls.env["mail.blacklist"].create([{"email": "blocked@engine-test.example"}])
        cls.all = (
            cls.fine
            | cls.no_email
            | cls.invalid
            | cls.blacklisted
            | cls.bounced
            | cls.twin
        )

    def test_each_skip_reason(self):
        to_send, reasons = self.Engine._split_recipients(self.all)
        self.assertEqual(to_send, self.fine)
        self.assertEqual(
            reasons,
            {
                self.no_email: "no_email",
                self.invalid: "invalid_email",
                self.blacklisted: "blacklisted",
                self.bounced: "bounced",
                self.twin: "duplicate",
            },
        )
        labels = self.Engine._get_skip_reason_labels()
        self.assertTrue(all(reason in labels for reason in reasons.values()))

    def test_bounce_limit_setting(self):
        self.assertEqual(self.Engine._get_bounce_limit(), 3)
        self.env["ir.config_parameter"].set_param(
            "mailmerge_letters.mail_bounce_limit", "5"
        )
        _to_send, reasons = self.Engine._split_recipients(self.bounced)
        self.assertFalse(reasons)

    def test_mail_values_and_queue(self):
        self.env["ir.config_parameter"].set_param("mail.batch_size", "2")
        partners = self.fine | self.bounced | self.twin
        vals_list = [
            self.Engine._prepare_mail_values(
                partner, "Betreff", "<p>Hallo</p>", body="<p>Verlauf</p>"
            )
            for partner in partners
        ]
        mails = self.Engine._create_mails(vals_list)
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.mapped("res_id"), partners.ids)
        mail = mails[0]
        self.assertEqual(mail.recipient_ids, self.fine)
        self.assertEqual(mail.body_html, "<p>Hallo</p>")
        # the history message on the contact stays when the mail is deleted
        message = mail.mail_message_id
        self.assertEqual((message.model, message.res_id), ("res.partner", self.fine.id))
        self.assertEqual(message.body, "<p>Verlauf</p>")
        self.assertIn(message, self.fine.message_ids)
        headers = ast.literal_eval(mail.headers)
        url = self.fine._get_mailmerge_unsubscribe_url()
        self.assertIn("/mailmerge_letters/unsubscribe/", url)
        self.assertEqual(headers["List-Unsubscribe"], f"<{url}>")
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")

    def test_token(self):
        token = self.fine._get_mailmerge_unsubscribe_token()
        state = self.fine._get_mailmerge_unsubscribe_token_state
        self.assertEqual(state(token), "valid")
        # another partner, or the same one with another address: invalid
        self.assertEqual(
            self.bounced._get_mailmerge_unsubscribe_token_state(token), "invalid"
        )
        self.fine.email = "new@engine-test.example"
        self.assertEqual(state(token), "invalid")
        self.assertEqual(state("garbage"), "invalid")

    def test_mask_email(self):
        self.assertEqual(mask_email("max.mustermann@example.de"), "m***@e******.de")
        self.assertEqual(mask_email("a@localhost"), "a***@l********")
        self.assertEqual(mask_email(False), "")
        self.assertEqual(
            self.fine._get_mailmerge_masked_email(), "f***@e**********.example"
        )
