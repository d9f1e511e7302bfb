from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import hmac

RATE_WINDOW = timedelta(minutes=10)


class CrmWebsiteRequestLog(models.Model):
    """One row per accepted website request, for the per-address rate limit.

    Only a keyed hash of the address is kept (no personal data), and rows older
    than the window are vacuumed.
    """

    _name = "crm.website.request.log"
    _description = "Website Request Log"
    _order = "id desc"

    ip_hash = fields.Char(required=True, index=True, readonly=True)

    @api.model
    def _hash_ip(self, ip):
        return hmac(self.env(su=True), "crm_phases-website-request-ip", ip or "")

    @api.model
    def _check_rate_limit(self, ip, company):
        """Raise when ``ip`` already sent the company's limit within the window."""
        limit = company.website_request_rate_limit
        if limit <= 0:
            return
        count = self.search_count(
            [
                ("ip_hash", "=", self._hash_ip(ip)),
                ("create_date", ">=", fields.Datetime.now() - RATE_WINDOW),
            ]
        )
        if count >= limit:
            raise UserError(
                _(
                    "Too many requests from your network. Please try again in a "
                    "few minutes or call us."
                )
            )

    @api.model
    def _log_request(self, ip):
        return self.create([{"ip_hash": self._hash_ip(ip)}])

    @api.autovacuum
    def _gc_request_logs(self):
        self.search(
            [("create_date", "<", fields.Datetime.now() - RATE_WINDOW)]
        ).unlink()
