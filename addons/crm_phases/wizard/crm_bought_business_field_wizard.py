from odoo import fields, models


class CrmBoughtBusinessFieldWizard(models.TransientModel):
    """Customers who bought …: business fields and a date in, the contact list of
    those customers out (the selection a serial letter or an export starts from)."""

    _name = "crm.bought.business.field.wizard"
    _description = "Customers Who Bought in a Business Field"

    business_field_ids = fields.Many2many(
        "crm.business.field",
        string="Business Fields",
        required=True,
        help="Customers who bought in at least one of these business fields.",
    )
    date_since = fields.Date(
        string="Bought Since",
        help="Only customers whose last purchase in these business fields is on or "
        "after this date. Empty: any time.",
    )

    def action_open_customers(self):
        self.ensure_one()
        Partner = self.env["res.partner"]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "base.action_partner_form"
        )
        names = ", ".join(self.business_field_ids.mapped("name"))
        if self.date_since:
            action["name"] = self.env._(
                "Bought %(fields)s since %(date)s",
                fields=names,
                date=fields.Date.to_string(self.date_since),
            )
        else:
            action["name"] = self.env._("Bought %s", names)
        action["domain"] = Partner._search_bought_business_field(
            self.business_field_ids, self.date_since
        )
        action["context"] = {}
        return action
