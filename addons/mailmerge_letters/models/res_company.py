from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    mailing_recipient_fallback = fields.Selection(
        [
            ("first_contact", "Its first contact"),
            ("company", "The company itself"),
        ],
        string="Recipient Without Preferred Contact",
        required=True,
        default="first_contact",
        help="Whom serial letters, serial e-mails and merge-data exports address at a "
        "company that has no preferred contact for mailings: its first contact (the "
        "selected ones first, then by name, with an e-mail or postal address as the "
        "mailing needs) or the company itself.",
    )
