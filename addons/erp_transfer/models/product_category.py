from odoo import models


class ProductCategory(models.Model):
    _inherit = "product.category"

    def _get_business_field(self):
        """The business fields of the categories: a category's own, else the nearest
        parent's (a subcategory "Speicher" of "Solar" belongs to Solar)."""
        fields_found = self.env["crm.business.field"]
        for category in self:
            while category and not category.business_field_id:
                category = category.parent_id
            fields_found |= category.business_field_id
        return fields_found
