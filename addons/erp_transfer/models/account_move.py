from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.depends("invoice_line_ids.product_id", "invoice_payment_term_id", "company_id")
    def _compute_comment_template_ids(self):
        return super()._compute_comment_template_ids()

    def _get_comment_template_products(self):
        return self.invoice_line_ids.product_id

    def _get_comment_template_payment_term(self):
        return self.invoice_payment_term_id

    def _get_comment_template_company(self):
        return self.company_id

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda move: move.move_type == "out_invoice"
        )._rename_filed_order_confirmations()
        return posted

    def _rename_filed_order_confirmations(self):
        """Append the number of each posted customer invoice to the filed order
        confirmations of its orders (``…_AB 100235_Re 000523.pdf``)."""
        for invoice in self:
            # the billing user posting the invoice may not see every order it
            # invoices: renaming the filed documents is the system's bookkeeping
            orders = invoice.sudo().invoice_line_ids.sale_line_ids.order_id
            orders._append_invoice_to_ab_filename(invoice)

    # Plain 6-digit invoice numbers (company option)

    def _uses_plain_invoice_number(self):
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.journal_id.type == "sale"
            and self.company_id.invoice_plain_number
        )

    def _get_starting_sequence(self):
        # EXTENDS account: "000000", which the sequence mixin reads as a series
        # that never resets and increments to 000001, 000002, …
        if self._uses_plain_invoice_number():
            return "000000"
        return super()._get_starting_sequence()

    def _get_last_sequence(self, relaxed=False, with_prefix=None):
        # EXTENDS account: with the option, the last invoice number is looked up
        # among the plain numbers only (empty prefix), so that switching the option
        # on in a journal that holds INV/2026/00042 starts the plain series instead
        # of continuing the old one
        if with_prefix is None and self._uses_plain_invoice_number():
            with_prefix = ""
        return super()._get_last_sequence(relaxed=relaxed, with_prefix=with_prefix)
