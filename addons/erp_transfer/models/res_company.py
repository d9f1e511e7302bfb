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

    order_transfer_on_won = fields.Boolean(
        string="Create Orders When Won",
        help="Create the sales order automatically when an opportunity is won "
        "(from its product lines). Otherwise the order clerk transfers it with the "
        "button on the opportunity.",
    )
    order_transfer_close_task = fields.Boolean(
        string="Close the Order Task on Confirmation",
        default=True,
        help="Mark the order clerk's task 'Create Order' of the opportunity as done "
        "when its sales order is confirmed.",
    )
