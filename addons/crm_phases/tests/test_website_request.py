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

    def _post(self, allow_redirects=True, **data):
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
            "privacy_consent": "1",
            **self._form_tokens(),
        }
        payload.update(data)
        return self.url_open(
            f"{FORM_URL}/submit", data=payload, allow_redirects=allow_redirects
        )

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
        # far above the time between loading and posting, on a busy test machine too
        self.company.website_request_min_seconds = 600
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
            "privacy_consent": True,
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
            lead,
            [
                {
                    "contact_name": "Tour Visitor",
                    "email_from": "tour@example.com",
                    "form_of_address": "ms",
                    "academic_title": "Dr.",
                }
            ],
        )
        self.assertTrue(lead.privacy_consent_date)
        self.assertEqual(lead.lead_line_ids.product_id, self.product_heat_pump)
        self.assertEqual(
            lead.business_field_ids, self.field_solar | self.field_geothermal
        )

    # ------------------------------------------------------------
    # what the form offers
    # ------------------------------------------------------------

    def _new_product(self, name, **values):
        return self.env["product.product"].create([{"name": name, **values}])

    def test_offered_flag_defaults_from_business_field(self):
        categ_plain = self.env["product.category"].create([{"name": "Expenses"}])
        expense = self._new_product("Restaurantausgaben", categ_id=categ_plain.id)
        self.assertTrue(self.product_module.quote_form_published)
        self.assertFalse(expense.quote_form_published)
        # a manual choice is kept
        self.product_heat_pump.quote_form_published = False
        self.assertFalse(self.product_heat_pump.quote_form_published)
        # the category joins a business field: its products are offered
        categ_plain.business_field_id = self.field_geothermal
        self.assertTrue(expense.quote_form_published)
        self.assertIn(
            expense.product_tmpl_id,
            self.env["product.template"].search([("quote_form_published", "=", True)]),
        )

    def test_product_not_offered_is_neither_shown_nor_accepted(self):
        furniture = self._new_product("Möbelaufbau", list_price=80.0)
        hidden = self._new_product(
            "Test Hidden Module",
            categ_id=self.categ_solar.id,
            quote_form_published=False,
        )
        page = self.url_open(FORM_URL)
        self.assertIn("Test PV Module", page.text)
        for product in furniture | hidden:
            self.assertNotIn(product.name, page.text)
            response = self._post(**{f"product_qty_{product.id}": "1"})
            self.assertIn("A chosen product is not available", response.text)
        self.assertFalse(self._leads())

    def test_form_groups_products_under_business_fields(self):
        self.field_solar.description = "Strom vom eigenen Dach"
        other = self._new_product(
            "Test Service Visit", quote_form_published=True, list_price=90.0
        )
        catalogue = self.env["crm.lead"]._website_request_catalogue(self.company)
        groups = dict(catalogue)
        self.assertEqual(
            [field for field, __ in catalogue][:2],
            [self.field_solar, self.field_geothermal],
        )
        self.assertIn(self.product_module, groups[self.field_solar])
        self.assertNotIn(self.product_heat_pump, groups[self.field_solar])
        self.assertIn(self.product_heat_pump, groups[self.field_geothermal])
        self.assertEqual(catalogue[-1], (self.env["crm.business.field"], other))
        self.assertNotIn(self.product_internal, sum(groups.values(), other))

        page = self.url_open(FORM_URL).text
        solar = page.index(f'data-business-field="{self.field_solar.code}"')
        geo = page.index(f'data-business-field="{self.field_geothermal.code}"')
        self.assertLess(solar, page.index("Strom vom eigenen Dach"))
        self.assertLess(
            page.index("Strom vom eigenen Dach"), page.index("Test PV Module")
        )
        self.assertLess(page.index("Test PV Module"), geo)
        self.assertLess(geo, page.index("Test Heat Pump"))
        self.assertLess(page.index("Test Heat Pump"), page.index("Test Service Visit"))

    def test_business_fields_in_the_website_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.website.language_ids |= self.env.ref("base.lang_de")
        self.field_solar.description = "Power from your own roof"
        self.field_solar.with_context(lang="de_DE").write(
            {"name": "Solarenergie", "description": "Strom vom eigenen Dach"}
        )
        page = self.url_open(f"/de{FORM_URL}").text
        self.assertIn("Solarenergie", page)
        self.assertIn("Strom vom eigenen Dach", page)
        page = self.url_open(f"/en{FORM_URL}").text
        self.assertIn("Power from your own roof", page)

    def test_business_field_only_request(self):
        response = self._post(
            description="",
            **{
                f"product_qty_{self.product_module.id}": "",
                f"business_field_{self.field_geothermal.id}": "1",
            },
        )
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertFalse(lead.lead_line_ids)
        self.assertEqual(lead.business_field_ids, self.field_geothermal)
        self.assertIn(lead.web_reference, response.text)

    def test_business_field_with_products_adds_both(self):
        self._post(**{f"business_field_{self.field_geothermal.id}": "1"})
        self.assertEqual(
            self._leads().business_field_ids, self.field_solar | self.field_geothermal
        )

    def test_business_field_not_offered_rejected(self):
        archived = self.env["crm.business.field"].create(
            [{"name": "Windkraft", "active": False}]
        )
        for key in (archived.id, 999999999, "x"):
            response = self._post(**{f"business_field_{key}": "1"})
            self.assertIn("A chosen business field is not available", response.text)
        self.assertFalse(self._leads())

    def test_nothing_chosen_rejected(self):
        response = self._post(
            description="", **{f"product_qty_{self.product_module.id}": ""}
        )
        self.assertIn("at least one product or business field", response.text)
        self.assertFalse(self._leads())

    # ------------------------------------------------------------
    # form of address, title, privacy consent
    # ------------------------------------------------------------

    def test_form_of_address_and_title_reach_the_contact(self):
        page = self.url_open(FORM_URL).text
        self.assertIn('name="form_of_address"', page)
        self.assertIn('name="academic_title"', page)
        self._post(form_of_address="ms", academic_title="Prof. Dr.", partner_name="")
        lead = self._leads()
        self.assertRecordValues(
            lead, [{"form_of_address": "ms", "academic_title": "Prof. Dr."}]
        )
        lead.action_create_customer()
        self.assertRecordValues(
            lead.partner_id,
            [
                {
                    "name": "Erika Mustermann",
                    "form_of_address": "ms",
                    "academic_title": "Prof. Dr.",
                }
            ],
        )

    def test_contact_of_company_gets_form_of_address(self):
        self._post(form_of_address="mr", academic_title="Dr.")
        lead = self._leads()
        lead.action_create_customer()
        self.assertTrue(lead.partner_id.parent_id.is_company)
        self.assertFalse(lead.partner_id.parent_id.form_of_address)
        self.assertRecordValues(
            lead.partner_id, [{"form_of_address": "mr", "academic_title": "Dr."}]
        )

    def test_unknown_form_of_address_rejected(self):
        response = self._post(form_of_address="king")
        self.assertIn("choose a form of address", response.text)
        response = self._post(form_of_address="", academic_title="x" * 41)
        self.assertIn("at most 40 characters", response.text)
        self.assertFalse(self._leads())

    def test_privacy_consent_required(self):
        response = self._post(privacy_consent="")
        self.assertFalse(self._leads())
        self.assertIn("o_website_request_error", response.text)
        self.assertIn("privacy policy", response.text)
        self.assertIn('value="Erika Mustermann"', response.text)
        self.assertIn("Satteldach", response.text)

    def test_privacy_consent_stored_with_date(self):
        before = self.env.cr.now().replace(microsecond=0)
        self._post()
        consent = self._leads().privacy_consent_date
        self.assertTrue(consent and consent >= before)

    def test_privacy_link(self):
        self.assertFalse(self.website._get_quote_privacy_url())
        self.assertNotIn('href="/privacy"', self.url_open(FORM_URL).text)
        self.env["website.page"].create(
            [
                {
                    "name": "Datenschutz",
                    "url": "/privacy",
                    "type": "qweb",
                    "arch": "<t t-call='website.layout'><div>Datenschutz</div></t>",
                    "website_id": self.website.id,
                    "is_published": True,
                }
            ]
        )
        self.assertIn('href="/privacy"', self.url_open(FORM_URL).text)
        self.env["res.config.settings"].create(
            [{"website_id": self.website.id, "quote_privacy_url": "/datenschutz"}]
        ).execute()
        self.assertEqual(self.website.quote_privacy_url, "/datenschutz")
        self.assertIn('href="/datenschutz"', self.url_open(FORM_URL).text)

    # ------------------------------------------------------------
    # logged-in visitors, thank-you page
    # ------------------------------------------------------------

    def test_portal_request_keeps_the_contact_data(self):
        portal = new_test_user(
            self.env,
            login="portal_anna",
            groups="base.group_portal",
            name="Anna Portal",
            email="anna@example.com",
        )
        portal.partner_id.write(
            {"phone": "+49 30 111", "form_of_address": "ms", "academic_title": "Dr."}
        )
        self.authenticate("portal_anna", "portal_anna")
        page = self.url_open(FORM_URL).text
        self.assertIn('value="Dr."', page)
        self.assertRegex(page, r'<option value="ms" selected')
        self._post(
            contact_name="Anna Portal",
            email_from="someone.else@example.com",
            phone="+49 89 999",
            form_of_address="mr",
            academic_title="",
        )
        lead = self._leads()
        self.assertRecordValues(
            lead,
            [
                {
                    "partner_id": portal.partner_id.id,
                    "email_from": "someone.else@example.com",
                    "phone": "+49 89 999",
                }
            ],
        )
        self.assertRecordValues(
            portal.partner_id,
            [
                {
                    "email": "anna@example.com",
                    "phone": "+49 30 111",
                    "form_of_address": "ms",
                    "academic_title": "Dr.",
                }
            ],
        )
        # the salesperson may still take the new data over, as in crm
        lead.email_from = "anna.new@example.com"
        self.assertEqual(portal.partner_id.email, "anna.new@example.com")

    def test_thank_you_page_shows_the_request_once(self):
        response = self._post(
            completion_period="dates",
            date_from="2027-03-01",
            date_to="2027-05-31",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        lead = self._leads()
        # the opportunity changes before the page is shown: it shows what was sent
        lead.contact_name = "Someone Else"
        page = self.url_open(f"{FORM_URL}/danke").text
        for text in (
            lead.web_reference,
            "Erika Mustermann",
            "20 × Test PV Module",
            "erika@example.com",
            "03/01/2027 to 05/31/2027",
        ):
            self.assertIn(text, page)
        self.assertNotIn("Someone Else", page)
        again = self.url_open(f"{FORM_URL}/danke")
        self.assertEqual(again.status_code, 200)
        self.assertIn("Your request has been sent", again.text)
        self.assertNotIn(lead.web_reference, again.text)

    def test_period_text(self):
        lead = self.env["crm.lead"].create(
            [
                {
                    "name": "Period",
                    "revenue_date_from": "2027-03-01",
                    "revenue_date_to": "2027-05-31",
                }
            ]
        )
        self.assertEqual(
            lead.with_context(lang="en_US")._get_website_request_period_text(),
            "03/01/2027 to 05/31/2027",
        )
        lead.revenue_date_to = False
        self.assertEqual(
            lead.with_context(lang="en_US")._get_website_request_period_text(),
            "from 03/01/2027",
        )
        lead.revenue_date_from = False
        self.assertEqual(lead._get_website_request_period_text(), "")
