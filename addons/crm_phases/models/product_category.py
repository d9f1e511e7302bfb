from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    business_field_id = fields.Many2one(
        "crm.business.field",
        ondelete="restrict",
        help="Products of this category belong to this business field: what a customer "
        "buys here sets the contact's business fields.",
    )
