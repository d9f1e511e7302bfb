# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import MailmergeRecipientCase
from .queue_job_helpers import trap_jobs


@tagged("post_install", "-at_install")
class TestSerialEmail(MailmergeRecipientCase):
    """The serial-letter wizard with the channel e-mail: the recipient rule (one
    per company), the engine's skip reasons, one queued mail and one history
    message per recipient, the unsubscribe link, the run record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_clerk.email = "clerk@sender-test.example"
        cls.template = cls.env["mailmerge.letter.template"].create(
            {
                "name": "Solar",
                "subject": "Neues zu Solar für {{ object.lastname }}",
                "body_html": '<p>wir informieren Sie, <t t-out="object.city"/>.</p>',
                "closing": "Mit freundlichen Grüßen",
                "signature": "<p>Sonnenwerk Vertrieb</p>",
                "enclosures": "Prospekt Solar",
            }
        )
        cls.private.form_of_address = "mr"
        cls.objector, cls.blocked, cls.twin, cls.no_mail = (
            cls.create_person(
                "Otto",
                "Objekt",
                form_of_address="mr",
                postal_objection=True,
                email="otto@objekt-test.example",
            ),
            cls.create_person("Bea", "Blockiert", email="bea@blocked-test.example"),
            # the same address as Jürgen Weiß
            cls.create_person("Paula", "Weiß", email="J.Weiss@Example.com"),
            cls.create_person("Nina", "Nirgends"),
        )
        cls.env["mail.blacklist"].create([{"email": "bea@blocked-test.example"}])
        cls.selection = (
            cls.private
            | cls.markus
            | cls.petra
            | cls.objector
            | cls.blocked
            | cls.twin
            | cls.no_mail
        )

    def _wizard(self, partners):
        return (
            self.env["mailmerge.letter.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({"template_id": self.template.id, "channel": "mail"})
        )

    def _mails(self, partners):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", partners.ids)])
        )

    def test_recipients_and_skip_reasons(self):
        wizard = self._wizard(self.selection)
        # one per company (Weber: Markus of the two), the objector to letters
        # is mailed, the blacklisted, the twin address and the mail-less are not
        self.assertEqual(
            wizard.recipient_ids, self.private | self.markus | self.objector
        )
        reasons = {line.partner_id: line.reason for line in wizard.skipped_line_ids}
        self.assertEqual(
            set(reasons), {self.petra, self.blocked, self.twin, self.no_mail}
        )
        self.assertIn("Markus Weber", reasons[self.petra])
        self.assertEqual(reasons[self.blocked], "Blacklisted (unsubscribed)")
        self.assertEqual(reasons[self.twin], "Same e-mail address as another recipient")
        self.assertIn("Nina", self.no_mail.name)
        # the preview is the mail, not the letter (no address block)
        self.assertEqual(wizard.preview_partner_id, self.private)
        self.assertIn("Sehr geehrter Herr Weiß,", wizard.preview_html)
        self.assertIn("Prospekt Solar", wizard.preview_html)
        self.assertNotIn("Mühlenweg", wizard.preview_html)
        # the letter channel keeps its own rule: the objector is left out there
        # as the web client's form does when the channel is switched
        result = wizard.onchange(
            {"channel": "letter"},
            ["channel"],
            {
                "channel": {},
                "partner_ids": {},
                "recipient_count": {},
                "skipped_line_ids": {"fields": {"reason": {}}},
            },
        )
        # Jürgen Weiß and Tobias Kern (postal address) of Weber
        self.assertEqual(result["value"]["recipient_count"], 2)
        wizard.channel = "letter"
        self.assertNotIn(self.objector, wizard.recipient_ids)
        self.assertIn(
            "Objected to advertising by post", wizard.skipped_line_ids.mapped("reason")
        )

    @users("clerk")
    def test_send_queues_one_mail_per_recipient(self):
        wizard = self._wizard(self.selection.with_env(self.env))
        action = wizard.action_send_mail()
        run = self.env["mailmerge.letter.run"].browse(action["res_id"])
        self.assertRecordValues(
            run,
            [
                {
                    "channel": "mail",
                    "state": "done",
                    "recipient_count": 3,
                    "done_count": 3,
                    "skipped_count": 4,
                    "attachment_id": False,
                }
            ],
        )
        mails = self._mails(self.selection)
        recipients = self.private | self.markus | self.objector
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(recipients.ids))
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertFalse(self._mails(self.petra | self.blocked | self.twin))
        for mail in mails:
            partner = mail.recipient_ids
            self.assertEqual(len(partner), 1)
            self.assertEqual(mail.subject, f"Neues zu Solar für {partner.lastname}")
            self.assertIn(partner.letter_salutation, mail.body_html)
            self.assertIn("Mit freundlichen Grüßen", mail.body_html)
            self.assertIn("Sonnenwerk Vertrieb", mail.body_html)
            enclosures = "Anlagen" if partner.lang == "de_DE" else "Enclosures"
            self.assertIn(f"{enclosures}: Prospekt Solar", mail.body_html)
            self.assertIn("clerk@sender-test.example", mail.email_from)
            # unsubscribe link in the body and in the headers
            url = partner._get_mailmerge_unsubscribe_url()
            self.assertIn(url, mail.body_html)
            headers = ast.literal_eval(mail.headers)
            self.assertEqual(headers["List-Unsubscribe"], f"<{url}>")
            self.assertEqual(
                headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
            )
        # one history message per recipient, the line links it
        for line in run.recipient_line_ids:
            messages = line.partner_id.message_ids.filtered(
                lambda m: "Serial e-mail Solar: Neues zu Solar" in (m.body or "")
            )
            self.assertEqual(len(messages), 1)
            # the letter as sent, without the recipient's own unsubscribe link
            self.assertIn("Neues zu Solar", messages.body)
            self.assertNotIn("/unsubscribe/", messages.body)
            self.assertEqual(line.mail_message_id, messages)
            self.assertEqual(line.state, "done")

    def test_unsubscribed_since_the_start_is_skipped(self):
        wizard = self._wizard(self.private | self.markus)
        run = self.env["mailmerge.letter.run"]
        with trap_jobs() as trap:
            self.env["ir.config_parameter"].set_param(
                "mailmerge_letters.mail_background_recipients", "1"
            )
            run = run.browse(wizard.action_send_mail()["res_id"])
            trap.assert_jobs_count(1)
            self.assertEqual(run.state, "queued")
            self.assertFalse(self._mails(self.private | self.markus))
            self.env["mail.blacklist"]._add("m.weber@weber-test.example")
            # the job runs in a new transaction: nothing cached from before
            self.env.invalidate_all()
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(
            self._mails(self.private | self.markus).recipient_ids, self.private
        )
        line = run.line_ids.filtered(lambda line: line.partner_id == self.markus)
        self.assertEqual(
            (line.state, line.reason), ("skipped", "Blacklisted (unsubscribed)")
        )

    def test_background_in_chunks(self):
        self.env["ir.config_parameter"].set_param(
            "mailmerge_letters.mail_background_recipients", "2"
        )
        self.env["ir.config_parameter"].set_param("mail.batch_size", "2")
        partners = self.env["res.partner"].create(
            [
                {"name": f"Kunde {index}", "email": f"kunde{index}@chunk-test.example"}
                for index in range(5)
            ]
        )
        with trap_jobs() as trap:
            run = self.env["mailmerge.letter.run"].browse(
                self._wizard(partners).action_send_mail()["res_id"]
            )
            self.assertFalse(self._mails(partners))
            trap.perform_enqueued_jobs()
            # 5 recipients in chunks of 2: the jobs queue the next chunk
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self._mails(partners)), 5)

    def test_broken_placeholder_sends_nothing(self):
        # a placeholder whose field is gone since the template was saved
        self.env.cr.execute(
            SQL(
                "UPDATE mailmerge_letter_template SET body_html = %s WHERE id = %s",
                '{"en_US": "<p><t t-out=\\"object.x_gone\\"/></p>"}',
                self.template.id,
            )
        )
        self.template.invalidate_recordset(["body_html"])
        wizard = self._wizard(self.private)
        with self.assertRaisesRegex(ValidationError, r"object\.x_gone"):
            wizard.action_send_mail()
        self.assertFalse(self._mails(self.private))
        self.assertFalse(
            self.env["mailmerge.letter.run"].search(
                [("template_id", "=", self.template.id)]
            )
        )

    def test_empty_selection(self):
        wizard = self.env["mailmerge.letter.wizard"].create(
            {"template_id": self.template.id, "channel": "mail"}
        )
        with self.assertRaisesRegex(UserError, "The selection is empty"):
            wizard.action_send_mail()
        with self.assertRaisesRegex(UserError, "No recipient left to e-mail"):
            self._wizard(self.blocked | self.no_mail).action_send_mail()

    def test_queries_do_not_grow_with_recipients(self):
        """Batch-first: rendering, mails and history are created per chunk, not
        with queries per recipient."""

        def send(count, tag):
            partners = self.env["res.partner"].create(
                [
                    {
                        "name": f"Kunde {tag} {index}",
                        "email": f"kunde{index}@{tag}-test.example",
                        "lang": "de_DE" if index % 2 else "en_US",
                    }
                    for index in range(count)
                ]
            )
            wizard = self._wizard(partners)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            wizard.action_send_mail()
            self.env.flush_all()
            self.assertEqual(len(self._mails(partners)), count)
            return self.env.cr.sql_log_count - before

        send(3, "warm")
        few, many = send(5, "few"), send(40, "many")
        self.assertLessEqual(many, few + 10, (few, many))
