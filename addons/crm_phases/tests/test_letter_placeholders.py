from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLetterPlaceholders(TransactionCase):
    """The CRM's placeholders of letter templates: business fields of the
    contact's company and the campaign, usable by a user who is no template
    editor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.user = new_test_user(
            cls.env,
            login="lp_backoffice",
            groups="base.group_user,base.group_partner_manager",
        )
        editors = cls.env.ref("mail.group_mail_template_editor")
        editors.users -= cls.user
        solar = cls.env.ref("crm_phases.business_field_solar")
        climate = cls.env.ref("crm_phases.business_field_climate")
        cls.company = cls.env["res.partner"].create(
            {
                "name": "Lichtblick GmbH",
                "is_company": True,
                "business_field_ids": [Command.set((solar | climate).ids)],
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Lena Licht", "parent_id": cls.company.id, "lang": "de_DE"}
        )
        cls.fair, cls.open_day = cls.env["utm.campaign"].create(
            [
                {"title": "Intersolar 2026", "campaign_type": "trade_fair"},
                {"title": "Tag der offenen Tür", "campaign_type": "trade_fair"},
            ]
        )
        cls.env["crm.campaign.activity"].create(
            {
                "campaign_id": cls.fair.id,
                "partner_id": cls.contact.id,
                "date": "2026-06-19 10:00:00",
            }
        )
        cls.template = (
            cls.env["mailmerge.letter.template"]
            .with_user(cls.user)
            .create(
                {
                    "name": "Placeholders",
                    "subject": "{{ object.letter_campaign }}",
                    "body_html": '<p>Sie kauften <t t-out="object.letter_'
                    'business_fields"/>.</p>',
                }
            )
        )

    def test_business_fields_and_campaign(self):
        letter = self.template._render_letters(self.contact)[self.contact.id]
        # in the contact's language, as the company's business fields are sorted
        names = self.company.business_field_ids.with_context(lang="de_DE")
        self.assertIn(f"Sie kauften {', '.join(names.mapped('name'))}.", letter["body"])
        # without a run's campaign: the campaign the contact was last met at
        self.assertEqual(letter["subject"], "Intersolar 2026")
        # the serial letter of another campaign names that one
        letter = self.template.with_context(
            mailmerge_campaign_id=self.open_day.id
        )._render_letters(self.contact)[self.contact.id]
        self.assertEqual(letter["subject"], "Tag der offenen Tür")

    def test_offered_in_the_list(self):
        placeholders = dict(
            self.env["mailmerge.letter.template"]._get_letter_placeholders()
        )
        self.assertIn("object.letter_business_fields", placeholders)
        self.assertIn("object.letter_campaign", placeholders)

    def test_serial_letter_from_a_campaign(self):
        """Opened from a campaign's activities, the wizard's campaign is the one
        the letters name, in the preview and in the serial e-mail."""
        activity = self.env["crm.campaign.activity"].create(
            {
                "campaign_id": self.open_day.id,
                "partner_id": self.contact.id,
                "date": "2026-01-10 10:00:00",
            }
        )
        self.contact.write({"street": "Am Hang 3", "zip": "79100", "city": "Freiburg"})
        self.contact.email = "lena.licht@lichtblick.example"
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_user(self.user)
            .with_context(active_model="crm.campaign.activity", active_ids=activity.ids)
            .create({"template_id": self.template.id})
        )
        self.assertEqual(wizard.campaign_id, self.open_day)
        self.assertEqual(wizard.recipient_ids, self.contact)
        self.assertIn("Tag der offenen Tür", wizard.preview_html)
        wizard.channel = "mail"
        action = wizard.action_send_mail()
        run = self.env["mailmerge.letter.run"].browse(action["res_id"])
        self.assertEqual(run.campaign_id, self.open_day)
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.contact.id)]
        )
        self.assertEqual(mail.subject, "Tag der offenen Tür")
