import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged, users
from odoo.tools import SQL, mute_logger

from .common import MailmergeRecipientCase


@tagged("post_install", "-at_install")
class TestRecipientRule(MailmergeRecipientCase):
    def _select(self, partners, **kwargs):
        return partners._select_mailing_recipients(**kwargs)

    def test_company_and_two_contacts_without_preferred(self):
        """First contact by name (the selected ones first): Markus, not Tobias."""
        recipients, left_out = self._select(
            self.company_weber | self.tobias | self.markus
        )
        self.assertEqual(recipients, self.markus)
        self.assertEqual(
            left_out,
            {
                self.company_weber: "Its contact Markus Weber is addressed",
                self.tobias: "Another contact of Weber Test KG is addressed: "
                "Markus Weber",
            },
        )

    def test_preferred_contact_wins_even_unselected(self):
        self.petra.is_preferred_recipient = True
        recipients, left_out = self._select(
            self.company_weber | self.tobias | self.markus
        )
        self.assertEqual(recipients, self.petra)
        self.assertEqual(
            set(left_out), set(self.company_weber | self.tobias | self.markus)
        )
        self.assertEqual(
            left_out[self.markus],
            "Another contact of Weber Test KG is addressed: Petra Weber",
        )

    def test_mixed_selection(self):
        """A company and two of its contacts, a contact without company, a company
        without contacts, an archived contact: one recipient each, in order."""
        self.petra.is_preferred_recipient = True
        archived = self.create_person("Alt", "Archiv", parent_id=self.company_solo.id)
        archived.active = False
        selection = (
            self.private
            | self.markus
            | self.company_solo
            | archived
            | self.company_weber
            | self.tobias
        )
        recipients, left_out = self._select(selection)
        self.assertEqual(
            list(recipients), [self.private, self.petra, self.company_solo]
        )
        self.assertEqual(left_out[archived], "Archived")
        self.assertEqual(
            set(left_out), {self.markus, self.company_weber, self.tobias, archived}
        )

    def test_never_archived(self):
        self.petra.is_preferred_recipient = True
        self.petra.active = False
        recipients, left_out = self._select(self.company_weber)
        self.assertEqual(recipients, self.markus)
        self.markus.active = False
        self.tobias.active = False
        recipients, left_out = self._select(self.company_weber)
        self.assertEqual(recipients, self.company_weber)
        self.assertFalse(left_out)
        # a contact of an archived company: the company is never addressed
        self.company_weber.active = False
        self.env.company.mailing_recipient_fallback = "company"
        self.tobias.active = True
        recipients, _left_out = self._select(self.tobias)
        self.assertEqual(recipients, self.tobias)

    def test_fallback_company(self):
        self.env.company.mailing_recipient_fallback = "company"
        recipients, left_out = self._select(self.markus | self.tobias)
        self.assertEqual(recipients, self.company_weber)
        self.assertEqual(
            left_out[self.markus], "The company Weber Test KG itself is addressed"
        )
        # the preferred contact goes before the setting
        self.petra.is_preferred_recipient = True
        self.assertEqual(self._select(self.markus)[0], self.petra)

    def test_channel_needs_an_address(self):
        """By e-mail only partners with an e-mail address count, by letter only
        those with a postal address (Tobias Kern only)."""
        self.tobias.is_preferred_recipient = True
        self.assertEqual(self._select(self.company_weber)[0], self.tobias)
        self.assertEqual(
            self._select(self.company_weber, channel="letter")[0], self.tobias
        )
        recipients, left_out = self._select(self.tobias, channel="mail")
        self.assertEqual(recipients, self.markus)
        self.assertIn("Markus Weber", left_out[self.tobias])
        self.tobias.is_preferred_recipient = False
        self.assertEqual(
            self._select(self.markus | self.petra, channel="letter")[0], self.tobias
        )
        # nobody reachable: the first selected stays, the mailing reports it
        recipients, left_out = self._select(self.company_nomail, channel="letter")
        self.assertEqual((recipients, left_out), (self.company_nomail, {}))

    def test_within_selection(self):
        self.petra.is_preferred_recipient = True
        recipients, left_out = self._select(
            self.tobias | self.markus, within_selection=True
        )
        self.assertEqual(recipients, self.markus)
        self.assertEqual(list(left_out), [self.tobias])

    @users("reader")
    def test_as_internal_user(self):
        recipients, _left_out = self._select(
            self.env["res.partner"].browse((self.company_weber | self.private).ids)
        )
        self.assertEqual(recipients.ids, (self.markus | self.private).ids)

    def test_query_count_is_constant(self):
        partners = self.company_weber | self.tobias | self.private | self.company_solo
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            self._select(partners)
        more = self.env["res.partner"].create(
            [{"name": f"Firma {i}", "is_company": True} for i in range(5)]
        )
        self.env["res.partner"].create(
            [{"name": f"Kontakt {i}", "parent_id": c.id} for i, c in enumerate(more)]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            self._select(partners | more)


@tagged("post_install", "-at_install")
class TestPreferredRecipient(MailmergeRecipientCase):
    def test_ticking_another_unticks_the_first(self):
        self.petra.is_preferred_recipient = True
        self.markus.with_user(self.user_clerk).is_preferred_recipient = True
        self.assertRecordValues(
            self.petra | self.markus,
            [{"is_preferred_recipient": False}, {"is_preferred_recipient": True}],
        )

    def test_form_warns_before_moving_the_flag(self):
        self.petra.is_preferred_recipient = True
        form = Form(self.markus.with_user(self.user_clerk))
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.is_preferred_recipient = True
        self.assertIn(
            "Petra Weber is the preferred contact of Weber Test KG so far",
            logs.output[0],
        )
        form.save()
        self.assertFalse(self.petra.is_preferred_recipient)
        self.assertTrue(self.markus.is_preferred_recipient)

    def test_archived_preferred_is_unticked_too(self):
        self.petra.is_preferred_recipient = True
        self.petra.active = False
        self.markus.is_preferred_recipient = True
        self.assertFalse(self.petra.is_preferred_recipient)

    def test_two_in_one_write_is_an_error(self):
        with self.assertRaisesRegex(UserError, "Only one contact of Weber Test KG"):
            (self.petra | self.markus).is_preferred_recipient = True

    def test_two_in_one_create_is_an_error(self):
        with self.assertRaisesRegex(UserError, "Only one contact of Weber Test KG"):
            self.env["res.partner"].create(
                [
                    {
                        "name": name,
                        "parent_id": self.company_weber.id,
                        "is_preferred_recipient": True,
                    }
                    for name in ("Eins", "Zwei")
                ]
            )

    def test_create_preferred_unticks_the_current(self):
        self.petra.is_preferred_recipient = True
        new = self.env["res.partner"].create(
            [
                {
                    "name": "Neu",
                    "parent_id": self.company_weber.id,
                    "is_preferred_recipient": True,
                }
            ]
        )
        self.assertTrue(new.is_preferred_recipient)
        self.assertFalse(self.petra.is_preferred_recipient)

    def test_contacts_of_other_companies_keep_their_flag(self):
        other = self.create_person("Olga", "Solo", parent_id=self.company_solo.id)
        (other | self.petra).write({"is_preferred_recipient": True})
        self.assertTrue(
            other.is_preferred_recipient and self.petra.is_preferred_recipient
        )

    def test_only_contacts_of_a_company(self):
        for partner in (self.company_weber, self.private):
            with self.assertRaises(ValidationError):
                partner.is_preferred_recipient = True

    def test_moved_contact_is_no_longer_preferred(self):
        self.petra.is_preferred_recipient = True
        self.petra.parent_id = self.company_solo
        self.assertFalse(self.petra.is_preferred_recipient)

    def test_merged_contacts_keep_one_preferred(self):
        self.petra.is_preferred_recipient = True
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.petra | self.markus).ids, self.markus
        )
        self.assertFalse(self.petra.exists())
        self.assertTrue(self.markus.is_preferred_recipient)
        self.assertEqual(self.markus._select_mailing_recipients()[0], self.markus)

    def test_database_refuses_two(self):
        self.petra.is_preferred_recipient = True
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET is_preferred_recipient = TRUE "
                    "WHERE id = %s",
                    self.markus.id,
                )
            )
