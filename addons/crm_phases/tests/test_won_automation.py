import threading
from contextlib import contextmanager
from unittest.mock import patch

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged, users
from odoo.tools import mute_logger

from ..hooks import post_init_hook
from .common import CrmPhasesWonCase


@tagged("post_install", "-at_install")
class TestWonAutomation(CrmPhasesWonCase):
    @contextmanager
    def _capture_won_hook(self):
        """Ids passed to each call of ``crm.lead._on_opportunity_won``."""
        calls = []
        lead_class = self.registry["crm.lead"]
        original = lead_class._on_opportunity_won

        def _on_opportunity_won(leads):
            calls.append(sorted(leads.ids))
            return original(leads)

        with patch.object(lead_class, "_on_opportunity_won", _on_opportunity_won):
            yield calls

    def _assert_handed_over_once(self, lead, clerk=None):
        activities = self._order_activities(lead)
        self.assertRecordValues(
            activities,
            [
                {
                    "user_id": (clerk or self.user_order_clerk).id,
                    "res_id": lead.id,
                    "activity_type_id": self.activity_type_create_order.id,
                }
            ],
        )
        self.assertTrue(lead.won_handled_date)
        return activities

    # ------------------------------------------------------------
    # Every way of winning
    # ------------------------------------------------------------

    @users("salesman")
    def test_won_button(self):
        lead = self._new_opportunities()
        with self._capture_won_hook() as calls:
            lead.action_set_won_rainbowman()
        self.assertEqual(calls, [lead.ids])
        self._assert_handed_over_once(lead)

    @users("salesman")
    def test_won_drag_and_drop(self):
        """Kanban drag and drop writes the won stage."""
        lead = self._new_opportunities()
        self.assertFalse(self._order_activities(lead))
        self.assertFalse(lead.won_handled_date)
        lead.write({"stage_id": self.stage_won.id})
        self._assert_handed_over_once(lead)

    @users("salesman")
    def test_no_hand_over_before_won(self):
        lead = self._new_opportunities()
        lead.write({"stage_id": self.stage_offer.id, "probability": 90})
        lead.action_set_lost()
        lead.action_unarchive()
        self.assertFalse(self._order_activities(lead))
        self.assertFalse(lead.won_handled_date)

    @users("salesman")
    def test_won_import_update(self):
        """Import updating existing opportunities, the stage given by name."""
        leads = self._new_opportunities(2)
        result = self.env["crm.lead"].load(
            [".id", "stage_id"],
            [[str(lead.id), self.stage_won.name] for lead in leads],
        )
        self.assertFalse(result["messages"])
        for lead in leads:
            self._assert_handed_over_once(lead)

    @users("salesman")
    def test_won_import_create(self):
        """Import creating opportunities directly in a won stage (by XML id)."""
        self.env["ir.model.data"].sudo().create(
            [
                {
                    "module": "__import__",
                    "name": "stage_crm_phases_won",
                    "model": "crm.stage",
                    "res_id": self.stage_won.id,
                }
            ]
        )
        result = self.env["crm.lead"].load(
            ["name", "type", "partner_id/.id", "stage_id/id"],
            [
                [
                    "Wärmepumpe Import",
                    "opportunity",
                    str(self.contact.id),
                    "__import__.stage_crm_phases_won",
                ],
                [
                    "Klima Import",
                    "opportunity",
                    str(self.contact.id),
                    "__import__.stage_crm_phases_won",
                ],
            ],
        )
        self.assertFalse(result["messages"])
        leads = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(leads.stage_id, self.stage_won)
        for lead in leads:
            self._assert_handed_over_once(lead, clerk=self.user_order_clerk)

    @users("salesman")
    def test_won_created_in_won_stage(self):
        lead = self._new_opportunities(stage_id=self.stage_won.id)
        self._assert_handed_over_once(lead)

    @users("salesman")
    def test_restore_lead_lost_in_won_stage(self):
        """A lead lost while sitting in a won stage becomes won when restored."""
        lead = self._new_opportunities()
        lead.action_set_lost()
        lead.write({"stage_id": self.stage_won.id})
        self.assertFalse(self._order_activities(lead))
        lead.action_unarchive()
        self._assert_handed_over_once(lead)

    # ------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------

    @users("salesman")
    def test_rewin_after_reopen(self):
        lead = self._new_opportunities()
        with self._capture_won_hook() as calls:
            lead.action_set_won()
            handled = lead.won_handled_date
            lead.write({"stage_id": self.stage_offer.id})
            self.assertFalse(lead.stage_id.is_won)
            lead.action_set_won()
        self.assertEqual(calls, [lead.ids])
        self._assert_handed_over_once(lead)
        self.assertEqual(lead.won_handled_date, handled)

    @users("salesman")
    def test_rewin_after_lost(self):
        """Won, lost, won again: one hand-over. Losing archives the lead and Odoo
        deletes its open activities, the task included; winning again does not
        create a new one."""
        lead = self._new_opportunities()
        with self._capture_won_hook() as calls:
            lead.action_set_won()
            self._assert_handed_over_once(lead)
            lead.action_set_lost()
            self.assertFalse(lead.active)
            lead.action_set_won()
        self.assertTrue(lead.active)
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(calls, [lead.ids])
        self.assertFalse(self._order_activities(lead))

    @users("salesman")
    def test_move_between_won_stages(self):
        lead = self._new_opportunities()
        lead.write({"stage_id": self.stage_won.id})
        with self._capture_won_hook() as calls:
            lead.write({"stage_id": self.stage_installed.id})
            lead.write({"stage_id": self.stage_won.id, "active": True})
        self.assertEqual(calls, [])
        self._assert_handed_over_once(lead)

    @users("salesman")
    def test_mixed_batch(self):
        """One write over leads won before, never won and lost: one call of the hook
        with exactly the newly won leads."""
        already_won, fresh = self._new_opportunities(2)
        already_won.action_set_won()
        lost = self._new_opportunities()
        lost.action_set_lost()
        leads = already_won | fresh | lost
        with self._capture_won_hook() as calls:
            leads.write({"stage_id": self.stage_installed.id})
        self.assertEqual(calls, [fresh.ids])
        self.assertEqual(len(self._order_activities(leads)), 2)

    def _assert_batch_queries(self, expected_by_size):
        """Win batches of the given sizes in one write each, as the salesman, and
        count the queries. Tracking is off: it posts one message per lead."""
        self.env = self.env(user=self.user_salesman, context={"tracking_disable": True})
        # the first round warms the caches (rules, activity type, model, template)
        for size, expected in [(5, None), *expected_by_size.items()]:
            leads = self._new_opportunities(size)
            self.env.invalidate_all()
            leads = leads.browse(leads.ids)
            if expected is None:
                leads.write({"stage_id": self.stage_won.id})
                continue
            with self.assertQueryCount(salesman=expected):
                leads.write({"stage_id": self.stage_won.id})
            self.assertEqual(len(self._order_activities(leads)), size)
            self.assertTrue(all(lead.won_handled_date for lead in leads))

    def test_batch_query_count(self):
        """Opportunities won in one write: no query per lead. 20 and 100 stay under
        the same bound; 200 costs 2 more because the ORM inserts and updates 100
        rows a statement (activities, followers, leads, activities' computed
        fields). The savepoint of the task costs 2 (and flushes before it)."""
        self._assert_batch_queries({20: 34, 100: 34, 200: 36})

    def test_batch_query_count_mail(self):
        """With the e-mail: still no query per lead (mails are rendered and created
        50 a chunk; one more savepoint)."""
        self.company.order_handover_send_mail = True
        self._assert_batch_queries({10: 44, 50: 44})

    # ------------------------------------------------------------
    # Content of the task
    # ------------------------------------------------------------

    @users("salesman")
    def test_note_content(self):
        campaign = self.env["utm.campaign"].sudo().create([{"title": "IAA 2013"}])
        source = self.env["utm.source"].sudo().create([{"name": "Messe"}])
        lead = self._new_opportunities(
            name="PV <script>alert('x')</script> & Speicher",
            expected_revenue=48500,
            date_deadline="2026-03-31",
            campaign_id=campaign.id,
            source_id=source.id,
            description="<p>Dach <b>Süd</b>, 30 kWp</p>",
        )
        note = lead._get_order_handover_note()
        self.assertIsInstance(note, Markup)
        for expected in (
            "PV &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Speicher",
            "<th>Customer</th><td>Sonnenschein AG</td>",
            "<th>Contact Person</th><td>Anna Schmidt</td>",
            "<th>Email</th><td>anna.schmidt@sonnenschein.example</td>",
            "48,500.00",
            "<th>Probability</th>",
            "03/31/2026",
            "<th>Campaign</th><td>IAA 2013</td>",
            "<th>Source</th><td>Messe</td>",
            "<th>Sales Team</th><td>Vertrieb Solar</td>",
            "<p>Dach <b>Süd</b>, 30 kWp</p>",
        ):
            self.assertIn(expected, note)
        self.assertNotIn("<script>", note)
        self.assertNotIn("<th>Reference</th>", note)

        lead.action_set_won()
        activity = self._assert_handed_over_once(lead)
        self.assertIn("&lt;script&gt;", activity.note)
        self.assertIn("<td>Sonnenschein AG</td>", activity.note)

    def test_note_product_lines(self):
        """Product lines (added by the sales-lines work) render escaped."""
        note = self.env["crm.lead"]._render_order_handover_note(
            {
                "rows": [("Customer", "Müller & Söhne")],
                "lines": [
                    {
                        "product": "Modul <430 Wp>",
                        "quantity": "70",
                        "price_unit": "189.00 €",
                        "subtotal": "13,230.00 €",
                    }
                ],
            }
        )
        self.assertIn("<td>Müller &amp; Söhne</td>", note)
        self.assertIn("<td>Modul &lt;430 Wp&gt;</td><td>70</td>", note)

    def test_note_in_clerk_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        self.user_order_clerk.lang = "de_DE"
        lead = self._new_opportunities()
        lead.with_user(self.user_salesman).action_set_won()
        activity = self._assert_handed_over_once(lead)
        self.assertIn("<th>Kunde</th><td>Sonnenschein AG</td>", activity.note)
        self.assertIn("48.500,00", activity.note)
        self.assertEqual(
            self.activity_type_create_order.with_context(lang="de_DE").name,
            "Auftrag anlegen",
        )

    # ------------------------------------------------------------
    # E-mail
    # ------------------------------------------------------------

    def _order_mails(self, leads):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids)])
            .filtered(
                lambda mail: self.user_order_clerk.partner_id in mail.recipient_ids
            )
        )

    def test_mail_disabled(self):
        lead = self._new_opportunities()
        lead.with_user(self.user_salesman).action_set_won()
        self.assertFalse(self._order_mails(lead))

    def test_mail_enabled(self):
        self.company.order_handover_send_mail = True
        lead = self._new_opportunities(name="Hallendach <30 kWp>")
        lead = lead.with_user(self.user_salesman)
        lead.action_set_won()
        lead.write({"stage_id": self.stage_installed.id})
        lead.write({"stage_id": self.stage_offer.id})
        lead.write({"stage_id": self.stage_won.id})
        mail = self._order_mails(lead)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.user_order_clerk.partner_id)
        self.assertEqual(
            mail.subject, "Won: Hallendach <30 kWp> – please create the order"
        )
        self.assertIn("Hallendach &lt;30 kWp&gt;", mail.body_html)
        self.assertIn("<td>Sonnenschein AG</td>", mail.body_html)

    def test_mail_in_clerk_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["crm_phases"], ["de_DE"])
        self.user_order_clerk.lang = "de_DE"
        self.company.order_handover_send_mail = True
        lead = self._new_opportunities(name="Hallendach")
        lead.with_user(self.user_salesman).action_set_won()
        mail = self._order_mails(lead)
        self.assertEqual(mail.subject, "Gewonnen: Hallendach – bitte Auftrag anlegen")
        self.assertIn("<th>Kunde</th>", mail.body_html)
        self.assertIn("wurde gewonnen", mail.body_html)

    def test_mail_custom_template(self):
        template = self.env["mail.template"].create(
            [
                {
                    "name": "Auftrag intern",
                    "model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "subject": "Auftrag: {{ object.name }}",
                    "body_html": "<p>Bitte anlegen.</p>",
                }
            ]
        )
        self.company.write(
            {
                "order_handover_send_mail": True,
                "order_handover_template_id": template.id,
            }
        )
        lead = self._new_opportunities(name="Speicher")
        lead.with_user(self.user_salesman).action_set_won()
        self.assertEqual(self._order_mails(lead).subject, "Auftrag: Speicher")

    # ------------------------------------------------------------
    # Who gets the task
    # ------------------------------------------------------------

    def test_recipient_fallbacks(self):
        """Clerk of the company, else team leader, else salesperson, else the user
        who wins it."""
        self.company.order_clerk_user_id = False
        no_leader_team = self.env["crm.team"].create([{"name": "Vertrieb Klima"}])
        by_leader = self._new_opportunities()
        by_salesperson = self._new_opportunities(team_id=no_leader_team.id)
        by_winner = self._new_opportunities(team_id=no_leader_team.id, user_id=False)
        leads = (by_leader | by_salesperson | by_winner).with_user(
            self.user_sales_manager
        )
        leads.action_set_won()
        self._assert_handed_over_once(by_leader, clerk=self.user_team_leader)
        self._assert_handed_over_once(by_salesperson, clerk=self.user_salesman)
        self._assert_handed_over_once(by_winner, clerk=self.user_sales_manager)

    def test_recipient_per_company(self):
        other_company = self.env["res.company"].create([{"name": "Installateur Süd"}])
        other_clerk = self.env["res.users"].create(
            [
                {
                    "name": "Otto Auftrag",
                    "login": "order_clerk_south",
                    "company_id": other_company.id,
                    "company_ids": [Command.set(other_company.ids)],
                }
            ]
        )
        other_company.order_clerk_user_id = other_clerk
        here, south = self._new_opportunities(2)
        south.write(
            {"company_id": other_company.id, "team_id": False, "user_id": False}
        )
        self.assertEqual(
            (here | south)._get_order_clerks(),
            {here.id: self.user_order_clerk, south.id: other_clerk},
        )


