import io
from collections import OrderedDict

from odoo import models

from .sale_order_filing import AB_REPORT


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_ab_orders(self, report_ref, res_ids):
        """The confirmed orders with an AB number among ``res_ids`` when printing the
        sale order report (not while the filing renders them)."""
        if (
            not res_ids
            or self.env.context.get("erp_transfer_ab_rendering")
            or self._get_report(report_ref) != self.env.ref(AB_REPORT).sudo()
        ):
            return self.env["sale.order"]
        orders = self.env["sale.order"].browse(res_ids)
        return orders.filtered(lambda order: order._is_ab_document())

    def get_paperformat(self):
        # EXTENDS base: the order confirmation is rendered on a DIN 5008 paper
        # format (its header and address field need the margins), type B as Odoo's
        # German localisation sets, unless the company uses one of the two
        paperformat = super().get_paperformat()
        if not self.env.context.get("erp_transfer_ab_rendering"):
            return paperformat
        din_type_b = self.env.ref("l10n_din5008.paperformat_euro_din")
        din_type_a = self.env.ref("l10n_din5008.paperformat_euro_din_a")
        return paperformat if paperformat in din_type_a | din_type_b else din_type_b

    def _pre_render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        # EXTENDS base: printing a confirmed order files its order confirmation
        # first (once); the PDF printed is then the filed one
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        self._get_ab_orders(report_ref, res_ids)._file_ab_document(raise_on_error=True)
        return super()._pre_render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # EXTENDS base: the filed order confirmations are returned as filed, byte
        # for byte (as account does for the original vendor bills); the other
        # records of the print are rendered
        ab_orders = self._get_ab_orders(report_ref, res_ids).filtered(
            "ab_attachment_id"
        )
        if not ab_orders:
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        other_ids = [res_id for res_id in res_ids if res_id not in ab_orders.ids]
        rendered = (
            super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=other_ids
            )
            if other_ids
            else {}
        )
        collected_streams = OrderedDict()
        for res_id in res_ids:
            if res_id in ab_orders.ids:
                attachment = ab_orders.browse(res_id).ab_attachment_id.sudo()
                collected_streams[res_id] = {
                    "stream": io.BytesIO(attachment.raw),
                    "attachment": attachment,
                }
            elif res_id in rendered:
                collected_streams[res_id] = rendered.pop(res_id)
        collected_streams.update(rendered)  # a print Odoo could not split
        return collected_streams
