from odoo import api, fields, models


class SaleOrder(models.Model):
    """Delivery of confirmed orders to the external ERPs (erp.outbox)."""

    # one file per area of the order (numbers, filing, outbox) on purpose
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    erp_external_ref = fields.Char(
        string="ERP Order No.",
        copy=False,
        readonly=True,
        tracking=True,
        help="Number of the order in the external ERP, written back when it was "
        "delivered.",
    )
    erp_outbox_ids = fields.One2many(
        comodel_name="erp.outbox", inverse_name="order_id", string="ERP Deliveries"
    )
    erp_outbox_state = fields.Selection(
        selection=[
            ("failed", "Failed"),
            ("retrying", "Retrying"),
            ("pending", "Pending"),
            ("sent", "Sent"),
        ],
        string="ERP Delivery",
        compute="_compute_erp_outbox_state",
        help="Failed: an ERP did not get the order and waits for a manual retry; "
        "Retrying: an attempt failed and the next one is queued.",
    )
    erp_outbox_error = fields.Text(
        string="ERP Delivery Error", compute="_compute_erp_outbox_state"
    )

    @api.depends("erp_outbox_ids.state", "erp_outbox_ids.last_error")
    def _compute_erp_outbox_state(self):
        for order in self:
            outboxes = order.erp_outbox_ids.filtered(lambda o: o.state != "cancelled")
            failed = outboxes.filtered(lambda o: o.state == "failed")
            retrying = outboxes.filtered(
                lambda o: o.state in ("pending", "sending") and o.last_error
            )
            if failed:
                state = "failed"
            elif retrying:
                state = "retrying"
            elif outboxes.filtered(lambda o: o.state in ("pending", "sending")):
                state = "pending"
            else:
                state = outboxes and "sent"
            order.erp_outbox_state = state
            order.erp_outbox_error = "\n".join(
                f"{o.backend_id.name}: {o.last_error}" for o in failed | retrying
            )

    def action_confirm(self):
        res = super().action_confirm()
        # the outbox is system data the confirming salesperson neither reads nor
        # edits: only its records and their jobs are created here, the delivery
        # runs later in the job's own transaction
        self.env["erp.outbox"].sudo()._enqueue_orders(self)
        return res

    def action_view_erp_outbox(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "erp_transfer.erp_outbox_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action
