from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        """The customers gain the business fields, revenue and status of what they
        ordered (one statement for the whole batch)."""
        result = super()._action_confirm()
        self.env["res.partner"]._crm_phases_add_purchases(orders=self)
        return result

    def _action_cancel(self):
        """A cancelled order no longer counts: its customers' purchase data are
        rebuilt from their other documents (business fields stay: removing them is
        manual)."""
        confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        if confirmed and not self.env.context.get("crm_phases_no_after_sales"):
            confirmed.partner_id._crm_phases_recompute_purchase_data()
        return result
