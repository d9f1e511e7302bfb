from odoo.tests import Form, tagged, users

from .common import MailmergeLettersCase


@tagged("post_install", "-at_install")
class TestPostalObjection(MailmergeLettersCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "firstname": "Hans",
                    "lastname": "Müller",
                    "email": "hans@example.com",
                },
                {"firstname": "Anna", "lastname": "Schmidt", "postal_objection": True},
            ]
        )

    @users("clerk")
    def test_clerk_records_objection(self):
        """An internal user records the objection in the form; the filter finds it."""
        partner = self.partners[0].with_env(self.env)
        self.assertFalse(partner.postal_objection)
        with Form(partner) as form:
            form.postal_objection = True
        found = self.env["res.partner"].search(
            [("postal_objection", "=", True), ("id", "in", self.partners.ids)]
        )
        self.assertEqual(found, self.partners.with_env(self.env))

    def test_objection_is_tracked(self):
        """Who set the objection, and when, stays in the contact's history."""
        partner = self.env["res.partner"].create(
            [{"firstname": "Jürgen", "lastname": "Weiß"}]
        )
        self.flush_tracking()
        partner.postal_objection = True
        self.flush_tracking()
        tracking = partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "postal_objection"
        )
        self.assertRecordValues(
            tracking, [{"old_value_integer": 0, "new_value_integer": 1}]
        )

    def flush_tracking(self):
        """Tracking values are written at commit time: run that step now."""
        self.env.flush_all()
        self.env.cr.precommit.run()
