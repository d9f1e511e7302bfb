from odoo import models


class CrmLeadLine(models.Model):
    _inherit = "crm.lead.line"

    def _prepare_transfer_order_line_values(self, defaults=None):
        """Sales order line values of the opportunity's product lines: product,
        quantity, the price and the description agreed on the opportunity."""
        vals_list = []
        for line in self:
            values = {
                "product_id": line.product_id.id,
                "product_uom_qty": line.product_qty,
                "price_unit": line.price_unit,
                "name": line.name or line.product_id.display_name,
                **(defaults or {}),
            }
            if line.uom_id:
                values["product_uom"] = line.uom_id.id
            vals_list.append(values)
        return vals_list
