# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta
from urllib.parse import urlparse

from odoo.tests import HttpCase, tagged

from .common import UnsubscribePageMixin


@tagged("post_install", "-at_install")
class TestMailUnsubscribe(UnsubscribePageMixin, HttpCase):
    """Opening the unsubscribe link changes nothing (mail scanners open every
    link); the page's confirmation and the mail program's one-click POST
    unsubscribe, and the page undoes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._create_unsubscriber()
        cls.env["ir.module.module"]._load_module_terms(["mailmerge_letters"], ["de_DE"])
        cls.path = urlparse(cls.partner._get_mailmerge_unsubscribe_url()).path

    def test_get_asks_and_changes_nothing(self):
        self.assertTrue(self.path.startswith("/mailmerge_letters/unsubscribe/"))
        for _scanner in range(2):
            response = self.url_open(self.path)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Unsubscribe from our e-mails?", response.text)
            self.assertIn("u***@u***************.example", response.text)
            self.assertNotIn("unsubscribe-test.example", response.text.lower())
            self.assertIn('method="post"', response.text)
            self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self.assertFalse(self._blacklisted())
        self.assertFalse(self._log())

    def test_post_unsubscribes_and_undo(self):
        page = self.url_open(self.path)
        response = self.url_open(
            self.path,
            data={"csrf_token": self._csrf_token(page), "action": "unsubscribe"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You are unsubscribed", response.text)
        self.assertTrue(self._blacklisted())
        self.assertEqual(self._log().author_id, self.partner)
        # not ticked: no postal objection
        self.partner.invalidate_recordset(["postal_objection"])
        self.assertFalse(self.partner.postal_objection)
        again = self.url_open(self.path)
        self.assertIn('value="resubscribe"', again.text)
        undone = self.url_open(
            self.path,
            data={"csrf_token": self._csrf_token(again), "action": "resubscribe"},
        )
        self.assertIn("You are subscribed again", undone.text)
        self.partner.invalidate_recordset(["is_blacklisted"])
        self.assertFalse(self.partner.is_blacklisted)

    def test_post_with_postal_objection(self):
        """The page also records an objection to advertising letters by post,
        only when ticked."""
        page = self.url_open(self.path)
        self.assertIn('name="postal_objection"', page.text)
        self.assertFalse(self.partner.postal_objection)
        response = self.url_open(
            self.path,
            data={
                "csrf_token": self._csrf_token(page),
                "action": "unsubscribe",
                "postal_objection": "1",
            },
        )
        self.assertIn("no advertising letters by post either", response.text)
        self.assertTrue(self._blacklisted())
        self.partner.invalidate_recordset()
        self.assertTrue(self.partner.postal_objection)
        self.assertEqual(self.partner.postal_objection_source, "unsubscribe")
        self.assertEqual(self.partner.postal_objection_date, date.today())
        self.assertIn("unsubscribe page", self.partner.postal_objection_note)
        # the letters leave the contact out from now on
        __, skipped = self.partner._select_letter_recipients()
        self.assertEqual(skipped[self.partner], "Objected to advertising by post")

    def test_post_without_csrf_changes_nothing(self):
        response = self.url_open(self.path, data={"action": "unsubscribe"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("The form has expired", response.text)
        self.assertFalse(self._blacklisted())

    def test_one_click_post(self):
        """RFC 8058: the mail program posts ``List-Unsubscribe=One-Click``
        without any session or CSRF token."""
        response = self.url_open(self.path, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self._blacklisted())
        self.assertIn("one-click", self._log().body)

    def test_invalid_token_403(self):
        token = self.partner._get_mailmerge_unsubscribe_token()
        stamp, signature = token.split("-")
        forged = ("0" if signature[0] != "0" else "1") + signature[1:]
        for path in (
            f"/mailmerge_letters/unsubscribe/{self.partner.id}/{stamp}-{forged}",
            f"/mailmerge_letters/unsubscribe/{self.partner.id + 10**6}/{token}",
            f"/mailmerge_letters/unsubscribe/{self.partner.id}/%3Cscript%3E",
        ):
            for data in (None, {"List-Unsubscribe": "One-Click"}):
                response = self.url_open(path, data=data)
                self.assertEqual(response.status_code, 403, path)
                self.assertIn("This unsubscribe link is invalid", response.text)
                self.assertNotIn("<script>", response.text)
                self.assertNotIn('name="csrf_token"', response.text)
        self.assertFalse(self._blacklisted())

    def test_expired_token_410(self):
        old = self.partner._get_mailmerge_unsubscribe_token(
            issued=date.today() - timedelta(days=400)
        )
        path = f"/mailmerge_letters/unsubscribe/{self.partner.id}/{old}"
        response = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 410)
        self.assertIn("This unsubscribe link has expired", response.text)
        self.assertFalse(self._blacklisted())

    def test_page_in_the_contacts_language(self):
        self.partner.lang = "de_DE"
        response = self.url_open(self.path)
        self.assertIn('lang="de-DE"', response.text)
        self.assertIn("Von unseren E-Mails abmelden?", response.text)
        response = self.url_open(self.path, data={"List-Unsubscribe": "One-Click"})
        self.assertIn("Sie sind abgemeldet", response.text)
        self.assertIn("Rückgängig", response.text)
