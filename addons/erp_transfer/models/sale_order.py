from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL


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

    def _action_confirm(self):
        result = super()._action_confirm()
        self._close_order_handover_tasks()
        return result

    def _close_order_handover_tasks(self):
        """Mark the order clerk's task "Create Order" of the orders' opportunities
        as done, where the company wants that."""
        orders = self.filtered(
            lambda order: (
                order.opportunity_id and order.company_id.order_transfer_close_task
            )
        )
        if not orders:
            return
        # closing the clerk's task is bookkeeping of a confirmation the user was
        # allowed to make; the opportunity may belong to another salesperson
        tasks = orders.opportunity_id.sudo()._get_open_order_handover_tasks()
        for order in orders:
            order_tasks = tasks.filtered(
                lambda task, order=order: task.res_id == order.opportunity_id.id
            )
            tasks -= order_tasks
            order_tasks.sudo().action_feedback(
                feedback=self.env._("Sales order %s confirmed.", order.name)
            )

    @api.model
    def _assign_sequence_names(self, vals_list):
        """Number new quotations in one query per company, where ``create`` draws
        one number per order (two queries each). Only for a plain sequence without
        date ranges; other sequences are left to ``create``."""
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New") and "date_order" not in vals:
                by_company[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            sequence = self.env["ir.sequence"].search(
                [
                    ("code", "=", "sale.order"),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
            if sequence.implementation != "standard" or sequence.use_date_range:
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    f"ir_sequence_{sequence.id:03d}",
                    len(company_vals),
                )
            )
            numbers = sorted(row[0] for row in self.env.cr.fetchall())
            for vals, number in zip(company_vals, numbers, strict=True):
                vals["name"] = sequence.get_next_char(number)
        return vals_list
