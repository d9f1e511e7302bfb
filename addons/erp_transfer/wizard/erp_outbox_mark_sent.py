from odoo import fields, models


class ErpOutboxMarkSent(models.TransientModel):
    _name = "erp.outbox.mark.sent"
    _description = "Mark ERP Delivery as Sent"

    outbox_ids = fields.Many2many(
        comodel_name="erp.outbox",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    external_ref = fields.Char(
        string="External Number",
        help="Number of the order in the ERP, if known; written to the order.",
    )

    def action_mark_sent(self):
        self.ensure_one()
        self.outbox_ids._mark_sent_manually(self.external_ref)
        return {"type": "ir.actions.act_window_close"}
