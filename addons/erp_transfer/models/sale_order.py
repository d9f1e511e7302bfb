import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


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
    orderx_warning = fields.Text(
        string="Order-X Warning",
        readonly=True,
        copy=False,
        help="Why the filed order confirmation carries no Order-X data; cleared "
        "when it is filed with valid Order-X data again.",
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

    def _attach_orderx(self, pdf_bytes):
        """The AB PDF of this order with its Order-X order response embedded.

        When the company does not embed Order-X, or the order's data cannot give
        valid Order-X XML, the PDF comes back unchanged and the reasons are kept
        in ``orderx_warning`` (and posted once): filing the AB never fails for
        want of a VAT id or a unit code."""
        if len(self) != 1 or not self.company_id.orderx_embed:
            return pdf_bytes
        orderx = self.env["erp.orderx"]
        level = self.company_id.orderx_level or "comfort"
        result = pdf_bytes
        problems = orderx._get_orderx_problems(self, level)
        if not problems:
            xml_bytes = orderx._build_orderx_xml(self, "order_response", level)
            problems = orderx._check_orderx_xml(xml_bytes, level)
        if not problems:
            try:
                result = orderx._embed_orderx(
                    pdf_bytes, xml_bytes, self, level, "order_response"
                )
            except Exception as error:  # noqa: BLE001 - a broken PDF stays filed
                _logger.warning(
                    "Order-X could not be embedded into %s", self.name, exc_info=True
                )
                problems = [
                    self.env._("The PDF could not be made an Order-X PDF: %s", error)
                ]
        self._set_orderx_warning(problems)
        return result

    def _set_orderx_warning(self, problems):
        """Keep ``problems`` as the order's Order-X warning; post it in the
        chatter when it changed, so that printing again does not repeat it."""
        self.ensure_one()
        if not problems:
            if self.orderx_warning:
                # a status of the filed document, written for whoever files it
                self.sudo().orderx_warning = False
            return
        intro = self.env._(
            "The order confirmation was filed without Order-X data "
            "(the customer's ERP cannot read it):"
        )
        warning = "\n".join([intro, *(f"• {problem}" for problem in problems)])
        if warning == self.orderx_warning:
            return
        # a status of the filed document, written for whoever files it (also a
        # user who may only read the order)
        self.sudo().orderx_warning = warning
        self.sudo().message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (intro, Markup().join(Markup("<li>%s</li>") % p for p in problems)),
            subtype_xmlid="mail.mt_note",
        )

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
