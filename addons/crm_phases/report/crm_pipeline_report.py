from odoo import api, fields, models
from odoo.tools import SQL


class CrmPipelineReport(models.Model):
    """The pipeline by business field, one row per opportunity line.

    An opportunity with lines of two business fields counts each line once, under
    the business field of its product category; an opportunity without lines is one
    row without business field and with its own expected revenue. So the rows always
    add up to the pipeline's total, which grouping ``crm.lead`` by its many2many
    ``business_field_ids`` cannot do (a lead counts in every group it belongs to).
    """

    _name = "crm.pipeline.report"
    _description = "Pipeline by Business Field"
    _auto = False
    _rec_name = "lead_id"
    _order = "lead_id desc, id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    line_id = fields.Many2one("crm.lead.line", string="Product Line", readonly=True)
    business_field_id = fields.Many2one("crm.business.field", readonly=True)
    lead_business_field_ids = fields.Many2many(
        related="lead_id.business_field_ids",
        string="Business Fields of the Opportunity",
    )
    product_id = fields.Many2one("product.product", readonly=True)
    category_id = fields.Many2one("product.category", readonly=True)
    product_qty = fields.Integer(string="Quantity", readonly=True)
    expected_revenue = fields.Monetary(
        string="Potential", currency_field="currency_id", readonly=True
    )
    prorated_revenue = fields.Monetary(
        string="Weighted Potential", currency_field="currency_id", readonly=True
    )
    probability = fields.Float(aggregator="avg", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True
    )
    active = fields.Boolean(readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    date_deadline = fields.Date(string="Expected Closing", readonly=True)
    date_closed = fields.Datetime(string="Closed Date", readonly=True)
    revenue_month = fields.Date(readonly=True)

    # flush these before reading the view
    _depends = {
        "crm.lead": [
            "active",
            "campaign_id",
            "company_id",
            "create_date",
            "date_closed",
            "date_deadline",
            "expected_revenue",
            "medium_id",
            "partner_id",
            "probability",
            "prorated_revenue",
            "revenue_month",
            "source_id",
            "stage_id",
            "team_id",
            "type",
            "user_id",
        ],
        "crm.lead.line": [
            "category_id",
            "expected_revenue",
            "lead_id",
            "product_id",
            "product_qty",
        ],
        "product.category": ["business_field_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.company": ["currency_id"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s", self._select(), self._from())

    @api.model
    def _select(self):
        # ids: even for a line, odd for an opportunity without lines
        return SQL(
            """
            SELECT
                COALESCE(2 * line.id, 2 * lead.id + 1) AS id,
                lead.id AS lead_id,
                line.id AS line_id,
                categ.business_field_id,
                line.product_id,
                categ.id AS category_id,
                line.product_qty,
                COALESCE(line.expected_revenue, lead.expected_revenue)
                    AS expected_revenue,
                CASE WHEN line.id IS NULL THEN lead.prorated_revenue
                     ELSE ROUND(
                        line.expected_revenue
                        * COALESCE(lead.probability, 0)::numeric / 100, 2)
                END AS prorated_revenue,
                lead.probability,
                COALESCE(company.currency_id, %(currency_id)s) AS currency_id,
                lead.company_id,
                lead.partner_id,
                lead.stage_id,
                lead.user_id,
                lead.team_id,
                lead.campaign_id,
                lead.medium_id,
                lead.source_id,
                lead.type,
                lead.active,
                lead.create_date,
                lead.date_deadline,
                lead.date_closed,
                lead.revenue_month
            """,
            # as crm.lead.company_currency: a lead without company counts in the
            # current company's currency
            currency_id=self.env.company.currency_id.id,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM crm_lead lead
            LEFT JOIN crm_lead_line line ON line.lead_id = lead.id
            LEFT JOIN product_product product ON product.id = line.product_id
            LEFT JOIN product_template template ON template.id = product.product_tmpl_id
            LEFT JOIN product_category categ
                ON categ.id = COALESCE(line.category_id, template.categ_id)
            LEFT JOIN res_company company ON company.id = lead.company_id
            """
        )
