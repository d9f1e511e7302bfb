from odoo import api, models

# The settings of the thank-you mail from before its engine moved down to
# mailmerge_letters: still read when the new key is not set.
LEGACY_PARAM_KEYS = {
    "mail_bounce_limit": "crm_phases.thank_you_bounce_limit",
    "unsubscribe_link_validity_days": "crm_phases.unsubscribe_link_validity_days",
    "unsubscribe_legacy_links_until": "crm_phases.unsubscribe_legacy_links_until",
}


class MailmergeMail(models.AbstractModel):
    _inherit = "mailmerge.mail"

    @api.model
    def _get_param_keys(self, name):
        keys = super()._get_param_keys(name)
        if name in LEGACY_PARAM_KEYS:
            keys.append(LEGACY_PARAM_KEYS[name])
        return keys
