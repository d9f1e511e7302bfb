import re

from odoo import _, api, fields, models
from odoo.tools import SQL


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
    # not required in the database: modules tested in a registry without ours
    # (at_install tests of other modules) create rows without it; empty reads as
    # the default
    orderx_level = fields.Selection(
        selection=[("basic", "Basic"), ("comfort", "Comfort")],
        string="Order-X Level",
        default="comfort",
        help="Basic: parties, lines, quantities, prices and totals. Comfort: also "
        "VAT per line, payment terms and product descriptions.",
    )

    @api.model
    def _prepare_ab_sequence_values(self, company, prefix="AB ", padding=6):
        return {
            "name": _("Order Confirmation (AB) %s", company.name),
            "code": "erp_transfer.ab_number",
            "prefix": prefix,
            "padding": padding,
            "number_next": max(100001, company._get_highest_ab_number(prefix) + 1),
            "number_increment": 1,
            "implementation": "no_gap",
            "company_id": company.id,
        }

    def _get_ab_sequence(self):
        """The company's AB sequence, created on first use (also when an integrator
        or a user deleted it): confirming an order never fails for want of it.

        A recreated sequence continues after the highest AB number the company has
        given, so that no number is given twice."""
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

    def _get_highest_ab_number(self, prefix):
        """The highest number given with ``prefix`` to an order of the company (0 if
        none): the number part of ``ab_number`` after the prefix, digits only."""
        self.ensure_one()
        orders = self.env["sale.order"]
        orders.flush_model(["ab_number", "company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT ab_number FROM %s WHERE company_id = %s "
                "AND ab_number IS NOT NULL AND left(ab_number, %s) = %s",
                SQL.identifier(orders._table),
                self.id,
                len(prefix),
                prefix,
            )
        )
        highest = 0
        for (number,) in self.env.cr.fetchall():
            digits = number[len(prefix) :]
            if re.fullmatch(r"\d+", digits):
                highest = max(highest, int(digits))
        return highest

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
