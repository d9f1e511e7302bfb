import logging

from markupsafe import Markup

from odoo import api, fields, models

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
