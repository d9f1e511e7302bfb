import re
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrmPhasesProductCase

FORM_URL = "/angebot-anfordern"
SCRIPT = "<script>alert('x')</script>"


@tagged("post_install", "-at_install")
class TestWebsiteRequest(HttpCase, CrmPhasesProductCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.company = cls.website.company_id
        cls.team = cls.env["crm.team"].create([{"name": "Website Team"}])
        cls.company.write(
            {
                "website_lead_user_id": cls.user_salesman.id,
                "website_lead_team_id": cls.team.id,
                "website_request_min_seconds": 0,
                "website_request_rate_limit": 0,
            }
        )

    def _leads(self):
        return self.env["crm.lead"].search([("web_reference", "!=", False)])

    def _form_tokens(self):
        page = self.url_open(FORM_URL)
        self.assertEqual(page.status_code, 200)
        return {
            name: re.search(rf'name="{name}" value="([^"]+)"', page.text).group(1)
            for name in ("csrf_token", "form_token")
        }

    def _post(self, **data):
        payload = {
            "contact_name": "Erika Mustermann",
            "partner_name": "Mustermann GmbH",
            "email_from": "erika@example.com",
            "phone": "+49 6221 12345",
            "street": "Hauptstraße 1",
            "zip": "69117",
            "city": "Heidelberg",
            "country_id": str(self.env.ref("base.de").id),
            "description": "Satteldach, 120 m², Südausrichtung",
            "completion_period": "3_months",
            f"product_qty_{self.product_module.id}": "20",
            f"product_qty_{self.product_heat_pump.id}": "",
            "homepage": "",
            **self._form_tokens(),
        }
        payload.update(data)
        return self.url_open(f"{FORM_URL}/submit", data=payload)

    def test_valid_request_creates_opportunity(self):
        response = self._post()
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertRegex(lead.web_reference, r"^WEB-\d{4}-\d{5}$")
        self.assertIn(lead.web_reference, response.text)
        self.assertRecordValues(
            lead,
            [
                {
                    "type": "opportunity",
                    "contact_name": "Erika Mustermann",
                    "partner_name": "Mustermann GmbH",
                    "email_from": "erika@example.com",
                    "city": "Heidelberg",
                    "user_id": self.user_salesman.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "source_id": self.env.ref("crm_phases.utm_source_website").id,
                    "expected_revenue": 4000.0,
                    "business_field_ids": self.field_solar.ids,
                }
            ],
        )
        self.assertRecordValues(
            lead.lead_line_ids,
            [{"product_id": self.product_module.id, "product_qty": 20}],
        )
        self.assertTrue(lead.revenue_date_from and lead.revenue_date_to)
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "erika@example.com"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(lead.web_reference, mail.subject)
        self.assertIn(lead.web_reference, str(mail.body_html))

    def test_missing_required_fields_keep_input(self):
        response = self._post(email_from="", contact_name="")
        self.assertFalse(self._leads())
        self.assertIn("o_website_request_error", response.text)
        self.assertIn("Mustermann GmbH", response.text)

    def test_forged_fields_are_ignored(self):
        other_company = self.env["res.company"].create([{"name": "Other Co"}])
        stage_won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self._post(
            user_id=str(self.env.ref("base.user_admin").id),
            team_id=str(self.env["crm.team"].create([{"name": "Other"}]).id),
            stage_id=str(stage_won.id),
            probability="100",
            company_id=str(other_company.id),
            partner_id=str(self.env.ref("base.partner_admin").id),
            web_reference="WEB-FAKE",
        )
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.user_id, self.user_salesman)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.company_id, self.company)
        self.assertNotEqual(lead.stage_id, stage_won)
        self.assertLess(lead.probability, 100)
        self.assertFalse(lead.partner_id)
        self.assertNotEqual(lead.web_reference, "WEB-FAKE")

    def test_script_is_stored_as_text_and_escaped(self):
        texts = ("contact_name", "partner_name", "phone", "street", "city")
        response = self._post(
            description=SCRIPT, zip="<b>1</b>", **dict.fromkeys(texts, SCRIPT)
        )
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.contact_name, SCRIPT)
        self.assertEqual(lead.street, SCRIPT)
        self.assertIn("&lt;script&gt;", str(lead.description))
        self.assertNotIn(SCRIPT, response.text)
        self.assertIn("&lt;script&gt;alert", response.text)

    def test_honeypot_rejected(self):
        response = self._post(homepage="http://spam.example.com")
        self.assertFalse(self._leads())
        self.assertIn("o_website_request_error", response.text)

    def test_too_fast_rejected(self):
        # far above the time a loaded test server needs to render the form
        self.company.website_request_min_seconds = 60
        response = self._post()
        self.assertFalse(self._leads())
        self.assertIn("That was very fast", response.text)
        self.assertIn("Erika Mustermann", response.text)

    def test_forged_form_token_rejected(self):
        response = self._post(form_token="1.forged")
        self.assertFalse(self._leads())
        self.assertIn("The form has expired", response.text)

    def test_rate_limit_per_address(self):
        self.company.website_request_rate_limit = 2
        self._post()
        self._post()
        response = self._post()
        self.assertEqual(len(self._leads()), 2)
        self.assertIn("Too many requests", response.text)

    def test_long_requirements_rejected(self):
        response = self._post(description="x" * 10000)
        self.assertFalse(self._leads())
        self.assertIn("at most 5000 characters", response.text)

    def test_unknown_or_unsaleable_product_rejected(self):
        for product_id in (self.product_internal.id, 999999999):
            response = self._post(**{f"product_qty_{product_id}": "1"})
            self.assertIn("A chosen product is not available", response.text)
        response = self._post(**{f"product_qty_{self.product_module.id}": "abc"})
        self.assertIn("whole numbers", response.text)
        self.assertFalse(self._leads())

    def test_too_many_lines_rejected(self):
        products = self.env["product.product"].create(
            [{"name": f"Bulk {n}", "list_price": 1.0} for n in range(21)]
        )
        response = self._post(**{f"product_qty_{p.id}": "1" for p in products})
        self.assertIn("at most 20 products", response.text)
        self.assertFalse(self._leads())

    def test_portal_user_prefilled_and_linked(self):
        portal = new_test_user(
            self.env,
            login="portal_kunde",
            groups="base.group_portal",
            name="Paul Portal",
            email="paul@example.com",
        )
        portal.partner_id.write(
            {"street": "Sonnenweg 7", "zip": "60311", "city": "Frankfurt am Main"}
        )
        self.authenticate("portal_kunde", "portal_kunde")
        page = self.url_open(FORM_URL)
        for value in ("Paul Portal", "paul@example.com", "Sonnenweg 7", "60311"):
            self.assertIn(f'value="{value}"', page.text)
        self._post(
            contact_name="Paul Portal",
            email_from="paul@example.com",
            partner_name="",
            city="Frankfurt am Main",
        )
        self.assertEqual(self._leads().partner_id, portal.partner_id)

    def test_references_unique_and_sequential(self):
        Lead = self.env["crm.lead"]
        values = {
            "company_id": self.company.id,
            "contact_name": "Hans Huber",
            "email_from": "hans@example.com",
            "lines": [(self.product_module.id, 2)],
        }
        first = Lead._create_from_website_request(values)
        second = Lead._create_from_website_request(values)
        prefix, number = first.web_reference.rsplit("-", 1)
        self.assertEqual(second.web_reference, f"{prefix}-{int(number) + 1:05d}")

    def test_mail_failure_keeps_lead(self):
        template_class = type(self.env["mail.template"])
        with (
            patch.object(template_class, "send_mail", side_effect=OSError("no mail")),
            self.assertLogs("odoo.addons.crm_phases.models.crm_lead", "ERROR"),
        ):
            response = self._post()
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertIn(lead.web_reference, response.text)

    def test_tour_fills_the_form(self):
        self.start_tour(FORM_URL, "crm_phases_website_request", login=None)
        lead = self._leads()
        self.assertRecordValues(
            lead, [{"contact_name": "Tour Visitor", "email_from": "tour@example.com"}]
        )
        self.assertEqual(lead.lead_line_ids.product_id, self.product_heat_pump)
