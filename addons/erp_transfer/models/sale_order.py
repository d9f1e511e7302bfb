from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ab_number = fields.Char(
        string="Order Confirmation No.",
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="Number of the order confirmation (Auftragsbestätigung), from its own "
        "series, given once at the first confirmation and kept on cancel and "
        "re-confirmation. The quotation keeps its quotation number.",
    )

    def action_confirm(self):
        res = super().action_confirm()
        self._assign_ab_number()
        return res

    def _assign_ab_number(self):
        for order in self.filtered(lambda o: not o.ab_number).sorted("id"):
            sequence = order.company_id._get_ab_sequence()
            order.ab_number = sequence.next_by_id(sequence_date=order.date_order)
