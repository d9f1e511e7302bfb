from odoo import fields, models


class CrmLeadTransferAgain(models.TransientModel):
    """Create another sales order for an opportunity that was transferred already:
    an explicit decision, with its reason in the transfer log."""

    _name = "crm.lead.transfer.again"
    _description = "Transfer an Opportunity to a Sales Order Again"

    lead_id = fields.Many2one(
        comodel_name="crm.lead", string="Opportunity", required=True, readonly=True
    )
    transfer_order_id = fields.Many2one(related="lead_id.transfer_order_id")
    reason = fields.Text(
        required=True,
        help="Why this opportunity needs another sales order; kept in the transfer "
        "log.",
    )

    def action_transfer_again(self):
        self.ensure_one()
        orders = self.lead_id._transfer_to_order_again(self.reason)
        return orders._get_records_action(name=self.env._("Sales Order"))
