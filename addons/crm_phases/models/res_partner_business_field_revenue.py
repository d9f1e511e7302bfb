from odoo import fields, models


class ResPartnerBusinessFieldRevenue(models.Model):
    """What a customer (commercial entity) bought in one business field for one
    company: kept current when orders are confirmed and invoices posted, so that
    "who bought Solar since 2024" reads one small table instead of all orders."""

    _name = "res.partner.business.field.revenue"
    _description = "Customer Revenue per Business Field"
    _order = "last_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    business_field_id = fields.Many2one(
        "crm.business.field", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", readonly=True
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", string="Currency", store=True
    )
    amount = fields.Monetary(
        string="Revenue",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the confirmed orders and posted invoices in this "
        "business field, in the company currency (converted at the order date).",
    )
    document_count = fields.Integer(string="Orders", readonly=True, aggregator="sum")
    first_date = fields.Date(string="First Purchase", readonly=True)
    last_date = fields.Date(string="Last Purchase", readonly=True)
    customer_status = fields.Selection(related="partner_id.customer_status")

    _sql_constraints = [
        (
            "partner_field_company_uniq",
            "unique (partner_id, business_field_id, company_id)",
            "One revenue line per customer, business field and company.",
        ),
    ]

    def init(self):
        # "bought in business field X since date Y": an index-only scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS res_partner_business_field_revenue_bought_idx "
            "ON res_partner_business_field_revenue "
            "(business_field_id, last_date, partner_id)"
        )
