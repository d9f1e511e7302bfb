from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .erp_adapter import ErpError


class ErpBackend(models.Model):
    """An external ERP the company's confirmed orders are delivered to, through
    the adapter of its type (``erp.adapter.<adapter>``)."""

    _name = "erp.backend"
    _description = "External ERP"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    # adapters add their code with selection_add (registered by code)
    adapter = fields.Selection(selection=[], string="Adapter Type", required=True)
    timeout = fields.Integer(
        string="Timeout (s)",
        default=30,
        help="Seconds to wait for the ERP's answer before the attempt counts as "
        "failed and is retried later.",
    )
    max_attempts = fields.Integer(
        default=8,
        help="Attempts of one order (with growing pauses: 1, 2, 4, … minutes, at "
        "most an hour) before it is marked as failed.",
    )
    send_on_confirm = fields.Boolean(
        string="Send on Confirmation",
        default=True,
        help="Queue every order of the company for this ERP when it is confirmed.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        domain=[("share", "=", False)],
        help="Gets an activity on the order when it could not be delivered; "
        "without one the order's salesperson gets it.",
    )
    outbox_ids = fields.One2many(comodel_name="erp.outbox", inverse_name="backend_id")
    outbox_failed_count = fields.Integer(compute="_compute_outbox_counts")
    outbox_pending_count = fields.Integer(compute="_compute_outbox_counts")

    _sql_constraints = [
        (
            "max_attempts_positive",
            "CHECK(max_attempts > 0)",
            "The maximum number of attempts must be positive.",
        ),
        ("timeout_positive", "CHECK(timeout > 0)", "The timeout must be positive."),
    ]

    def _compute_outbox_counts(self):
        counts = {
            (backend.id, state): count
            for backend, state, count in self.env["erp.outbox"]._read_group(
                [
                    ("backend_id", "in", self.ids),
                    ("state", "in", ("failed", "pending")),
                ],
                ["backend_id", "state"],
                ["__count"],
            )
        }
        for backend in self:
            backend.outbox_failed_count = counts.get((backend.id, "failed"), 0)
            backend.outbox_pending_count = counts.get((backend.id, "pending"), 0)

    def _get_adapter(self):
        """The adapter model of this backend's type."""
        self.ensure_one()
        return self.env[f"erp.adapter.{self.adapter}"]

    @api.model
    def _get_backends_to_send(self, companies):
        """The active backends that get the orders of ``companies`` on
        confirmation."""
        return self.search(
            [("company_id", "in", companies.ids), ("send_on_confirm", "=", True)]
        )

    def action_check_connection(self):
        self.ensure_one()
        try:
            info = self._get_adapter()._erp_check_connection(self)
        except ErpError as error:
            raise UserError(
                _(
                    "The connection to %(erp)s failed: %(error)s",
                    erp=self.name,
                    error=error,
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Connection works"),
                "message": info,
            },
        }

    def action_open_outbox(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "erp_transfer.erp_outbox_action"
        )
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"search_default_failed": 1, "search_default_pending": 1}
        return action
