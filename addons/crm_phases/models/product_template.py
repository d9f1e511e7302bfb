from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    quote_form_published = fields.Boolean(
        string="Offered on the Quote Form",
        compute="_compute_quote_form_published",
        store=True,
        readonly=False,
        help="Visitors of the website form /angebot-anfordern may request this "
        "product (if it can be sold). Set by default for products whose category "
        "belongs to a business field.",
    )

    @api.depends("categ_id.business_field_id")
    def _compute_quote_form_published(self):
        """What the company sells through the form is what it assigned to one of its
        business fields; expense, furniture or internal products are not."""
        for template in self:
            template.quote_form_published = bool(template.categ_id.business_field_id)
