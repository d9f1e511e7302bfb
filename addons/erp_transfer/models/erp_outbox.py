import logging
import uuid
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .erp_adapter import ErpError

_logger = logging.getLogger(__name__)

# pauses between attempts: 1, 2, 4, … minutes, at most an hour
BACKOFF_FIRST = 60
BACKOFF_MAX = 3600
# a record due for this long without a job waiting for it lost its job
STUCK_AFTER = timedelta(minutes=15)
ALIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class ErpOutbox(models.Model):
    """One order to deliver to one external ERP: created in the confirming user's
    transaction, delivered by a queue job in its own transaction, retried with
    backoff, failed after the backend's maximum, never deleted by the delivery."""

    _name = "erp.outbox"
    _description = "ERP Outbox"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "idempotency_key"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    backend_id = fields.Many2one(
        comodel_name="erp.backend",
        string="External ERP",
        required=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    idempotency_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Sent with the order; the ERP finds an order delivered before by it, "
        "so that no attempt creates a second one.",
    )
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("sending", "Sending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    attempts = fields.Integer(readonly=True, default=0)
    next_attempt_date = fields.Datetime(string="Next Attempt", readonly=True)
    last_attempt_date = fields.Datetime(string="Last Attempt", readonly=True)
    last_error = fields.Text(readonly=True)
    external_ref = fields.Char(
        string="External Number", readonly=True, copy=False, tracking=True
    )
    sent_date = fields.Datetime(readonly=True)
    sent_manually_by_id = fields.Many2one(
        comodel_name="res.users", string="Marked as Sent by", readonly=True
    )
    payload_ref = fields.Char(
        string="Payload Reference",
        readonly=True,
        help="Where the delivered order is: URL, file or record of the ERP.",
    )
    job_uuid = fields.Char(string="Job", readonly=True, copy=False, index=True)

    _sql_constraints = [
        (
            "idempotency_key_backend_uniq",
            "UNIQUE(backend_id, idempotency_key)",
            "The order is already in the outbox of this ERP.",
        ),
    ]

    # Creation (in the confirming user's transaction)

    @api.model
    def _get_idempotency_key(self, order):
        """Random, stored on the record and sent with every attempt (re-confirming
        the order reuses its record). Not derived from database ids: a copy of the
        database (staging, a restored backup) must not find the orders of the
        original in the ERP."""
        return f"{order.name}-{uuid.uuid4().hex}"

    @api.model
    def _enqueue_orders(self, orders):
        """Outbox records of ``orders`` for the backends of their companies that
        want them on confirmation, and their jobs; orders already in a backend's
        outbox (re-confirmed) are not added again. Batch: a constant number of
        queries per call plus one job per new record."""
        backends = self.env["erp.backend"]._get_backends_to_send(orders.company_id)
        if not backends:
            return self.browse()
        existing = {
            (outbox.backend_id.id, outbox.order_id.id)
            for outbox in self.search(
                [("order_id", "in", orders.ids), ("backend_id", "in", backends.ids)]
            )
        }
        now = fields.Datetime.now()
        vals_list = [
            {
                "order_id": order.id,
                "backend_id": backend.id,
                "idempotency_key": self._get_idempotency_key(order),
                "next_attempt_date": now,
            }
            for order in orders
            for backend in backends
            if backend.company_id == order.company_id
            and (backend.id, order.id) not in existing
        ]
        outboxes = self.create(vals_list)
        outboxes._delay_send()
        return outboxes

    # The job

    @api.model
    def _get_backoff(self, attempts):
        """Seconds to wait after ``attempts`` failed attempts."""
        return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)

    def _delay_send(self):
        """Queue the delivery job of each record at its next attempt date."""
        for outbox in self:
            job = outbox.with_delay(
                eta=outbox.next_attempt_date,
                channel="root.erp_transfer",
                priority=20,
                max_retries=3,
                description=_(
                    "Send %(order)s to %(erp)s",
                    order=outbox.order_id.display_name,
                    erp=outbox.backend_id.name,
                ),
                identity_key=f"erp.outbox,{outbox.id},{outbox.attempts}",
            )._send_job()
            outbox.job_uuid = job.uuid

    def _claim_sending(self):
        """Exactly once: one transaction turns the pending record into 'sending'
        (and counts the attempt); a concurrent job waits on the row and finds it
        no longer pending. The row stays locked until the job's transaction ends:
        a worker that dies leaves it pending, never half-sent."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """UPDATE erp_outbox
                      SET state = 'sending', attempts = COALESCE(attempts, 0) + 1,
                          last_attempt_date = NOW() AT TIME ZONE 'UTC'
                    WHERE id = %s AND state = 'pending'
                RETURNING id""",
                self.id,
            )
        )
        claimed = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["state", "attempts", "last_attempt_date"])
        return claimed

    def _send_job(self):
        """Job: deliver the order through the backend's adapter (network call in
        the job's transaction, never the user's), then record the outcome: sent,
        pending with the next attempt queued after a backoff, or failed."""
        self.ensure_one()
        if not self._claim_sending():
            return _("Nothing to send: the record is %s.", self.state)
        # the backend's credentials are for sales managers; the delivery is a
        # system step on behalf of whoever confirmed the order
        backend = self.backend_id.sudo()
        try:
            external_ref = backend._get_adapter()._erp_deliver(backend, self)
        except ErpError as error:
            return self._register_failure(str(error), retryable=error.retryable)
        except psycopg2.Error:
            raise
        except Exception as error:  # noqa: BLE001 (an adapter's bug must not lose the order)
            _logger.exception("ERP outbox %s: the adapter failed", self.id)
            return self._register_failure(repr(error), retryable=True)
        self._register_sent(
            external_ref, backend._get_adapter()._erp_payload_ref(backend, self)
        )
        return _("Sent as %s", external_ref)

    def _register_sent(self, external_ref, payload_ref=None):
        now = fields.Datetime.now()
        self.write(
            {
                "state": "sent",
                "external_ref": external_ref,
                "sent_date": now,
                "next_attempt_date": False,
                "last_error": False,
                **({"payload_ref": payload_ref} if payload_ref else {}),
            }
        )
        for outbox in self:
            order = outbox.order_id.sudo()
            if external_ref:
                order.erp_external_ref = external_ref
            order.message_post(
                body=_(
                    "Delivered to %(erp)s as %(ref)s.",
                    erp=outbox.backend_id.name,
                    ref=external_ref or "-",
                )
            )
        self._close_failure_activities()

    def _register_failure(self, error, retryable=True):
        """A failed attempt: pending again after the backoff, or failed (after the
        backend's maximum or when trying again cannot help) with an activity."""
        self.ensure_one()
        if retryable and self.attempts < self.backend_id.max_attempts:
            self.write(
                {
                    "state": "pending",
                    "last_error": error,
                    "next_attempt_date": fields.Datetime.now()
                    + timedelta(seconds=self._get_backoff(self.attempts)),
                }
            )
            self._delay_send()
            return _(
                "Attempt %(n)s failed, next at %(date)s: %(error)s",
                n=self.attempts,
                date=self.next_attempt_date,
                error=error,
            )
        self.write({"state": "failed", "last_error": error, "next_attempt_date": False})
        self._schedule_failure_activity()
        return _("Failed after %(n)s attempts: %(error)s", n=self.attempts, error=error)

    # Failure activities (on the order, for the backend's responsible)

    def _schedule_failure_activity(self):
        activity_type = self.env.ref("erp_transfer.mail_activity_type_erp_failure")
        for outbox in self:
            order = outbox.order_id.sudo()
            user = outbox.backend_id.user_id or order.user_id or self.env.user
            order.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Not delivered to %s", outbox.backend_id.name),
                note=outbox.last_error,
                user_id=user.id,
            )

    def _close_failure_activities(self):
        activity_type = self.env.ref("erp_transfer.mail_activity_type_erp_failure")
        self.order_id.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        ).action_feedback(feedback=_("Delivered."))

    # Manual actions (sales managers)

    def _check_manual_action(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only sales managers may retry or mark deliveries."))
        if self.filtered(lambda outbox: outbox.state in ("sent", "sending")):
            raise UserError(_("Sent records and records being sent cannot be changed."))

    def _cancel_waiting_jobs(self):
        """Cancel the jobs still waiting for their time (a manual retry replaces
        them): no extra attempt later."""
        self.env["queue.job"].sudo().search(
            [
                ("uuid", "in", [uuid for uuid in self.mapped("job_uuid") if uuid]),
                ("state", "in", ("wait_dependencies", "pending")),
            ]
        ).button_cancelled()

    def action_retry(self):
        """Manual retry: a new series of attempts right now."""
        self._check_manual_action()
        self._cancel_waiting_jobs()
        self.write(
            {
                "state": "pending",
                "attempts": 0,
                "next_attempt_date": fields.Datetime.now(),
            }
        )
        self._delay_send()
        for outbox in self:
            outbox.message_post(body=_("Retry requested by %s.", self.env.user.name))
        return True

    def action_cancel(self):
        self._check_manual_action()
        self._cancel_waiting_jobs()
        self.write({"state": "cancelled", "next_attempt_date": False})
        self._close_failure_activities()
        return True

    def action_open_mark_sent(self):
        self._check_manual_action()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "erp_transfer.erp_outbox_mark_sent_action"
        )
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def _mark_sent_manually(self, external_ref=False):
        """Somebody put the order into the ERP by hand: sent, with who and the
        external number if known."""
        self._check_manual_action()
        self._register_sent(external_ref)
        self.sent_manually_by_id = self.env.user
        for outbox in self:
            outbox.message_post(
                body=_(
                    "Marked as sent by %(user)s (external number: %(ref)s).",
                    user=self.env.user.name,
                    ref=external_ref or "-",
                )
            )

    # Stuck records

    @api.model
    def _cron_requeue_stuck(self):
        """Re-queue records whose job got lost: 'sending' rows no job holds (the
        job locks its row while it sends) and pending rows due for a while whose
        job no longer waits (deleted, failed or cancelled in the job queue)."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM erp_outbox
                    WHERE state = 'sending'
                      FOR UPDATE SKIP LOCKED"""
            )
        )
        stuck = self.browse([row[0] for row in self.env.cr.fetchall()])
        stuck.write({"state": "pending", "next_attempt_date": fields.Datetime.now()})
        due = self.search(
            [
                ("state", "=", "pending"),
                ("next_attempt_date", "<", fields.Datetime.now() - STUCK_AFTER),
            ]
        )
        alive = set(
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("uuid", "in", due.mapped("job_uuid")),
                    ("state", "in", ALIVE_JOB_STATES),
                ]
            )
            .mapped("uuid")
        )
        lost = stuck | due.filtered(lambda outbox: outbox.job_uuid not in alive)
        if lost:
            _logger.info("ERP outbox: re-queuing %s records without a job", len(lost))
            lost.next_attempt_date = fields.Datetime.now()
            lost._delay_send()
        return lost
