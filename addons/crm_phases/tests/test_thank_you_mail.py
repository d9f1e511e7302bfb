import ast
from urllib.parse import urlparse

from odoo.tests import HttpCase, tagged, users

from .common import CrmPhasesCampaignCase


class ThankYouMailCase(CrmPhasesCampaignCase):
    """Visitors of the fair in German and English, and one for every skip rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        cls.user_fair_salesman.signature = "<p>Vera Vertrieb<br/>Vertrieb Solar</p>"
        cls.partner_mueller.write(
            {"lang": "de_DE", "form_of_address": "mr", "academic_title": "Dr."}
        )
        Partner = cls.env["res.partner"]
        (
            cls.partner_schmidt,
            cls.partner_miller,
            cls.partner_blocked,
            cls.partner_bounced,
            cls.partner_no_email,
            cls.partner_invalid,
            cls.partner_twin,
        ) = Partner.create(
            [
                {
                    "firstname": "Anna",
                    "lastname": "Schmidt",
                    "form_of_address": "ms",
                    "lang": "de_DE",
                    "email": "anna.schmidt@waerme-test.example",
                },
                {
                    "firstname": "John",
                    "lastname": "Miller",
                    "form_of_address": "mr",
                    "lang": "en_US",
                    "email": "john.miller@heat-test.example",
                },
                {"name": "Bea Blockiert", "email": "bea@blocked-test.example"},
                {
                    "name": "Bruno Bounce",
                    "email": "bruno@bounce-test.example",
                    "message_bounce": 5,
                },
                {"name": "Otto Ohnemail"},
                {"name": "Ingo Invalid", "email": "kein-mail"},
                # the shared address of Anna Schmidt's household
                {"name": "Paul Schmidt", "email": "Anna.Schmidt@Waerme-Test.example"},
            ]
        )
        cls.env["mail.blacklist"].create([{"email": "bea@blocked-test.example"}])
        cls.mailed = cls.partner_mueller | cls.partner_schmidt | cls.partner_miller
        cls.activities = cls._register(
            cls.partner_mueller
            | cls.partner_schmidt
            | cls.partner_miller
            | cls.partner_blocked
            | cls.partner_bounced
            | cls.partner_no_email
            | cls.partner_invalid
            | cls.partner_twin
        )
        cls._register(Partner.create([{"name": "Storniert", "email": "x@y.example"}]))[
            0
        ].state = "cancelled"

    @classmethod
    def _register(cls, partners, campaign=None):
        return (
            cls.env["crm.campaign.activity"]
            .with_user(cls.user_fair_salesman)
            .create(
                [
                    {
                        "campaign_id": (campaign or cls.campaign).id,
                        "partner_id": partner.id,
                        "date": f"2025-06-11 10:{index % 60:02d}:00",
                    }
                    for index, partner in enumerate(partners)
                ]
            )
        )

    def _mails(self, result):
        return {mail.res_id: mail for mail in result["mails"]}


@tagged("post_install", "-at_install")
class TestThankYouMail(ThankYouMailCase):
    @users("fair_salesman")
    def test_preview(self):
        wizard = (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=self.campaign.id)
            .create({})
        )
        self.assertEqual(
            wizard.template_id,
            self.env.ref("crm_phases.mail_template_campaign_thank_you"),
        )
        self.assertEqual(wizard.recipient_ids, self.mailed)
        self.assertEqual((wizard.recipient_count, wizard.skipped_count), (3, 5))
        for text in (
            "Bea Blockiert",
            "Blacklisted",
            "Bruno Bounce",
            "Bounced",
            "Otto Ohnemail",
            "No e-mail address",
            "Ingo Invalid",
            "Invalid e-mail address",
            "Paul Schmidt",
            "Same e-mail address",
        ):
            self.assertIn(text, wizard.skipped_html)
        self.assertNotIn("Storniert", wizard.skipped_html)
        # the first visitor's mail, in German
        self.assertEqual(wizard.sample_partner_id, self.partner_mueller)
        self.assertIn("Intersolar Test", wizard.sample_subject)
        self.assertIn("Sehr geehrter Herr Dr. Müller,", wizard.sample_body)
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("res_id", "in", self.mailed.ids), ("model", "=", "res.partner")])
        )

    def test_skip_reasons(self):
        _to_send, duplicates, skipped = self.activities._split_thank_you_recipients()
        by_partner = {activity.partner_id: reason for activity, reason in skipped}
        self.assertEqual(
            by_partner,
            {
                self.partner_blocked: "blacklisted",
                self.partner_bounced: "bounced",
                self.partner_no_email: "no_email",
                self.partner_invalid: "invalid_email",
                self.partner_twin: "duplicate",
            },
        )
        twin, first = next(iter(duplicates.items()))
        self.assertEqual(
            (twin.partner_id, first.partner_id),
            (self.partner_twin, self.partner_schmidt),
        )

    @users("fair_salesman")
    def test_send_queues_personalised_mails(self):
        campaign = self.campaign.with_env(self.env)
        wizard = (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=campaign.id)
            .create({})
        )
        action = wizard.action_send()
        self.assertEqual(action["tag"], "display_notification")
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", self.mailed.ids)])
        )
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        by_partner = {mail.res_id: mail for mail in mails}
        expected = {
            self.partner_mueller: ("Sehr geehrter Herr Dr. Müller,", "vielen Dank"),
            self.partner_schmidt: ("Sehr geehrte Frau Schmidt,", "vielen Dank"),
            self.partner_miller: ("Dear Mr Miller,", "thank you for visiting"),
        }
        for partner, (salutation, text) in expected.items():
            mail = by_partner[partner.id]
            self.assertEqual(mail.recipient_ids, partner)
            self.assertIn(salutation, mail.body_html)
            self.assertIn(text, mail.body_html)
            self.assertIn("Intersolar Test", mail.subject)
            self.assertIn("Intersolar Test", mail.body_html)
            self.assertIn("München", mail.body_html)
            self.assertIn("Vertrieb Solar", mail.body_html)  # the signature
            url = partner._get_thank_you_unsubscribe_url()
            self.assertIn(url, mail.body_html)
            headers = ast.literal_eval(mail.headers)
            self.assertEqual(headers["List-Unsubscribe"], f"<{url}>")
        self.assertIn(
            "Vielen Dank für Ihren Besuch", by_partner[self.partner_mueller.id].subject
        )
        self.assertIn(
            "Thank you for your visit", by_partner[self.partner_miller.id].subject
        )
        # history on every contact, linked from the activity
        activities = self.activities.with_env(self.env)
        for activity in activities:
            if activity.partner_id in self.mailed | self.partner_twin:
                self.assertEqual(activity.state, "thanked")
                self.assertTrue(activity.thanked_date)
                message = activity.thanked_message_id
                self.assertIn("Intersolar Test", message.subject)
            else:
                self.assertRecordValues(
                    activity, [{"state": "registered", "thanked_message_id": False}]
                )
        for partner in self.mailed:
            message = partner.with_env(self.env).message_ids.filtered(
                lambda m: "Intersolar Test" in (m.subject or "")
            )
            self.assertEqual(len(message), 1)
            self.assertEqual(message.message_type, "email_outgoing")
        self.assertEqual(
            self.partner_twin.with_env(self.env).message_ids.filtered(
                lambda m: "Intersolar Test" in (m.subject or "")
            ),
            self.env["mail.message"],
        )

    @users("fair_salesman")
    def test_second_run_and_resend(self):
        campaign = self.campaign.with_env(self.env)
        first = campaign._send_thank_you_mail()
        self.assertEqual(first["sent"].partner_id, self.mailed)
        second = campaign._send_thank_you_mail()
        self.assertFalse(second["sent"])
        self.assertFalse(second["mails"])
        thanked = {
            activity.partner_id
            for activity, reason in second["skipped"]
            if reason == "already_thanked"
        }
        self.assertEqual(thanked, set(self.mailed | self.partner_twin))
        third = campaign._send_thank_you_mail(resend=True)
        self.assertEqual(third["sent"].partner_id, self.mailed)
        self.assertEqual(len(third["mails"]), 3)
        self.assertEqual(
            self.activities[:1].with_env(self.env).thanked_message_id,
            third["mails"][:1].mail_message_id,
        )

    def test_query_count_batch(self):
        """500 visitors: the queries grow with the batches (50 mails each), not
        with the recipients."""
        self.env["ir.config_parameter"].sudo().set_param("mail.batch_size", 50)
        counts = {}
        for size in (50, 500):
            campaign = self.campaign.copy({"title": f"Batch {size}"})
            partners = self.env["res.partner"].create(
                [
                    {
                        "firstname": f"Vorname{index}",
                        "lastname": f"Nachname{index}",
                        "form_of_address": "mr" if index % 2 else "ms",
                        "lang": "de_DE" if index % 3 else "en_US",
                        "email": f"besucher{size}.{index}@batch-test.example",
                    }
                    for index in range(size)
                ]
            )
            activities = self._register(partners, campaign)
            self.env.flush_all()
            self.env.invalidate_all()
            campaign = campaign.with_user(self.user_fair_salesman)
            # measured: 43 queries for 50 visitors, 50 for 500
            with self.assertQueryCount(60):
                before = self.cr.sql_log_count
                result = campaign._send_thank_you_mail()
                self.env.flush_all()
                counts[size] = self.cr.sql_log_count - before
            self.assertEqual(len(result["mails"]), size)
            self.assertEqual(set(activities.mapped("state")), {"thanked"})
        # nine batches more: a few queries each at most
        self.assertLessEqual(counts[500] - counts[50], 9 * 3, counts)


@tagged("post_install", "-at_install")
class TestThankYouUnsubscribe(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create(
            [{"name": "Ulla Unsubscribe", "email": "Ulla@Unsubscribe-Test.example"}]
        )

    def _blacklisted(self):
        return self.env["mail.blacklist"].search(
            [("email", "=", "ulla@unsubscribe-test.example")]
        )

    def test_valid_token_blacklists(self):
        path = urlparse(self.partner._get_thank_you_unsubscribe_url()).path
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("ulla@unsubscribe-test.example", response.text)
        self.assertTrue(self._blacklisted())
        self.assertTrue(self.partner.is_blacklisted)

    def test_one_click_post(self):
        path = urlparse(self.partner._get_thank_you_unsubscribe_url()).path
        response = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self._blacklisted())

    def test_forged_token_refused(self):
        token = self.partner._get_thank_you_unsubscribe_token()
        forged = ("0" if token[0] != "0" else "1") + token[1:]
        for path in (
            f"/crm_phases/unsubscribe/{self.partner.id}/{forged}",
            f"/crm_phases/unsubscribe/{self.partner.id + 1}/{token}",
            f"/crm_phases/unsubscribe/{self.partner.id}/%3Cscript%3E",
        ):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 403)
            self.assertNotIn("<script>", response.text)
        self.assertFalse(self._blacklisted())
