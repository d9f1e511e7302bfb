from odoo.tests import tagged, users

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestThankYouPerCompany(CrmPhasesCampaignCase):
    """Setting "Thank-you e-mails: one per company": three visitors of one company,
    one of them its preferred contact, and a visitor without company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.partner_schulz, cls.partner_adler = Partner.create(
            [
                {
                    "name": "Sabine Schulz",
                    "parent_id": cls.company_sonnenschein.id,
                    "email": "s.schulz@sonnenschein-test.example",
                },
                {
                    "name": "Anton Adler",
                    "parent_id": cls.company_sonnenschein.id,
                    "email": "a.adler@sonnenschein-test.example",
                },
            ]
        )
        cls.partner_private = Partner.create(
            [{"name": "Petra Privat", "email": "petra@privat-test.example"}]
        )
        cls.colleagues = cls.partner_mueller | cls.partner_schulz | cls.partner_adler
        cls.activities = cls.env["crm.campaign.activity"].create(
            [
                {
                    "campaign_id": cls.campaign.id,
                    "partner_id": partner.id,
                    "date": f"2025-06-11 10:{index:02d}:00",
                    "user_id": cls.user_fair_salesman.id,
                }
                for index, partner in enumerate(cls.colleagues | cls.partner_private)
            ]
        )
        cls.env.company.thank_you_recipients = "company"
        cls.env.company.mailing_recipient_fallback = "first_contact"

    def _skipped(self, result):
        return {activity.partner_id: reason for activity, reason in result}

    def test_default_is_one_per_visitor(self):
        self.env.company.thank_you_recipients = "visitor"
        to_send, _duplicates, skipped = self.activities._split_thank_you_recipients()
        self.assertEqual(to_send.partner_id, self.colleagues | self.partner_private)
        self.assertFalse(skipped)

    def test_preferred_visitor_is_thanked_for_the_company(self):
        self.partner_schulz.is_preferred_recipient = True
        to_send, _duplicates, skipped = self.activities._split_thank_you_recipients()
        self.assertEqual(to_send.partner_id, self.partner_schulz | self.partner_private)
        self.assertEqual(
            self._skipped(skipped),
            {
                self.partner_mueller: "same_company",
                self.partner_adler: "same_company",
            },
        )

    def test_preferred_contact_who_did_not_visit(self):
        """Only visitors are thanked: without a preferred one among them, the
        first visitor by name."""
        other = self.env["res.partner"].create(
            [
                {
                    "name": "Nicht Da",
                    "parent_id": self.company_sonnenschein.id,
                    "email": "nicht.da@sonnenschein-test.example",
                    "is_preferred_recipient": True,
                }
            ]
        )
        to_send, _duplicates, _skipped = self.activities._split_thank_you_recipients()
        self.assertEqual(to_send.partner_id, self.partner_adler | self.partner_private)
        self.assertNotIn(other, to_send.partner_id)

    @users("fair_salesman")
    def test_send_preview_and_second_run(self):
        campaign = self.campaign.with_env(self.env)
        wizard = (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=campaign.id)
            .create({})
        )
        self.assertEqual((wizard.recipient_count, wizard.skipped_count), (2, 2))
        self.assertIn(
            "Another visitor of the same company is thanked", wizard.skipped_html
        )
        first = campaign._send_thank_you_mail()
        self.assertEqual(
            first["sent"].partner_id, self.partner_adler | self.partner_private
        )
        self.assertEqual(len(first["mails"]), 2)
        # the company was thanked: its other visitors are not, a second run later
        second = campaign._send_thank_you_mail()
        self.assertFalse(second["sent"])
        self.assertEqual(
            self._skipped(second["skipped"]),
            {
                self.partner_adler: "already_thanked",
                self.partner_private: "already_thanked",
                self.partner_mueller: "same_company",
                self.partner_schulz: "same_company",
            },
        )
        # resent on purpose: again one per company
        third = campaign._send_thank_you_mail(resend=True)
        self.assertEqual(
            third["sent"].partner_id, self.partner_adler | self.partner_private
        )
