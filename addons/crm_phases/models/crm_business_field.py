from odoo import fields, models


class CrmBusinessField(models.Model):
    """Line of business of the installer (Solar, Geothermie, Pellet-Heizungen, Klima).

    Data, not code: companies rename, add or archive fields; products, contacts,
    opportunities and campaign activities point at them.
    """

    _name = "crm.business.field"
    _description = "Business Field"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Short code for exports and interfaces, e.g. SOLAR.",
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "unique (code)", "The code of a business field must be unique."),
    ]
