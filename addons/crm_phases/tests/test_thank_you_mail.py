import ast
from datetime import date, timedelta
from urllib.parse import urlparse

from odoo.tests import HttpCase, tagged, users
from odoo.tools.misc import hmac

from odoo.addons.mailmerge_letters.tests.common import UnsubscribePageMixin

from ..models.res_partner import mask_email
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

    def _skipped_by_partner(self, skipped):
        by_partner = {}
        for activity, reason in skipped:
            by_partner.setdefault(activity.partner_id, []).append(reason)
        return by_partner

    @users("fair_salesman")
    def test_person_registered_twice_gets_one_mail(self):
        """Two booth conversations of John Miller: one recipient, one mail, both
        activities thanked by it; nobody listed twice."""
        second = self._register(self.partner_miller).with_env(self.env)
        second.date = "2025-06-12 15:00:00"
        wizard = (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=self.campaign.id)
            .create({})
        )
        self.assertEqual(wizard.recipient_ids, self.mailed)
        self.assertEqual((wizard.recipient_count, wizard.skipped_count), (3, 5))
        self.assertNotIn("John Miller", wizard.skipped_html)
        result = self.campaign.with_env(self.env)._send_thank_you_mail()
        self.assertEqual(len(result["mails"]), 3)
        self.assertEqual(result["sent"].partner_id, self.mailed)
        skipped = self._skipped_by_partner(result["skipped"])
        self.assertNotIn(self.partner_miller, skipped)
        self.assertTrue(all(len(reasons) == 1 for reasons in skipped.values()))
        miller = self.activities.with_env(self.env).filtered(
            lambda a: a.partner_id == self.partner_miller
        )
        message = self._mails(result)[self.partner_miller.id].mail_message_id
        self.assertRecordValues(
            miller | second,
            [{"state": "thanked", "thanked_message_id": message.id}] * 2,
        )

    @users("fair_salesman")
    def test_second_conversation_after_thanks(self):
        """A visitor thanked, then met again: not thanked twice, listed once as
        already thanked; resend thanks the person once."""
        campaign = self.campaign.with_env(self.env)
        campaign._send_thank_you_mail()
        later = self._register(self.partner_miller).with_env(self.env)
        later.date = "2025-06-13 09:00:00"
        wizard = (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=campaign.id)
            .create({})
        )
        self.assertFalse(wizard.recipient_ids)
        self.assertEqual(wizard.skipped_html.count("John Miller"), 1)
        second = campaign._send_thank_you_mail()
        self.assertFalse(second["mails"])
        skipped = self._skipped_by_partner(second["skipped"])
        self.assertEqual(skipped[self.partner_miller], ["already_thanked"])
        self.assertEqual(later.state, "registered")
        resent = campaign._send_thank_you_mail(resend=True)
        self.assertEqual(resent["sent"].partner_id, self.mailed)
        mails = self._mails(resent)
        self.assertEqual(len(resent["mails"]), 3)
        self.assertRecordValues(
            later,
            [
                {
                    "state": "thanked",
                    "thanked_message_id": mails[
                        self.partner_miller.id
                    ].mail_message_id.id,
                }
            ],
        )

    def test_shared_address_thanked_once(self):
        """Two contacts with one address get one mail, also when the second one is
        registered after the first was thanked."""
        self.campaign._send_thank_you_mail()
        self.assertEqual(
            self.env["mail.mail"]
            .sudo()
            .search_count(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", (self.partner_schmidt | self.partner_twin).ids),
                ]
            ),
            1,
        )
        sister = self.env["res.partner"].create(
            [{"name": "Lisa Schmidt", "email": "anna.schmidt@WAERME-test.example"}]
        )
        self._register(sister).date = "2025-06-12 09:00:00"
        result = self.campaign._send_thank_you_mail()
        self.assertFalse(result["mails"])
        skipped = self._skipped_by_partner(result["skipped"])
        self.assertEqual(skipped[sister], ["duplicate"])
        resent = self.campaign._send_thank_you_mail(resend=True)
        self.assertEqual(resent["sent"].partner_id, self.mailed)
        self.assertEqual(
            self._skipped_by_partner(resent["skipped"])[sister], ["duplicate"]
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
class TestThankYouUnsubscribe(UnsubscribePageMixin, HttpCase):
    """The unsubscribe links of thank-you mails already sent keep working: the
    old ``/crm_phases/unsubscribe/`` route, the undated tokens, the old settings
    (the page itself is tested in mailmerge_letters' ``test_mail_unsubscribe``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._create_unsubscriber()
        cls.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        cls.path = urlparse(cls.partner._get_thank_you_unsubscribe_url()).path

    def assertNoFullAddress(self, response):
        self.assertNotIn("ulla@unsubscribe-test.example", response.text.lower())
        self.assertNotIn("unsubscribe-test.example", response.text.lower())

    def test_mask_email(self):
        self.assertEqual(mask_email("max.mustermann@example.de"), "m***@e******.de")
        self.assertEqual(mask_email("a@localhost"), "a***@l********")
        self.assertEqual(mask_email(False), "")
        self.assertEqual(
            self.partner._get_thank_you_masked_email(),
            "u***@u***************.example",
        )

    def test_wrong_token_changes_nothing(self):
        token = self.partner._get_thank_you_unsubscribe_token()
        stamp, signature = token.split("-")
        forged = ("0" if signature[0] != "0" else "1") + signature[1:]
        future = (date.today() + timedelta(days=30)).strftime("%Y%m%d")
        other = self.env["res.partner"].create(
            [{"name": "Other", "email": "other@unsubscribe-test.example"}]
        )
        for path in (
            f"/crm_phases/unsubscribe/{self.partner.id}/{stamp}-{forged}",
            f"/crm_phases/unsubscribe/{self.partner.id}/{future}-{signature}",
            f"/crm_phases/unsubscribe/{other.id}/{token}",
            f"/crm_phases/unsubscribe/{self.partner.id + 10**6}/{token}",
            f"/crm_phases/unsubscribe/{self.partner.id}/%3Cscript%3E",
        ):
            for data in (None, {"List-Unsubscribe": "One-Click"}):
                response = self.url_open(path, data=data)
                self.assertEqual(response.status_code, 403, path)
                self.assertIn("This unsubscribe link is invalid", response.text)
                self.assertNotIn("<script>", response.text)
                self.assertNotIn("u***@", response.text)
                self.assertNotIn('name="csrf_token"', response.text)
        self.assertFalse(self._blacklisted())
        self.assertFalse(other.is_blacklisted)

    def test_expired_token_changes_nothing(self):
        self.assertEqual(self.partner._get_thank_you_unsubscribe_validity(), 365)
        old = self.partner._get_thank_you_unsubscribe_token(
            issued=date.today() - timedelta(days=400)
        )
        recent = self.partner._get_thank_you_unsubscribe_token(
            issued=date.today() - timedelta(days=300)
        )
        self.assertEqual(
            self.partner._get_thank_you_unsubscribe_token_state(recent), "valid"
        )
        path = f"/crm_phases/unsubscribe/{self.partner.id}/{old}"
        for data in (None, {"List-Unsubscribe": "One-Click"}):
            response = self.url_open(path, data=data)
            self.assertEqual(response.status_code, 410)
            self.assertIn("This unsubscribe link has expired", response.text)
            self.assertNotIn("u***@", response.text)
        self.assertFalse(self._blacklisted())

    def test_legacy_token_until_cutoff(self):
        """Links of mails sent before the upgrade (no date) work until the date
        the upgrade sets."""
        legacy = hmac(
            self.env(su=True),
            "crm_phases-unsubscribe",
            (self.partner.id, "ulla@unsubscribe-test.example"),
        )
        state = self.partner._get_thank_you_unsubscribe_token_state
        self.assertEqual(state(legacy), "expired")
        param = self.env["ir.config_parameter"]
        param.set_param(
            "crm_phases.unsubscribe_legacy_links_until",
            str(date.today() + timedelta(days=10)),
        )
        self.assertEqual(state(legacy), "valid")
        self.assertEqual(
            state("0" + legacy[1:] if legacy[0] != "0" else "1" + legacy[1:]), "invalid"
        )
        param.set_param(
            "crm_phases.unsubscribe_legacy_links_until",
            str(date.today() - timedelta(days=1)),
        )
        self.assertEqual(state(legacy), "expired")

    def test_old_links_still_work(self):
        """Mails sent before the engine moved to mailmerge_letters link to
        ``/crm_phases/unsubscribe/…``: the same page serves them, GET asks,
        POST changes; the new mails link to the engine's route."""
        self.assertTrue(self.path.startswith("/mailmerge_letters/unsubscribe/"))
        token = self.partner._get_thank_you_unsubscribe_token()
        old_path = f"/crm_phases/unsubscribe/{self.partner.id}/{token}"
        page = self.url_open(old_path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Unsubscribe from our e-mails?", page.text)
        self.assertNoFullAddress(page)
        self.assertFalse(self._blacklisted())
        response = self.url_open(
            old_path,
            data={"csrf_token": self._csrf_token(page), "action": "unsubscribe"},
        )
        self.assertIn("You are unsubscribed", response.text)
        self.assertTrue(self._blacklisted())
        self.assertEqual(len(self._log()), 1)
        # the mail program's one-click POST to an old link
        self.url_open(old_path, data={"List-Unsubscribe": "One-Click"})
        self.assertIn("one-click", self._log()[0].body)

    def test_old_settings_still_read(self):
        """The ``crm_phases.*`` keys of the thank-you mail are read when the
        engine's own key is not set."""
        param = self.env["ir.config_parameter"]
        param.set_param("crm_phases.unsubscribe_link_validity_days", "30")
        param.set_param("crm_phases.thank_you_bounce_limit", "7")
        self.assertEqual(self.partner._get_thank_you_unsubscribe_validity(), 30)
        Activity = self.env["crm.campaign.activity"]
        self.assertEqual(Activity._get_thank_you_bounce_limit(), 7)
        param.set_param("mailmerge_letters.unsubscribe_link_validity_days", "60")
        self.assertEqual(self.partner._get_thank_you_unsubscribe_validity(), 60)
