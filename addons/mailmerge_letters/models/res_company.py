from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # not required in the database: modules tested in a registry without ours
    # (at_install tests of other modules) create rows without it; empty reads as
    # the default
    mailing_recipient_fallback = fields.Selection(
        [
            ("first_contact", "Its first contact"),
            ("company", "The company itself"),
        ],
        string="Recipient Without Preferred Contact",
        default="first_contact",
        help="Whom serial letters, serial e-mails and merge-data exports address at a "
        "company that has no preferred contact for mailings: its first contact (the "
        "selected ones first, then by name, with an e-mail or postal address as the "
        "mailing needs) or the company itself.",
    )
