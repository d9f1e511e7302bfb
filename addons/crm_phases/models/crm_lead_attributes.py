from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLead(models.Model):
    """Opportunity attributes of the sales phase (A.2).

    Products of interest are ``crm_lead_product``'s lines; the potential in EUR is
    Odoo's ``expected_revenue`` (kept equal to the lines' sum, see
    ``crm.lead.line``) and the weighted potential Odoo's ``prorated_revenue``.
    """

    _inherit = "crm.lead"

    business_field_ids = fields.Many2many(
        "crm.business.field",
        "crm_lead_business_field_rel",
        "lead_id",
        "business_field_id",
        string="Business Fields",
        compute="_compute_business_field_ids",
        store=True,
        readonly=False,
        help="Lines of business of this opportunity; the business fields of the "
        "products' categories are added automatically.",
    )
    revenue_date_from = fields.Date(
        string="Revenue From",
        help="Start of the period in which the revenue is expected.",
    )
    revenue_date_to = fields.Date(
        string="Revenue To",
        help="End of the period in which the revenue is expected.",
    )
    revenue_month = fields.Date(
        compute="_compute_revenue_month",
        store=True,
        help="First day of the month of the revenue start, else of the expected "
        "closing; used to group the pipeline by month.",
    )

    @api.depends("lead_line_ids.product_id", "lead_line_ids.category_id")
    def _compute_business_field_ids(self):
        """Add the business fields of the lines' categories; keep manual ones."""
        for lead in self.filtered("lead_line_ids"):
            lines = lead.lead_line_ids
            categories = lines.category_id | lines.product_id.categ_id
            lead.business_field_ids |= categories.business_field_id

    @api.depends("revenue_date_from", "date_deadline")
    def _compute_revenue_month(self):
        for lead in self:
            day = lead.revenue_date_from or lead.date_deadline
            lead.revenue_month = day and day + relativedelta(day=1)

    @api.constrains("revenue_date_from", "revenue_date_to")
    def _check_revenue_period(self):
        for lead in self:
            date_from, date_to = lead.revenue_date_from, lead.revenue_date_to
            if date_from and date_to and date_from > date_to:
                raise ValidationError(
                    _(
                        "The revenue period of %(lead)s ends before it starts.",
                        lead=lead.display_name,
                    )
                )

    def _sync_expected_revenue_from_lines(self):
        """Set the expected revenue of the leads that have lines to their sum.

        One grouped query for the whole batch; leads without lines keep their
        manually entered value.
        """
        totals = dict(
            self.env["crm.lead.line"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["expected_revenue:sum"]
            )
        )
        for lead, total in totals.items():
            if lead.expected_revenue != total:
                lead.expected_revenue = total
