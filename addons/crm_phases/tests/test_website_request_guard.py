import json
import logging
import re
import uuid
from contextlib import closing
from datetime import date
from unittest.mock import patch

from lxml import etree
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, sql_db
from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import CrmPhasesProductCase

FORM_URL = "/angebot-anfordern"
PHISHING = "Ihr Konto ist gesperrt: https://phish.example/login"


@tagged("post_install", "-at_install")
class TestWebsiteRequestGuard(HttpCase, CrmPhasesProductCase):
    """The quote form is no mail relay, asks Odoo's captcha hook, and reaches a
    responsible salesperson; website_crm's own form does not let the public choose
    one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.company = cls.website.company_id
        cls.user_leader = new_test_user(
            cls.env,
            login="web_leader",
            name="Lena Leitung",
            groups="sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create(
            [{"name": "Website Team", "user_id": cls.user_leader.id}]
        )
        cls.other_team = cls.env["crm.team"].create([{"name": "Other Team"}])
        cls.company.write(
            {
                "website_lead_user_id": False,
                "website_lead_team_id": False,
                "website_request_min_seconds": 0,
                "website_request_rate_limit": 0,
                "website_request_confirmation_limit": 3,
            }
        )
        cls.website.write(
            {"crm_default_team_id": cls.team.id, "crm_default_user_id": False}
        )
        cls.activity_type = cls.env.ref("crm_phases.mail_activity_type_website_request")
        cls.Lead = cls.env["crm.lead"]

    def _leads(self):
        return self.Lead.search([("web_reference", "!=", False)])

    def _post(self, **data):
        page = self.url_open(FORM_URL)
        payload = {
            name: re.search(rf'name="{name}" value="([^"]+)"', page.text).group(1)
            for name in ("csrf_token", "form_token")
        }
        payload.update(
            {
                "contact_name": "Erika Mustermann",
                "email_from": "erika@example.com",
                "description": "Satteldach",
                "privacy_consent": "1",
                f"product_qty_{self.product_module.id}": "2",
                **data,
            }
        )
        return self.url_open(f"{FORM_URL}/submit", data=payload)

    def _request_values(self, **values):
        return {
            "company_id": self.company.id,
            "website_id": self.website.id,
            "contact_name": "Hans Huber",
            "email_from": "hans@example.com",
            "lines": [(self.product_heat_pump.id, 1)],
            "privacy_consent": True,
            **values,
        }

    def _confirmations(self, leads):
        """The confirmation e-mails of ``leads``, newest first."""
        return self.env["mail.mail"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("email_to", "!=", False),
            ]
        )

    # ------------------------------------------------------------
    # 6. the confirmation repeats no visitor text, at most N per address
    # ------------------------------------------------------------

    def test_confirmation_repeats_only_server_data(self):
        self._post(
            contact_name=PHISHING,
            partner_name=PHISHING,
            city=PHISHING,
            description=PHISHING,
            completion_period="dates",
            date_from="2026-09-01",
            date_to="2026-10-31",
        )
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        mail = self._confirmations(lead)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "erika@example.com")
        body = str(mail.body_html)
        self.assertIn(lead.web_reference, body)
        self.assertIn(self.product_module.display_name, body)
        self.assertIn("09/01/2026", body)
        self.assertIn("10/31/2026", body)
        for text in ("phish.example", "gesperrt", "Erika", "Satteldach"):
            self.assertNotIn(text, body)
            self.assertNotIn(text, mail.subject)

    def _upgrade_confirmation_template(self):
        """What upgrading to 18.0.1.6.0 does: the migration scripts around the
        reload of the (noupdate) template and its German terms."""
        scripts = "crm_phases/migrations/18.0.1.6.0/%s-webguard-website-request.py"
        load_script(scripts % "pre", "crm_phases_pre").migrate(
            self.env.cr, "18.0.1.5.0"
        )
        self.env.invalidate_all()
        self.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        load_script(scripts % "post", "crm_phases_post").migrate(self.env.cr, "")

    def test_german_confirmation_repeats_no_visitor_text(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self._upgrade_confirmation_template()
        lead = self.Lead._create_from_website_request(
            self._request_values(contact_name=PHISHING, lang="de_DE")
        )
        mail = self._confirmations(lead)
        body = str(mail.body_html)
        self.assertIn("Guten Tag,", body)
        self.assertIn(lead.web_reference, body)
        self.assertIn(self.product_heat_pump.display_name, body)
        self.assertNotIn("phish.example", body)
        self.assertIn(lead.web_reference, mail.subject)

    def test_confirmation_product_names_from_catalogue(self):
        lead = self.Lead._create_from_website_request(self._request_values())
        lead.lead_line_ids.name = PHISHING
        lead._website_request_send_confirmation()
        body = str(self._confirmations(lead)[:1].body_html)
        self.assertIn(self.product_heat_pump.display_name, body)
        self.assertNotIn("phish.example", body)

    def test_confirmation_to_display_name_address_goes_to_address_only(self):
        lead = self.Lead._create_from_website_request(
            self._request_values(email_from=f'"{PHISHING}" <hans@example.com>')
        )
        mail = self._confirmations(lead)
        self.assertEqual(mail.email_to, "hans@example.com")

    def test_confirmation_limit_per_address(self):
        self.company.website_request_confirmation_limit = 2
        addresses = ("hans@example.com", "Hans@Example.com", "hans@example.com")
        # numeric: Odoo renames level 25 "INFO"
        with self.assertLogs(
            "odoo.addons.crm_phases.models.crm_lead", logging.INFO
        ) as logs:
            leads = self.Lead.concat(
                *(
                    self.Lead._create_from_website_request(
                        self._request_values(email_from=address)
                    )
                    for address in addresses
                )
            )
        self.assertEqual(len(leads), 3, "every request is stored")
        self.assertEqual(
            self._confirmations(leads).mapped("res_id"), leads[:2].ids[::-1]
        )
        self.assertIn("confirmation limit", "\n".join(logs.output))
        self.assertIn(
            "No confirmation e-mail sent",
            str(leads[2].message_ids.mapped("body")),
        )
        other = self.Lead._create_from_website_request(
            self._request_values(email_from="other@example.com")
        )
        self.assertEqual(len(self._confirmations(other)), 1)

    def test_confirmation_limit_window_and_off(self):
        self.company.website_request_confirmation_limit = 1
        with freeze_time("2026-06-01 10:00:00"):
            first = self.Lead._create_from_website_request(self._request_values())
        with freeze_time("2026-06-02 09:00:00"):
            second = self.Lead._create_from_website_request(self._request_values())
        with freeze_time("2026-06-02 11:00:00"):
            third = self.Lead._create_from_website_request(self._request_values())
        self.assertEqual(
            [len(self._confirmations(lead)) for lead in first | second | third],
            [1, 0, 1],
        )
        self.company.website_request_confirmation_limit = 0
        leads = self.Lead.concat(
            *(
                self.Lead._create_from_website_request(self._request_values())
                for __ in range(3)
            )
        )
        self.assertEqual(len(self._confirmations(leads)), 3)

    # ------------------------------------------------------------
    # 7. captcha hook and rate limit
    # ------------------------------------------------------------

    def test_captcha_hook_refuses_post(self):
        IrHttp = self.registry["ir.http"]
        with patch.object(
            IrHttp, "_verify_request_recaptcha_token", return_value=False
        ) as verify:
            response = self._post()
        verify.assert_called_once_with("crm_phases_website_request")
        self.assertFalse(self._leads())
        self.assertIn("Suspicious activity detected", response.text)
        self.assertIn("Erika Mustermann", response.text)
        with patch.object(
            IrHttp,
            "_verify_request_recaptcha_token",
            side_effect=UserError("The reCaptcha token is invalid."),
        ):
            response = self._post()
        self.assertFalse(self._leads())
        self.assertIn("The reCaptcha token is invalid.", response.text)

    def test_captcha_hook_passes_without_keys(self):
        # website installs google_recaptcha; without keys the hook lets it pass
        self.env["ir.config_parameter"].set_param("recaptcha_private_key", False)
        self._post()
        self.assertEqual(len(self._leads()), 1)

    def test_form_loads_captcha_widget(self):
        page = self.url_open(FORM_URL)
        self.assertIn('class="o_website_request_form"', page.text)
        bundle = self.env["ir.qweb"]._get_asset_bundle("web.assets_frontend")
        self.assertIn(
            "/crm_phases/static/src/js/website_request_form.js",
            [asset.url for asset in bundle.javascripts],
        )

    def test_rate_limit_counts_accepted_requests_only(self):
        self.company.website_request_rate_limit = 2
        self._post(email_from="")  # refused: uses up nothing
        self._post()
        self._post()
        response = self._post()
        self.assertEqual(len(self._leads()), 2)
        self.assertIn("Too many requests", response.text)
        counters = self.env["crm.website.request.log"].search([("kind", "=", "ip")])
        self.assertEqual(counters.mapped("count"), [2])
        self.assertNotIn("127.0.0.1", counters.key_hash)

    # ------------------------------------------------------------
    # 9. someone is responsible and has a task
    # ------------------------------------------------------------

    def test_website_team_and_leader_by_default(self):
        self._post()
        lead = self._leads()
        self.assertRecordValues(
            lead, [{"team_id": self.team.id, "user_id": self.user_leader.id}]
        )
        self.assertRecordValues(
            lead.activity_ids,
            [
                {
                    "activity_type_id": self.activity_type.id,
                    "user_id": self.user_leader.id,
                }
            ],
        )
        my_pipeline = self.Lead.with_user(self.user_leader).search(
            [("user_id", "=", self.user_leader.id), ("type", "=", "opportunity")]
        )
        self.assertIn(lead, my_pipeline)

    def test_website_salesperson_then_settings_win(self):
        self.website.crm_default_user_id = self.user_salesman
        lead = self.Lead._create_from_website_request(self._request_values())
        self.assertRecordValues(
            lead, [{"team_id": self.team.id, "user_id": self.user_salesman.id}]
        )
        self.assertEqual(lead.activity_ids.user_id, self.user_salesman)
        self.company.write(
            {
                "website_lead_user_id": self.user_sales_manager.id,
                "website_lead_team_id": self.other_team.id,
            }
        )
        lead = self.Lead._create_from_website_request(self._request_values())
        self.assertRecordValues(
            lead,
            [{"team_id": self.other_team.id, "user_id": self.user_sales_manager.id}],
        )
        self.assertEqual(lead.activity_ids.user_id, self.user_sales_manager)

    def test_nobody_responsible_no_task(self):
        self.website.crm_default_team_id = False
        lead = self.Lead._create_from_website_request(self._request_values())
        self.assertFalse(lead.user_id)
        self.assertFalse(lead.activity_ids)

    def test_task_due_next_working_day(self):
        calendar = self.env["resource.calendar"].create(
            [{"name": "Mo-Fr", "tz": "Europe/Berlin"}]
        )
        self.company.resource_calendar_id = calendar
        for now, due in (
            ("2026-06-05 09:00:00", date(2026, 6, 8)),  # Friday -> Monday
            ("2026-06-06 09:00:00", date(2026, 6, 8)),  # Saturday -> Monday
            ("2026-06-08 09:00:00", date(2026, 6, 9)),  # Monday -> Tuesday
        ):
            with freeze_time(now):
                lead = self.Lead._create_from_website_request(self._request_values())
            self.assertEqual(lead.activity_ids.date_deadline, due, now)

    # ------------------------------------------------------------
    # 8. website_crm's form: the public does not choose who is responsible
    # ------------------------------------------------------------

    def _post_website_form(self, **data):
        payload = {
            "contact_name": "Karl Kontakt",
            "email_from": "karl@example.com",
            "name": "Frage",
            "description": "Bitte um Rückruf",
            **data,
        }
        response = self.url_open("/website/form/crm.lead", data=payload)
        self.assertEqual(response.status_code, 200)
        return self.Lead.browse(json.loads(response.text)["id"])

    def test_website_form_ignores_posted_assignment(self):
        self.website.crm_default_user_id = self.user_salesman
        lead = self._post_website_form(
            user_id=str(self.env.ref("base.user_admin").id),
            team_id=str(self.other_team.id),
        )
        self.assertRecordValues(
            lead, [{"team_id": self.team.id, "user_id": self.user_salesman.id}]
        )

    def test_website_form_keeps_built_assignment(self):
        built = {
            "team_id": str(self.other_team.id),
            "user_id": str(self.user_salesman.id),
        }
        signature = self.Lead._website_form_assignment_signature(built)
        lead = self._post_website_form(
            crm_phases_assignment_signature=signature, **built
        )
        self.assertRecordValues(
            lead, [{"team_id": self.other_team.id, "user_id": self.user_salesman.id}]
        )
        self.assertNotIn("crm_phases_assignment_signature", str(lead.description))
        forged = self._post_website_form(
            crm_phases_assignment_signature=signature,
            team_id=built["team_id"],
            user_id=str(self.env.ref("base.user_admin").id),
        )
        # website_crm's defaults: the website's team and salesperson (none here)
        self.assertRecordValues(forged, [{"team_id": self.team.id, "user_id": False}])

    def test_form_builder_assignment_is_signed(self):
        view = self.env["ir.ui.view"].create(
            [
                {
                    "name": "Contact form",
                    "type": "qweb",
                    "key": "crm_phases.test_contact_form",
                    "arch": f"""
                    <t t-name="crm_phases.test_contact_form">
                        <form action="/website/form/" data-model_name="crm.lead">
                            <input type="text" name="contact_name"/>
                            <div class="s_website_form_dnone">
                                <input type="hidden" name="team_id"
                                       value="{self.other_team.id}"/>
                            </div>
                            <input type="hidden" name="crm_phases_assignment_signature"
                                   value="stale"/>
                        </form>
                        <form action="/website/form/" data-model_name="mail.mail">
                            <input type="hidden" name="team_id" value="1"/>
                        </form>
                    </t>""",
                }
            ]
        )
        arch = view._get_combined_arch()
        signatures = arch.xpath('//input[@name="crm_phases_assignment_signature"]')
        self.assertEqual(len(signatures), 1, etree.tostring(arch))
        self.assertEqual(
            signatures[0].get("value"),
            self.Lead._website_form_assignment_signature(
                {"team_id": str(self.other_team.id)}
            ),
        )
        self.assertEqual(signatures[0].getparent().tag, "div")


@tagged("post_install", "-at_install")
class TestWebsiteRequestCounterLock(TransactionCase):
    """Parallel posts from one address: the counter serialises them (committed
    transactions on their own connections, cleaned up afterwards)."""

    def setUp(self):
        super().setUp()
        self.key = f"test-{uuid.uuid4()}"
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            log = api.Environment(cr, SUPERUSER_ID, {})["crm.website.request.log"]
            cr.execute(
                SQL(
                    "DELETE FROM crm_website_request_log WHERE key_hash = %s",
                    log._hash_key("ip", self.key),
                )
            )
            # the counter committed by the test's own connection is removed again
            cr.commit()  # pylint: disable=invalid-commit

    def _cursor(self):
        return closing(sql_db.db_connect(self.env.cr.dbname).cursor())

    def _log(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["crm.website.request.log"]

    def test_parallel_claim_waits_then_fails_to_serialise(self):
        with self._cursor() as cr1, self._cursor() as cr2:
            cr2.execute(SQL("SELECT 1"))  # the second request's snapshot is taken
            self.assertTrue(self._log(cr1)._claim("ip", self.key, 1))
            # while the first request runs, the second one waits for its row
            cr2.execute(SQL("SAVEPOINT waiting"))
            cr2.execute(SQL("SET LOCAL lock_timeout = '300ms'"))
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                self._log(cr2)._claim("ip", self.key, 1)
            cr2.execute(SQL("ROLLBACK TO SAVEPOINT waiting"))
            cr1.commit()
            # once it committed, the second one cannot count on its old snapshot
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                self._log(cr2)._claim("ip", self.key, 1)
            # Odoo retries the request in a new transaction: the limit is reached
            cr2.rollback()
            self.assertFalse(self._log(cr2)._claim("ip", self.key, 1))

    def test_claims_count_within_window(self):
        log = self.env["crm.website.request.log"]
        with freeze_time("2026-06-01 10:00:00"):
            self.assertEqual(
                [log._claim("ip", self.key, 2) for __ in range(3)], [True, True, False]
            )
        with freeze_time("2026-06-01 10:11:00"):
            self.assertTrue(log._claim("ip", self.key, 2))
        self.assertTrue(all(log._claim("ip", self.key, 0) for __ in range(5)))
