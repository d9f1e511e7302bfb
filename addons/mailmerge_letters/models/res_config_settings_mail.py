# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The threshold of serial e-mails in the background. The bounce limit and
    the validity of unsubscribe links stay system parameters
    (``mailmerge_letters.mail_bounce_limit``,
    ``mailmerge_letters.unsubscribe_link_validity_days``): a settings field would
    write its default over the ``crm_phases.*`` keys they fall back to."""

    _inherit = "res.config.settings"

    mailmerge_mail_background_recipients = fields.Integer(
        string="Serial E-mails in the Background From",
        config_parameter="mailmerge_letters.mail_background_recipients",
        default=200,
        help="Serial e-mails to more recipients than this are queued by background "
        "jobs; the user is notified when all are queued.",
    )
