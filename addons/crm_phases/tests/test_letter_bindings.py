# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import CrmPhasesCase


@tagged("post_install", "-at_install")
class TestLetterBindings(CrmPhasesCase):
    """The serial letter of mailmerge_letters from the lists of crm_phases:
    written to the contacts of the records selected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        address = {"street": "Sonnenallee 1", "zip": "79100", "city": "Freiburg"}
        cls.sunshine, cls.heatpump = cls.env["res.partner"].create(
            [
                dict(address, name="Sonnenschein Test AG", is_company=True),
                dict(address, name="Wärmepumpen Test GmbH", is_company=True),
            ]
        )
        cls.revenues = cls.env["res.partner.business.field.revenue"].create(
            [
                {
                    "partner_id": partner.id,
                    "business_field_id": field.id,
                    "company_id": cls.env.company.id,
                    "amount": amount,
                }
                for partner, field, amount in (
                    (cls.sunshine, cls.field_solar, 1200.0),
                    (cls.heatpump, cls.field_geothermal, 800.0),
                    (cls.sunshine, cls.field_geothermal, 300.0),
                )
            ]
        )
        cls.template = cls.env["mailmerge.letter.template"].create(
            [{"name": "Solar", "subject": "Solar", "body_html": "<p>Solar</p>"}]
        )

    def test_binding_on_customers_by_business_field(self):
        action = self.env.ref(
            "crm_phases.mailmerge_letter_wizard_action_business_field_revenue"
        )
        self.assertEqual(
            action.binding_model_id.model, "res.partner.business.field.revenue"
        )
        self.assertEqual(action.res_model, "mailmerge.letter.wizard")
        bound = self.env["ir.actions.actions"].get_bindings(
            "res.partner.business.field.revenue"
        )["action"]
        self.assertIn(action.id, [binding["id"] for binding in bound])

    def test_wizard_writes_to_the_customers(self):
        wizard = (
            self.env["mailmerge.letter.wizard"]
            .with_context(
                active_model="res.partner.business.field.revenue",
                active_ids=self.revenues.ids,
            )
            .create([{"template_id": self.template.id}])
        )
        # two lines of Sonnenschein: one letter
        self.assertEqual(wizard.partner_ids, self.sunshine | self.heatpump)
        self.assertEqual(wizard.recipient_ids, self.sunshine | self.heatpump)

    def test_business_fields_and_campaign_in_word_letters(self):
        self.sunshine.business_field_ids = self.field_solar | self.field_geothermal
        campaign = self.env["utm.campaign"].create([{"title": "Intersolar Test"}])
        template = self.template.with_context(mailmerge_campaign_id=campaign.id)
        letter = template._render_letters(self.sunshine)[self.sunshine.id]
        context = template._get_docx_letter_context(self.sunshine, letter)
        self.assertEqual(
            set(context["business_fields"].split(", ")),
            {self.field_solar.name, self.field_geothermal.name},
        )
        self.assertEqual(context["campaign"], "Intersolar Test")
