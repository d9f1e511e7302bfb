from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from odoo.addons.crm_phases.tests.queue_job_helpers import trap_jobs

from .erp_outbox_common import (
    ErpOutboxCase,
    error_500_server,
    silent_server,
    unused_port,
)


@tagged("post_install", "-at_install")
class TestErpOutbox(ErpOutboxCase):
    """Confirmed orders reach the receiving Odoo (a second database of this server)
    once, through the outbox and its job; faults queue them, nothing is lost."""

    def _activities(self, order):
        return order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("erp_transfer.mail_activity_type_erp_failure")
            )
        )

    # Confirmation: outbox and job only, in the user's transaction

    def test_confirm_queues_outbox_and_job_only(self):
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            self.assertEqual(len(self._outbox_jobs(trap)), 1)
            self.assertEqual(self._outbox_jobs(trap)[0].channel, "root.erp_transfer")
            self.assertEqual(self._outbox_jobs(trap)[0].uuid, outbox.job_uuid)
        self.assertRecordValues(
            outbox,
            [{"state": "pending", "attempts": 0, "backend_id": self.backend.id}],
        )
        self.assertTrue(outbox.idempotency_key.startswith(f"{order.name}-"))
        self.assertEqual(len(outbox.idempotency_key), len(order.name) + 33)
        self.assertFalse(order.erp_external_ref)
        self.assertEqual(order.erp_outbox_state, "pending")

    def test_reconfirm_and_inactive_backends(self):
        self.env["erp.backend"].create(
            [
                {"name": "Archived", "adapter": "odoo", "active": False},
                {"name": "Manual only", "adapter": "odoo", "send_on_confirm": False},
            ]
        )
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            order._action_cancel()
            order.action_draft()
            order.action_confirm()
            self.assertEqual(len(self._outbox_jobs(trap)), 1)
        self.assertEqual(order.erp_outbox_ids, outbox, "one record per order and ERP")

    def test_batch_queries_per_order(self):
        """Confirming a batch: a constant number of queries plus the job of each
        order (queue_job stores a row per job)."""

        def count(size):
            orders = self.env["sale.order"].concat(
                *(self._new_order() for _i in range(size))
            )
            self.env.flush_all()
            before = self.cr.sql_log_count
            self.Outbox._enqueue_orders(orders)
            self.env.flush_all()
            self.assertEqual(len(orders.erp_outbox_ids), size)
            return self.cr.sql_log_count - before

        count(2)  # caches
        per_order = (count(20) - count(10)) / 10
        self.assertLessEqual(per_order, 4)

    # The Odoo adapter against the second database

    def test_order_arrives_once_with_partner_and_lines(self):
        self._erp_create_product()
        vat = f"DE{self.run_id}"
        [erp_partner] = self._erp(
            "res.partner",
            "create",
            [{"name": "Sonnenschein AG (ERP)", "is_company": True, "vat": vat}],
        )
        self.customer.vat = vat
        self.backend.odoo_confirm_order = True
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap)
            self.assertEqual(len(self._outbox_jobs(trap)), 0)
            self.assertEqual(self._outbox_job_calls(trap), 1)
        [received] = self._erp_orders(outbox.idempotency_key)
        self.assertEqual(received["partner_id"][0], erp_partner, "matched by VAT id")
        self.assertEqual(received["client_order_ref"], order.ab_number)
        self.assertEqual(received["state"], "sale")
        self.assertEqual(len(received["order_line"]), 1)
        self.assertRecordValues(
            outbox,
            [{"state": "sent", "attempts": 1, "external_ref": received["name"]}],
        )
        self.assertEqual(order.erp_external_ref, received["name"])
        self.assertEqual(order.erp_outbox_state, "sent")

    def test_answer_lost_second_send_dedupes(self):
        """200 twice for one order: the job runs again (its first answer lost), the
        receiver has the order once, found by the idempotency key."""
        self._erp_create_product()
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap)
        first = outbox.external_ref
        self.assertTrue(first)
        outbox.sudo().write({"state": "pending", "external_ref": False})
        outbox._send_job()
        adapter = self.backend._get_adapter()
        self.assertEqual(adapter._erp_send_order(self.backend, outbox), first)
        self.assertEqual(outbox.external_ref, first)
        self.assertEqual(len(self._erp_orders(outbox.idempotency_key)), 1)

    def test_partner_matched_by_email_else_created(self):
        self._erp_create_product()
        email = f"info-{self.run_id}@sonnenschein.example"
        [erp_partner] = self._erp(
            "res.partner", "create", [{"name": "Sonnenschein", "email": email}]
        )
        self.customer.email = email
        adapter = self.backend._get_adapter()
        uid = adapter._odoo_login(self.backend)
        self.assertEqual(
            adapter._erp_find_or_create_partner(self.backend, uid, self.contact),
            erp_partner,
            "the contact's company, matched by e-mail",
        )
        newcomer = self.env["res.partner"].create(
            {"name": f"Neukunde {self.run_id}", "ref": f"K-{self.run_id}"}
        )
        created = adapter._erp_find_or_create_partner(self.backend, uid, newcomer)
        [read] = self._erp("res.partner", "read", [created], ["name", "ref"])
        self.assertEqual(read["ref"], f"K-{self.run_id}")
        self.assertEqual(
            adapter._erp_find_or_create_partner(self.backend, uid, newcomer),
            created,
            "found by reference the next time",
        )

    def test_unknown_product_fails_at_once(self):
        self.product_module.write(
            {"default_code": f"NONE-{self.run_id}", "name": f"Nowhere {self.run_id}"}
        )
        self._require_erp_db()
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap)
            self.assertEqual(len(self._outbox_jobs(trap)), 0)
        self.assertEqual(outbox.state, "failed")
        self.assertEqual(outbox.attempts, 1, "retrying cannot help: no retries")
        self.assertIn("no product", outbox.last_error)
        self.assertIn(f"Nowhere {self.run_id}", outbox.last_error)
        self.assertEqual(order.erp_outbox_state, "failed")
        self.assertEqual(self._activities(order).user_id, self.user_order_clerk)
        self.assertFalse(self._erp_orders(outbox.idempotency_key))

    def test_check_connection(self):
        self._require_erp_db()
        action = self.backend.action_check_connection()
        self.assertIn(self.erp_db, action["params"]["message"])
        self.backend.odoo_password = "wrong"
        with self.assertRaisesRegex(UserError, "refused the login"):
            self.backend.action_check_connection()

    # Faults: refused, timeout, 500

    def test_connection_refused_is_retried_with_backoff(self):
        self.backend.odoo_url = f"http://127.0.0.1:{unused_port()}"
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            before = fields.Datetime.now()
            self._run_jobs(trap)
            self.assertEqual(self._outbox_job_calls(trap), 2, "the retry is queued")
            [retry] = self._outbox_jobs(trap)
        self.assertRecordValues(outbox, [{"state": "pending", "attempts": 1}])
        self.assertIn("not reachable", outbox.last_error)
        self.assertAlmostEqual(
            outbox.next_attempt_date,
            before + timedelta(minutes=1),
            delta=timedelta(seconds=10),
        )
        self.assertEqual(retry.uuid, outbox.job_uuid)
        self.assertEqual(retry.eta, outbox.next_attempt_date)
        self.assertEqual(order.erp_outbox_state, "retrying")
        self.assertIn("not reachable", order.erp_outbox_error)

    def test_backoff_doubles_up_to_an_hour(self):
        self.assertEqual(
            [self.Outbox._get_backoff(n) for n in range(1, 10)],
            [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600],
        )

    def test_timeout(self):
        self.backend.timeout = 1
        with silent_server() as url, trap_jobs() as trap:
            self.backend.odoo_url = url
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap)
        self.assertRecordValues(outbox, [{"state": "pending", "attempts": 1}])
        self.assertIn("did not answer within 1 seconds", outbox.last_error)

    def test_server_error_500(self):
        with error_500_server() as (url, requests), trap_jobs() as trap:
            self.backend.odoo_url = url
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap)
        self.assertEqual(requests, ["/jsonrpc"])
        self.assertRecordValues(outbox, [{"state": "pending", "attempts": 1}])
        self.assertIn("HTTP 500", outbox.last_error)

    # ERP down for a long time: failed after the maximum, nothing lost, Retry works

    def test_erp_down_then_back(self):
        self._erp_create_product()
        real_url = self.backend.odoo_url
        self.backend.odoo_url = f"http://127.0.0.1:{unused_port()}"
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            self._run_jobs(trap, rounds=10)
            self.assertEqual(self._outbox_job_calls(trap), 4, "a job per attempt")
            self.assertEqual(len(self._outbox_jobs(trap)), 0)
        self.assertRecordValues(
            outbox, [{"state": "failed", "attempts": 4, "next_attempt_date": False}]
        )
        self.assertEqual(order.erp_outbox_state, "failed")
        activity = self._activities(order)
        self.assertEqual(activity.user_id, self.user_order_clerk)
        self.assertIn("Second Odoo", activity.summary)
        self.assertTrue(outbox.exists(), "nothing lost")

        self.backend.odoo_url = real_url
        with self.assertRaises(AccessError):
            outbox.with_user(self.user_salesman).action_retry()
        with trap_jobs() as trap:
            outbox.with_user(self.user_sales_manager).action_retry()
            self.assertEqual(len(self._outbox_jobs(trap)), 1)
            self.assertEqual(outbox.attempts, 0)
            self._run_jobs(trap)
        [received] = self._erp_orders(outbox.idempotency_key)
        self.assertRecordValues(
            outbox,
            [{"state": "sent", "attempts": 1, "external_ref": received["name"]}],
        )
        self.assertEqual(order.erp_external_ref, received["name"])
        self.assertFalse(self._activities(order), "the failure activity is done")
        self.assertFalse(order.erp_outbox_state == "failed")

    # Manual actions and stuck records

    @users("et_sales_manager")
    def test_mark_as_sent_manually(self):
        self.backend.sudo().odoo_url = f"http://127.0.0.1:{unused_port()}"
        self.backend.sudo().max_attempts = 1
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap, user=self.env.user)
            self._run_jobs(trap)
        self.assertEqual(outbox.state, "failed")
        wizard = (
            self.env["erp.outbox.mark.sent"]
            .with_context(active_ids=outbox.ids)
            .create({"external_ref": "SO-HAND-1"})
        )
        wizard.action_mark_sent()
        self.assertRecordValues(
            outbox,
            [
                {
                    "state": "sent",
                    "external_ref": "SO-HAND-1",
                    "sent_manually_by_id": self.user_sales_manager.id,
                }
            ],
        )
        self.assertEqual(order.erp_external_ref, "SO-HAND-1")
        self.assertIn("Marked as sent by", outbox.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            outbox.action_retry()

    def test_salesman_cannot_mark_as_sent(self):
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
        with self.assertRaises(AccessError):
            outbox.with_user(self.user_salesman)._mark_sent_manually("X")
        self.assertEqual(outbox.state, "pending")

    def test_cron_requeues_lost_jobs(self):
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
            stuck = self.Outbox.create(
                {
                    "order_id": self._new_order().id,
                    "backend_id": self.backend.id,
                    "idempotency_key": f"stuck-{self.run_id}",
                    "state": "sending",
                }
            )
        # the first record's job was lost (its uuid names no queue.job)
        outbox.next_attempt_date = fields.Datetime.now() - timedelta(hours=1)
        with trap_jobs() as trap:
            requeued = self.Outbox._cron_requeue_stuck()
            self.assertEqual(len(self._outbox_jobs(trap)), 2)
        self.assertEqual(requeued, outbox | stuck)
        self.assertEqual(stuck.state, "pending")
        self.assertEqual(outbox.job_uuid, self._outbox_jobs(trap)[-1].uuid)
        with trap_jobs() as trap:
            self.assertFalse(self.Outbox._cron_requeue_stuck(), "not due any more")
            self.assertEqual(len(self._outbox_jobs(trap)), 0)

    def test_retry_cancels_the_waiting_job(self):
        """A real queue.job (no trap): the manual retry replaces the job waiting
        for its time."""
        order = self._new_order(user_id=self.user_salesman.id)
        order.action_confirm()
        outbox = order.erp_outbox_ids
        waiting = self.env["queue.job"].search([("uuid", "=", outbox.job_uuid)])
        self.assertEqual(waiting.state, "pending")
        self.assertEqual(waiting.channel, "root.erp_transfer")
        outbox.with_user(self.user_sales_manager).action_retry()
        self.assertEqual(waiting.state, "cancelled")
        self.assertNotEqual(outbox.job_uuid, waiting.uuid)
        self.assertEqual(
            self.env["queue.job"].search([("uuid", "=", outbox.job_uuid)]).state,
            "pending",
        )

    def test_job_does_nothing_when_not_pending(self):
        with trap_jobs() as trap:
            order, outbox = self._confirmed_order(trap)
        outbox.sudo().state = "cancelled"
        self.assertIn("Nothing to send", outbox._send_job())
        self.assertEqual(outbox.attempts, 0)
