from odoo import models


class IrUiView(models.Model):
    _inherit = "ir.ui.view"

    def _get_combined_arch(self):
        # signs the assignment of website_crm's lead forms, as website signs the
        # e-mail recipient of its forms
        return self.env["crm.lead"]._website_form_sign_assignment(
            super()._get_combined_arch()
        )
