from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestBoothCapture(CrmPhasesCampaignCase):
    """The booth's "Register Visitor" dialog: an uncertain match and a second visit
    are the user's decision; form of address and title reach the contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_sommer = cls.env["res.partner"].create(
            [
                {
                    "firstname": "Petra",
                    "lastname": "Sommer",
                    "email": "petra@sommer-privat.example",
                    "form_of_address": "ms",
                    "academic_title": "Prof.",
                }
            ]
        )

    def _form(self):
        return Form(
            self.env["crm.campaign.visitor.wizard"].with_context(
                default_campaign_id=self.campaign.id
            )
        )

    def _activities(self):
        return self.env["crm.campaign.activity"].search(
            [("campaign_id", "=", self.campaign.id)]
        )

    @users("fair_salesman")
    def test_name_without_company_is_proposed_not_taken(self):
        form = self._form()
        form.firstname = "Petra"
        form.lastname = "Sommer"
        form.email = "p.sommer@firma.example"
        self.assertEqual(form.match_reason, "ambiguous")
        self.assertEqual(form.candidate_ids[:], self.partner_sommer)
        self.assertFalse(form.partner_id)
        self.assertFalse(form.partner_choice)
        # the dialog does not save until the user has chosen
        with self.assertRaises(AssertionError):
            form.save()
        form.partner_choice = "new"
        form.save().action_register()
        activity = self._activities()
        self.assertNotEqual(activity.partner_id, self.partner_sommer)
        self.assertEqual(activity.partner_id.email, "p.sommer@firma.example")
        # nothing of the visitor reached the other Petra Sommer
        self.assertEqual(self.partner_sommer.email, "petra@sommer-privat.example")
        self.assertNotIn(
            self.campaign.partner_category_id, self.partner_sommer.category_id
        )

    @users("fair_salesman")
    def test_user_chooses_the_candidate(self):
        form = self._form()
        form.firstname = "Petra"
        form.lastname = "Sommer"
        form.phone = "+49 89 4711"
        form.partner_id = self.partner_sommer
        self.assertEqual(form.partner_choice, "existing")
        form.save().action_register()
        self.assertEqual(self._activities().partner_id, self.partner_sommer)
        self.assertEqual(self.partner_sommer.phone, "+49 89 4711")

    @users("fair_salesman")
    def test_register_without_decision_raises(self):
        """Over the API as in the dialog: an uncertain match is never registered."""
        wizard = self.env["crm.campaign.visitor.wizard"].create(
            [
                {
                    "campaign_id": self.campaign.id,
                    "firstname": "Petra",
                    "lastname": "Sommer",
                }
            ]
        )
        self.assertEqual(wizard.match_reason, "ambiguous")
        with self.assertRaisesRegex(UserError, "not certainly"):
            wizard.action_register()
        self.assertFalse(self._activities())

    @users("fair_salesman")
    def test_name_and_company_with_other_email_is_ambiguous(self):
        form = self._form()
        form.firstname = "Hans"
        form.lastname = "Müller"
        form.company_name = "Sonnenschein Test AG"
        self.assertEqual(form.match_reason, "name_company")
        self.assertEqual(form.partner_id, self.partner_mueller)
        form.email = "hans.mueller@privat.example"
        self.assertEqual(form.match_reason, "ambiguous")
        self.assertFalse(form.partner_id)
        self.assertEqual(form.candidate_ids[:], self.partner_mueller)
        form.partner_choice = "new"
        form.save().action_register()
        self.assertEqual(
            self.partner_mueller.email, "H.Mueller@Sonnenschein-Test.example"
        )
        self.assertEqual(
            self._activities().partner_id.email, "hans.mueller@privat.example"
        )

    @users("fair_salesman")
    def test_second_visit_completes_the_registration(self):
        form = self._form()
        form.email = "h.mueller@sonnenschein-test.example"
        form.business_field_ids.add(self.field_solar)
        form.note = "PV für das Hallendach"
        self.assertFalse(form.registration_info)
        first = form.save()
        first.action_register()
        activity = self._activities()

        form = self._form()
        form.email = "H.Mueller@Sonnenschein-Test.example"
        self.assertIn("Vera Vertrieb", form.registration_info)
        self.assertEqual(form.registered_activity_id, activity)
        self.assertEqual(form.registration_mode, "update")
        form.business_field_ids.add(self.field_geothermal)
        form.note = "Auch Wärmepumpe"
        form.save().action_register()
        self.assertEqual(self._activities(), activity)
        self.assertEqual(
            activity.business_field_ids, self.field_solar | self.field_geothermal
        )
        self.assertTrue(activity.note.startswith("PV für das Hallendach\n\n"))
        self.assertTrue(activity.note.endswith("Vera Vertrieb:\nAuch Wärmepumpe"))

        # another conversation only when the user says so
        form = self._form()
        form.email = "h.mueller@sonnenschein-test.example"
        form.registration_mode = "new"
        form.save().action_register()
        self.assertEqual(len(self._activities()), 2)

    @users("fair_salesman")
    def test_colleagues_registration_is_shown(self):
        colleagues = (
            self.env["crm.campaign.activity"]
            .with_user(self.user_fair_colleague)
            .create(
                [
                    {
                        "campaign_id": self.campaign.id,
                        "partner_id": self.partner_mueller.id,
                    }
                ]
            )
        )
        form = self._form()
        form.email = "h.mueller@sonnenschein-test.example"
        self.assertIn("Otto Kollege", form.registration_info)
        self.assertFalse(form.registered_activity_id)
        self.assertFalse(form.registration_mode)
        with self.assertRaises(AssertionError):
            form.save()
        form.registration_mode = "update"
        with self.assertRaisesRegex(UserError, "another conversation"):
            form.save().action_register()
        form.registration_mode = "new"
        form.save().action_register()
        mine = self._activities()
        self.assertEqual(mine.partner_id, self.partner_mueller)
        self.assertEqual(mine.user_id, self.user_fair_salesman)
        self.assertEqual(colleagues.sudo().user_id, self.user_fair_colleague)

    @users("fair_salesman")
    def test_form_of_address_and_title(self):
        # a new visitor
        form = self._form()
        form.form_of_address = "ms"
        form.academic_title = "Dr."
        form.firstname = "Clara"
        form.lastname = "Weber"
        form.email = "clara.weber@example.com"
        form.save().action_register()
        clara = self._activities().partner_id
        self.assertRecordValues(
            clara, [{"form_of_address": "ms", "academic_title": "Dr."}]
        )

        # a known contact: prefilled, a correction is written
        form = self._form()
        form.email = "petra@sommer-privat.example"
        self.assertEqual(form.partner_id, self.partner_sommer)
        self.assertEqual(form.form_of_address, "ms")
        self.assertEqual(form.academic_title, "Prof.")
        form.academic_title = "Prof. Dr."
        form.update_partner = False
        form.save().action_register()
        self.assertRecordValues(
            self.partner_sommer,
            [{"form_of_address": "ms", "academic_title": "Prof. Dr."}],
        )

        # an emptied field never empties the contact
        form = self._form()
        form.email = "petra@sommer-privat.example"
        form.registration_mode = "update"
        form.form_of_address = False
        form.academic_title = False
        form.save().action_register()
        self.assertRecordValues(
            self.partner_sommer,
            [{"form_of_address": "ms", "academic_title": "Prof. Dr."}],
        )

        # a known contact without salutation gets the typed one
        self.assertFalse(self.partner_mueller.form_of_address)
        form = self._form()
        form.form_of_address = "mr"
        form.academic_title = "Dipl.-Ing."
        form.email = "h.mueller@sonnenschein-test.example"
        self.assertEqual(form.form_of_address, "mr")
        form.save().action_register()
        self.assertRecordValues(
            self.partner_mueller,
            [{"form_of_address": "mr", "academic_title": "Dipl.-Ing."}],
        )
