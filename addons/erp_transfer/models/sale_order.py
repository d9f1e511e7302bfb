from odoo import api, fields, models


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

    _sql_constraints = [
        (
            "ab_number_company_uniq",
            "unique(company_id, ab_number)",
            "An order confirmation number is given only once per company.",
        ),
    ]

    def action_confirm(self):
        res = super().action_confirm()
        self._assign_ab_number()
        return res

    def _assign_ab_number(self):
        for order in self.filtered(lambda o: not o.ab_number).sorted("id"):
            sequence = order.company_id._get_ab_sequence()
            order.ab_number = sequence.next_by_id(sequence_date=order.date_order)

    # ------------------------------------------------------------
    # TEXT BLOCKS (OCA sale_comment_template, rules of erp_transfer)
    # ------------------------------------------------------------

    @api.depends("order_line.product_id", "payment_term_id", "company_id")
    def _compute_comment_template_ids(self):
        return super()._compute_comment_template_ids()

    def _get_comment_template_products(self):
        return self.order_line.product_id

    def _get_comment_template_payment_term(self):
        return self.payment_term_id

    def _get_comment_template_company(self):
        return self.company_id
