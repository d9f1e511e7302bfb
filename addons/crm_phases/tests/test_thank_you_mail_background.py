from odoo.tests import tagged, users

from .queue_job_helpers import trap_jobs
from .test_thank_you_mail import ThankYouMailCase


@tagged("post_install", "-at_install")
class TestThankYouMailBackground(ThankYouMailCase):
    """More recipients than the setting: the thank-you mail is sent by a queue
    job that notifies the sender; fewer are mailed at once."""

    def setUp(self):
        super().setUp()
        self.notifications = []
        self.patch(
            self.env.registry["res.users"],
            "_bus_send",
            lambda user, kind, payload: self.notifications.append(
                (user, kind, payload)
            ),
        )

    def _wizard(self, threshold):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_phases.thank_you_background_recipients", threshold
        )
        return (
            self.env["crm.campaign.thank.you.wizard"]
            .with_context(default_campaign_id=self.campaign.id)
            .create({})
        )

    def _mails(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", self.mailed.ids)])
        )

    @users("fair_salesman")
    def test_few_recipients_at_once(self):
        wizard = self._wizard(3)
        self.assertEqual(wizard.recipient_count, 3)
        with trap_jobs() as trap:
            action = wizard.action_send()
            trap.assert_jobs_count(0)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self._mails()), 3)

    @users("fair_salesman")
    def test_many_recipients_in_background(self):
        campaign = self.campaign.with_env(self.env)
        wizard = self._wizard(2)
        template = wizard.template_id
        with trap_jobs() as trap:
            action = wizard.action_send()
            self.assertEqual(action["params"]["type"], "info")
            self.assertIn("in the background", action["params"]["message"])
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                campaign._send_thank_you_mail_job,
                args=(template,),
                kwargs={"resend": False},
            )
            # sending twice before the job ran queues it once
            self._wizard(2).action_send()
            trap.assert_jobs_count(1)
            self.assertFalse(self._mails())
            self.assertFalse(self.notifications)

            trap.perform_enqueued_jobs()
        self.assertEqual(len(self._mails()), 3)
        self.assertEqual(
            set(self.activities.with_env(self.env).mapped("state")),
            {"thanked", "registered"},
        )
        self.assertEqual(len(self.notifications), 1)
        user, kind, payload = self.notifications[0]
        self.assertEqual((user, kind), (self.user_fair_salesman, "simple_notification"))
        self.assertIn("3 mails queued", payload["message"])
        # a retry of the job mails nobody twice (the visitors are thanked)
        result = campaign._send_thank_you_mail_job(template)
        self.assertIn("0 mails queued", result)
        self.assertEqual(len(self._mails()), 3)
