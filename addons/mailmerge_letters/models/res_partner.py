from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    postal_objection = fields.Boolean(
        string="Postal Advertising Objection",
        tracking=True,
        help="The contact objected to advertising by post (Werbewiderspruch): "
        "serial letters leave it out, like e-mail opt-outs do for serial e-mails.",
    )