@tagged("post_install", "-at_install")
class TestWonClaimConcurrency(BaseCase):
    """Two transactions winning the same opportunity: only one claims it.

    Runs on real, separately committed cursors (no test transaction), so it cleans
    up after itself.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.lead_id = (
                env["crm.lead"]
                .create([{"name": "Gleichzeitig gewonnen", "type": "opportunity"}])
                .id
            )
        self.addCleanup(self._unlink_lead)

    def _unlink_lead(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["crm.lead"].browse(
                self.lead_id
            ).unlink()

    def _lead(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["crm.lead"].browse(self.lead_id)

    def test_claim_serialised(self):
        """The second claimer waits on the row lock of the first; when the first
        commits, the second cannot claim (Odoo's REPEATABLE READ transaction fails
        to serialise and the request would be retried, then sees the marker)."""
        outcome = {}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # both transactions have read the lead before either claims it
            self.assertFalse(self._lead(cr1).won_handled_date)
            self.assertFalse(self._lead(cr2).won_handled_date)
            self.assertEqual(self._lead(cr1)._claim_won_handling().ids, [self.lead_id])

            def second_claim():
                try:
                    outcome["claimed"] = self._lead(cr2)._claim_won_handling().ids
                except SerializationFailure:
                    outcome["serialization_failure"] = True
                    cr2.rollback()

            with mute_logger("odoo.sql_db"):
                thread = threading.Thread(target=second_claim)
                thread.start()
                thread.join(timeout=1)
                self.assertTrue(thread.is_alive(), "the second claim must wait")
                cr1.commit()
                thread.join(timeout=30)
            self.assertFalse(thread.is_alive())
        self.assertEqual(outcome, {"serialization_failure": True})
        with self.registry.cursor() as cr3:
            lead = self._lead(cr3)
            self.assertTrue(lead.won_handled_date)
            self.assertFalse(lead._claim_won_handling())

    def test_claim_after_commit(self):
        """A transaction starting after the winner committed sees the marker."""
        with self.registry.cursor() as cr1:
            self.assertEqual(self._lead(cr1)._claim_won_handling().ids, [self.lead_id])
        with self.registry.cursor() as cr2:
            self.assertFalse(self._lead(cr2)._claim_won_handling())

    def test_claim_rolled_back(self):
        """A winner whose transaction fails leaves the lead to the next one."""
        with self.registry.cursor() as cr1:
            self.assertTrue(self._lead(cr1)._claim_won_handling())
            cr1.rollback()
        with self.registry.cursor() as cr2:
            self.assertEqual(self._lead(cr2)._claim_won_handling().ids, [self.lead_id])


@tagged("post_install", "-at_install")
class TestWonBeforeInstall(CrmPhasesWonCase):
    """Opportunities won before the addon was installed count as handed over."""

    def _won_without_addon(self, **values):
        """A lead won as plain ``crm`` wins it: no hand-over, no marker."""
        lead_class = self.registry["crm.lead"]
        with patch.object(lead_class, "_handle_newly_won", lambda leads: None):
            lead = self._new_opportunities(**values)
            lead.action_set_won()
        self.assertFalse(lead.won_handled_date)
        return lead

    def test_post_init_hook_backfills(self):
        won = self._won_without_addon()
        won_lost = self._won_without_addon()
        won_lost.action_set_lost()
        still_open = self._new_opportunities()
        handed_over = self._new_opportunities()
        handed_over.action_set_won()
        handed_over_date = handed_over.won_handled_date
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = '2020-05-04 10:00:00' WHERE id = %s",
            [won.id],
        )
        won.invalidate_recordset()

        post_init_hook(self.env)

        self.assertEqual(str(won.won_handled_date), "2020-05-04 10:00:00")
        self.assertFalse(still_open.won_handled_date)
        self.assertFalse(won_lost.won_handled_date, "only active leads were won")
        self.assertEqual(handed_over.won_handled_date, handed_over_date)

    @users("salesman")
    def test_rewon_after_install_not_handed_over(self):
        lead = self._won_without_addon()
        post_init_hook(self.env)
        with self._capture_won_hook() as calls:
            lead.write({"stage_id": self.stage_offer.id})
            lead.action_set_won()
            lead.action_set_lost()
            lead.action_unarchive()
        self.assertTrue(lead.active and lead.stage_id.is_won)
        self.assertEqual(calls, [])
        self.assertFalse(self._order_activities(lead))

    _capture_won_hook = TestWonAutomation._capture_won_hook


@tagged("post_install", "-at_install")
class TestWonHandoverFailure(CrmPhasesWonCase):
    """Winning never fails because of the hand-over; the problem is recorded."""

    def _order_mails(self, leads):
        return self.env["mail.mail"].search(
            [("model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
        )

    def _assert_won_with_problem(self, lead, problem):
        self.assertTrue(lead.stage_id.is_won)
        self.assertTrue(lead.won_handled_date)
        self.assertIn(problem, lead.won_handover_error)
        self.assertIn(problem, lead.message_ids[0].body)
        self.assertIn(
            lead,
            self.env["crm.lead"].search([("won_handover_error", "!=", False)]),
        )

    def test_broken_template(self):
        template = self.env["mail.template"].create(
            [
                {
                    "name": "Auftrag kaputt",
                    "model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "subject": "Auftrag",
                    "body_html": '<p t-out="object.no_such_field"/>',
                }
            ]
        )
        self.company.write(
            {
                "order_handover_send_mail": True,
                "order_handover_template_id": template.id,
            }
        )
        leads = self._new_opportunities(2).with_user(self.user_salesman)
        with mute_logger("odoo.addons.crm_phases.models.crm_lead"):
            leads.action_set_won()
        for lead in leads:
            self._assert_won_with_problem(lead, "e-mail")
            self.assertEqual(len(self._order_activities(lead)), 1, "task kept")
        self.assertFalse(self._order_mails(leads))

        # the manager repairs the template and hands them over again
        template.body_html = "<p>Bitte anlegen.</p>"
        leads.with_user(self.user_sales_manager).action_retry_order_handover()
        self.assertEqual(leads.mapped("won_handover_error"), [False, False])
        self.assertEqual(len(self._order_mails(leads)), 2)
        for lead in leads:
            self.assertEqual(len(self._order_activities(lead)), 1, "no second task")

    def test_clerk_without_email(self):
        self.user_order_clerk.email = False
        self.company.order_handover_send_mail = True
        lead = self._new_opportunities().with_user(self.user_salesman)
        lead.action_set_won()
        self._assert_won_with_problem(lead, "Olga Auftrag has no e-mail address")
        self.assertEqual(len(self._order_activities(lead)), 1)
        self.assertFalse(self._order_mails(lead))

    def test_failing_lead_does_not_stop_the_batch(self):
        """A batch whose task step fails is retried lead by lead."""
        good, bad = self._new_opportunities(2)
        lead_class = self.registry["crm.lead"]
        original = lead_class._create_order_handover_activities

        def _create_order_handover_activities(leads, leads_by_clerk):
            if bad in leads:
                raise ValueError("Notiz nicht erzeugt")
            return original(leads, leads_by_clerk)

        with (
            patch.object(
                lead_class,
                "_create_order_handover_activities",
                _create_order_handover_activities,
            ),
            mute_logger("odoo.addons.crm_phases.models.crm_lead"),
        ):
            (good | bad).with_user(self.user_salesman).action_set_won()
        self.assertEqual(len(self._order_activities(good)), 1)
        self.assertFalse(good.won_handover_error)
        self.assertFalse(self._order_activities(bad))
        self._assert_won_with_problem(bad, "Notiz nicht erzeugt")


@tagged("post_install", "-at_install")
class TestWonByBot(CrmPhasesWonCase):
    """A scheduled job or an import run by OdooBot never makes OdooBot the clerk."""

    def setUp(self):
        super().setUp()
        self.company.order_clerk_user_id = False
        self.bot_env = self.env(user=SUPERUSER_ID)

    def test_team_leader_then_salesperson(self):
        no_leader_team = self.env["crm.team"].create([{"name": "Vertrieb Klima"}])
        by_leader = self._new_opportunities()
        by_salesperson = self._new_opportunities(team_id=no_leader_team.id)
        (by_leader | by_salesperson).with_env(self.bot_env).action_set_won()
        self.assertEqual(
            self._order_activities(by_leader).user_id, self.user_team_leader
        )
        self.assertEqual(
            self._order_activities(by_salesperson).user_id, self.user_salesman
        )

    def test_nobody_recorded(self):
        lead = self._new_opportunities(team_id=False, user_id=False)
        lead.with_env(self.bot_env).write({"stage_id": self.stage_won.id})
        self.assertFalse(self._order_activities(lead))
        self.assertTrue(lead.won_handled_date)
        self.assertIn("set an order clerk", lead.won_handover_error)

    def test_import_by_bot(self):
        lead = self._new_opportunities()
        result = (
            self.env["crm.lead"]
            .with_env(self.bot_env)
            .load([".id", "stage_id"], [[str(lead.id), self.stage_won.name]])
        )
        self.assertFalse(result["messages"])
        self.assertEqual(self._order_activities(lead).user_id, self.user_team_leader)
