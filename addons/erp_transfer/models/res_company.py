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
    orderx_embed = fields.Boolean(
        string="Embed Order-X in the Order Confirmation",
        default=True,
        help="The filed order confirmation (AB) becomes a PDF/A-3 carrying the "
        "Order-X order response, which the customer's ERP reads without typing.",
    )
    orderx_level = fields.Selection(
        selection=[("basic", "Basic"), ("comfort", "Comfort")],
        string="Order-X Level",
        default="comfort",
        required=True,
        help="Basic: parties, lines, quantities, prices and totals. Comfort: also "
        "VAT per line, payment terms and product descriptions.",
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
