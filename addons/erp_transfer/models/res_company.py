from odoo import _, api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ab_sequence_id = fields.Many2one(
        comodel_name="ir.sequence",
        string="Order Confirmation Sequence",
        check_company=True,
        copy=False,
        help="Number series of order confirmations (AB numbers), given to an order "
        "when it is confirmed for the first time. Recreated when it was deleted.",
    )

    @api.model
    def _prepare_ab_sequence_values(self, company):
        return {
            "name": _("Order Confirmation (AB) %s", company.name),
            "code": "erp_transfer.ab_number",
            "prefix": "AB ",
            "padding": 6,
            "number_next": 100001,
            "number_increment": 1,
            "implementation": "no_gap",
            "company_id": company.id,
        }

    def _get_ab_sequence(self):
        """The company's AB sequence, created on first use (also when an integrator
        or a user deleted it): confirming an order never fails for want of it."""
        self.ensure_one()
        if not self.ab_sequence_id:
            # the sequence is configuration, not user data: any confirming user may
            # recreate it
            self.sudo().ab_sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(self._prepare_ab_sequence_values(self))
            )
        return self.ab_sequence_id

    ab_file_on_confirm = fields.Boolean(
        string="File Order Confirmation on Confirmation",
        default=True,
        help="Confirming an order files its order confirmation (AB) as a PDF on the "
        "order and on the customer, in the background. Printing it files it too.",
    )
    invoice_plain_number = fields.Boolean(
        string="Plain Invoice Numbers",
        help="Customer invoices are numbered in a plain 6-digit series (000523) "
        "instead of the journal's INV/2026/00001; credit notes keep their own series.",
    )
