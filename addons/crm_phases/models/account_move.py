from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Posted customer invoices (not credit notes) count as purchases, unless
        they invoice a sales order (counted when it was confirmed)."""
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            self.env["res.partner"]._crm_phases_add_purchases(moves=invoices)
        return posted

    def button_draft(self):
        """An invoice reset to draft (or cancelled after it) no longer counts."""
        invoices = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        result = super().button_draft()
        if invoices:
            invoices.commercial_partner_id._crm_phases_recompute_purchase_data()
        return result

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """An invoice reversed in full by a credit note no longer counts."""
        reverses = super()._reverse_moves(default_values_list, cancel=cancel)
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            invoices.commercial_partner_id._crm_phases_recompute_purchase_data()
        return reverses
