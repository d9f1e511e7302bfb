from odoo import api, fields, models

RULE_FIELDS = (
    "rule_categ_ids",
    "rule_business_field_ids",
    "rule_partner_category_ids",
    "rule_payment_term_ids",
    "rule_lang_ids",
)


class BaseCommentTemplate(models.Model):
    """Rules that propose a text block (Textbaustein) on a document by what it holds.

    A text block with rules is proposed on every document that matches all the rules
    set (within one rule, any of its values), on top of OCA's own choice (global text
    blocks and those of the partner, filtered by the domain). The clerk can add or
    remove text blocks per document afterwards."""

    _inherit = "base.comment.template"

    rule_categ_ids = fields.Many2many(
        comodel_name="product.category",
        relation="base_comment_template_rule_categ_rel",
        string="Product Categories",
        help="Proposed when a line's product is in one of these categories or "
        "their subcategories.",
    )
    rule_business_field_ids = fields.Many2many(
        comodel_name="crm.business.field",
        relation="base_comment_template_rule_business_field_rel",
        string="Business Fields",
        help="Proposed when a line's product belongs to one of these business "
        "fields (by its category).",
    )
    rule_partner_category_ids = fields.Many2many(
        comodel_name="res.partner.category",
        relation="base_comment_template_rule_partner_category_rel",
        string="Target Groups",
        help="Proposed when the customer (or its company) has one of these tags.",
    )
    rule_payment_term_ids = fields.Many2many(
        comodel_name="account.payment.term",
        relation="base_comment_template_rule_payment_term_rel",
        string="Payment Terms",
        help="Proposed when the document has one of these payment terms.",
    )
    rule_lang_ids = fields.Many2many(
        comodel_name="res.lang",
        relation="base_comment_template_rule_lang_rel",
        string="Customer Languages",
        help="Proposed only for customers who speak one of these languages. The "
        "text itself is printed in the customer's language (translate it there).",
    )
    has_rules = fields.Boolean(
        compute="_compute_has_rules",
        store=True,
        help="The text block is proposed by its rules.",
    )

    @api.depends(*RULE_FIELDS)
    def _compute_has_rules(self):
        for template in self:
            template.has_rules = any(template[name] for name in RULE_FIELDS)

    def _matches_rules(self, facts):
        """Whether the document described by ``facts`` (see
        ``comment.template._get_comment_template_facts``) meets every rule set."""
        self.ensure_one()
        if self.rule_categ_ids and not any(
            category.parent_path.startswith(parent.parent_path)
            for category in facts["categories"]
            for parent in self.rule_categ_ids
        ):
            return False
        if (
            self.rule_business_field_ids
            and not facts["business_fields"] & self.rule_business_field_ids
        ):
            return False
        if (
            self.rule_partner_category_ids
            and not facts["partner_categories"] & self.rule_partner_category_ids
        ):
            return False
        if (
            self.rule_payment_term_ids
            and facts["payment_term"] not in self.rule_payment_term_ids
        ):
            return False
        return not self.rule_lang_ids or facts["lang"] in self.rule_lang_ids.mapped(
            "code"
        )
