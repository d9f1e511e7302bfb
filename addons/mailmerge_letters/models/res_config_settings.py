from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mailing_recipient_fallback = fields.Selection(
        related="company_id.mailing_recipient_fallback", readonly=False
    )
    mailmerge_letter_duplex = fields.Boolean(
        string="Duplex Printing of Serial Letters",
        config_parameter="mailmerge_letters.letter_duplex",
        help="Serial letters are printed for duplex printers by default: a blank "
        "back page after each letter of an odd number of pages.",
    )
    mailmerge_letter_background_recipients = fields.Integer(
        string="Serial Letters in the Background From",
        config_parameter="mailmerge_letters.letter_background_recipients",
        default=100,
        help="Serial letters to more recipients than this are printed by "
        "background jobs; the user is notified when the PDF is ready.",
    )
    # the bounce limit and the validity of unsubscribe links stay system parameters
    # (mailmerge_letters.mail_bounce_limit, .unsubscribe_link_validity_days): a
    # settings field would write its default over the crm_phases.* keys they fall
    # back to
    mailmerge_mail_background_recipients = fields.Integer(
        string="Serial E-mails in the Background From",
        config_parameter="mailmerge_letters.mail_background_recipients",
        default=200,
        help="Serial e-mails to more recipients than this are queued by background "
        "jobs; the user is notified when all are queued.",
    )
