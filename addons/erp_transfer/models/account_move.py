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
