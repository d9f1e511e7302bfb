import base64

from odoo.tests import tagged, users

from .common import CrmPhasesCampaignCase
from .queue_job_helpers import trap_jobs
from .test_visitor_import import make_csv, read_csv

ROWS = [
    ["Vorname", "Nachname", "E-Mail"],
    ["Anna", "Adler", "anna@adler.example"],
    ["Bernd", "Berg", "bernd@berg.example"],
    ["Carla", "Christ", "keine-adresse"],
    ["Anna", "Adler", "ANNA@adler.example"],
    ["Dora", "Dorn", "dora@dorn.example"],
    ["Emil", "Egli", "emil@egli.example"],
    ["Fritz", "Falk", "fritz@falk.example"],
]


@tagged("post_install", "-at_install")
class TestVisitorImportBackground(CrmPhasesCampaignCase):
    """Lists longer than the setting are imported by queue jobs of a few rows each,
    with progress on the import run and the result sent to the user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "crm_phases.visitor_import_background_rows", 5
        )
        cls.Run = cls.env["crm.campaign.import.run"]

    def setUp(self):
        super().setUp()
        # three jobs of three rows for the seven rows of ROWS
        self.patch(self.env.registry["crm.campaign.import.run"], "_job_rows", 3)
        self.notifications = []
        self.patch(
            self.env.registry["res.users"],
            "_bus_send",
            lambda user, kind, payload: self.notifications.append(
                (user, kind, payload)
            ),
        )

    def _wizard(self, rows):
        wizard = self.env["crm.campaign.import.wizard"].create(
            [
                {
                    "campaign_id": self.campaign.id,
                    "file": base64.b64encode(make_csv(rows)),
                    "filename": "besucher.csv",
                }
            ]
        )
        wizard.action_load()
        return wizard

    def _activities(self):
        return self.env["crm.campaign.activity"].search(
            [("campaign_id", "=", self.campaign.id)]
        )

    @users("fair_salesman")
    def test_short_list_at_once(self):
        wizard = self._wizard(ROWS[:6])
        with trap_jobs() as trap:
            wizard.action_import()
            trap.assert_jobs_count(0)
        self.assertRecordValues(
            wizard,
            [
                {
                    "state": "done",
                    "run_id": False,
                    "created_count": 3,
                    "rejected_count": 1,
                }
            ],
        )
        self.assertEqual(len(self._activities()), 3)

    @users("fair_salesman")
    def test_long_list_in_background(self):
        wizard = self._wizard(ROWS)
        with trap_jobs() as trap:
            wizard.action_import()
            run = wizard.run_id
            self.assertEqual(wizard.state, "background")
            self.assertRecordValues(
                run,
                [
                    {
                        "campaign_id": self.campaign.id,
                        "state": "queued",
                        "row_count": 7,
                        "rows_done": 0,
                        "targets": ["firstname", "lastname", "email"],
                    }
                ],
            )
            trap.assert_jobs_count(1, only=run._import_rows)
            trap.assert_enqueued_job(run._import_rows, args=(0,))
            # nothing imported in the request
            self.assertFalse(self._activities())

            trap.perform_enqueued_jobs()
            self.assertRecordValues(
                run, [{"state": "running", "rows_done": 3, "created_count": 2}]
            )
            self.assertAlmostEqual(run.progress, 300 / 7)
            self.assertEqual(
                run.error_rows, {"2": "Invalid e-mail address: keine-adresse"}
            )
            trap.assert_enqueued_job(run._import_rows, args=(3,))

            trap.perform_enqueued_jobs()
            trap.assert_enqueued_job(run._import_rows, args=(6,))
            self.assertFalse(self.notifications)
            trap.perform_enqueued_jobs()
            trap.assert_jobs_count(0)

        self.assertRecordValues(
            run,
            [
                {
                    "state": "done",
                    "rows_done": 7,
                    "created_count": 5,
                    "updated_count": 0,
                    # the repeated Anna Adler of the second job: registered already
                    "skipped_count": 1,
                    "rejected_count": 1,
                    "error_filename": "besucher_rejected.csv",
                }
            ],
        )
        self.assertEqual(run.progress, 100)
        self.assertEqual(
            sorted(self._activities().partner_id.mapped("email")),
            [
                "anna@adler.example",
                "bernd@berg.example",
                "dora@dorn.example",
                "emil@egli.example",
                "fritz@falk.example",
            ],
        )
        rejected = read_csv(base64.b64decode(run.error_file))
        self.assertEqual(
            rejected,
            [
                ["Vorname", "Nachname", "E-Mail", "Error"],
                [
                    "Carla",
                    "Christ",
                    "keine-adresse",
                    "Invalid e-mail address: keine-adresse",
                ],
            ],
        )
        # the result in the user's inbox, with the rejected rows, and in the browser
        message = run.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("5 created", message.body)
        self.assertEqual(message.partner_ids, self.user_fair_salesman.partner_id)
        self.assertEqual(message.attachment_ids.name, "besucher_rejected.csv")
        self.assertEqual(len(self.notifications), 1)
        user, kind, payload = self.notifications[0]
        self.assertEqual((user, kind), (self.user_fair_salesman, "simple_notification"))
        self.assertIn("1 rejected", payload["message"])

    @users("fair_salesman")
    def test_repeated_job_imports_nothing_twice(self):
        """A job run again (retried after its commit, requeued by hand) finds its
        rows claimed and does nothing."""
        wizard = self._wizard(ROWS)
        with trap_jobs() as trap:
            wizard.action_import()
            trap.perform_enqueued_jobs()
            run = wizard.run_id
            before = len(self._activities())
            self.assertIn("imported before", run._import_rows(0))
            self.assertRecordValues(run, [{"rows_done": 3, "created_count": 2}])
            self.assertEqual(len(self._activities()), before)
            # the next job is queued once
            trap.assert_jobs_count(1, only=run._import_rows)
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        self.assertIn("imported before", run._import_rows(6))
        self.assertRecordValues(run, [{"state": "done", "created_count": 5}])
        self.assertEqual(len(self._activities()), 5)

    @users("fair_salesman")
    def test_runs_are_personal(self):
        wizard = self._wizard(ROWS)
        with trap_jobs():
            wizard.action_import()
        run = wizard.run_id
        self.assertEqual(self.Run.search([]), run)
        self.assertFalse(self.Run.with_user(self.user_fair_colleague).search([]))
        self.assertEqual(self.Run.with_user(self.user_fair_manager).search([]), run)
