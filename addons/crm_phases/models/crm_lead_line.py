from odoo import api, fields, models


class CrmLeadLine(models.Model):
    """Keep the opportunity's expected revenue equal to its lines on the server.

    ``crm_lead_product`` only sums the lines in a form onchange; imports, RPC and
    the website form write lines without it.
    """

    _inherit = "crm.lead.line"

    # crm_lead_product does not index it: the opportunity's lines are read by it
    lead_id = fields.Many2one(index=True)

    _revenue_fields = ("lead_id", "product_qty", "price_unit")

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.lead_id._sync_expected_revenue_from_lines()
        return lines

    def write(self, vals):
        leads_before = self.lead_id
        result = super().write(vals)
        if any(fname in vals for fname in self._revenue_fields):
            (leads_before | self.lead_id)._sync_expected_revenue_from_lines()
        return result

    def unlink(self):
        leads = self.lead_id
        result = super().unlink()
        leads.exists()._sync_expected_revenue_from_lines()
        return result
