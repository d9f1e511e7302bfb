import re

from odoo.tests import TransactionCase, new_test_user


class MailmergeLettersCase(TransactionCase):
    """Roles and languages shared by the mailmerge_letters tests (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # what Odoo's default internal user may do: read and edit contacts
        cls.user_clerk = new_test_user(
            cls.env, login="clerk", groups="base.group_user,base.group_partner_manager"
        )
        cls.user_reader = new_test_user(
            cls.env, login="reader", groups="base.group_user"
        )
        for code in ("de_DE", "de_CH", "de_AT", "fr_FR"):
            cls.env["res.lang"]._activate_lang(code)

    @classmethod
    def create_person(cls, firstname, lastname, lang="de_DE", **values):
        return cls.env["res.partner"].create(
            [dict(values, firstname=firstname, lastname=lastname, lang=lang)]
        )


class MailmergeRecipientCase(MailmergeLettersCase):
    """Companies with contacts, a contact without company and a company without
    contacts, for the recipient rule (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.mailing_recipient_fallback = "first_contact"
        Partner = cls.env["res.partner"]
        address = {"street": "Mühlenweg 12", "zip": "79312", "city": "Emmendingen"}
        cls.company_weber, cls.company_solo, cls.company_nomail = Partner.create(
            [
                # no postal address: its contacts get none from it
                {
                    "name": "Weber Test KG",
                    "is_company": True,
                    "email": "info@weber-test.example",
                },
                dict(address, name="Solo Test GmbH", is_company=True),
                {"name": "Ohne Adresse Test AG", "is_company": True},
            ]
        )
        cls.markus, cls.petra, cls.tobias = Partner.create(
            [
                {
                    "firstname": "Markus",
                    "lastname": "Weber",
                    "parent_id": cls.company_weber.id,
                    "email": "m.weber@weber-test.example",
                },
                {
                    "firstname": "Petra",
                    "lastname": "Weber",
                    "parent_id": cls.company_weber.id,
                    "email": "p.weber@weber-test.example",
                },
                {
                    "firstname": "Tobias",
                    "lastname": "Kern",
                    "parent_id": cls.company_weber.id,
                },
            ]
        )
        cls.tobias.write(address)
        cls.private = cls.create_person(
            "Jürgen", "Weiß", email="j.weiss@example.com", **address
        )


class UnsubscribePageMixin:
    """Helpers of the tests of the unsubscribe page (here and in crm_phases, for
    the links of thank-you mails sent before the page moved): one contact, its
    blacklist entry, its history notes and the page's CSRF token."""

    unsubscriber_email = "ulla@unsubscribe-test.example"

    @classmethod
    def _create_unsubscriber(cls):
        cls.env["res.lang"]._activate_lang("de_DE")
        return cls.env["res.partner"].create(
            [
                {
                    "name": "Ulla Unsubscribe",
                    "email": "Ulla@Unsubscribe-Test.example",
                    "lang": "en_US",
                }
            ]
        )

    def _blacklisted(self):
        return self.env["mail.blacklist"].search(
            [("email", "=", self.unsubscriber_email)]
        )

    def _log(self):
        return self.partner.message_ids.filtered(
            lambda m: "unsubscribe" in (m.body or "").lower()
        )

    def _csrf_token(self, response):
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "the page's form carries a CSRF token")
        return match.group(1)
