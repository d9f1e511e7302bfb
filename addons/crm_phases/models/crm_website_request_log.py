from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize
from odoo.tools.misc import hmac

# how long each kind of use is counted
WINDOWS = {
    "ip": timedelta(minutes=10),
    "email": timedelta(hours=24),
}


class CrmWebsiteRequestLog(models.Model):
    """The website form's counters: requests per visitor address, confirmation
    e-mails per recipient address.

    One row per kind and key, holding the count of the current window. Only a keyed
    hash of the key is kept (no personal data), and expired rows are vacuumed.
    """

    _name = "crm.website.request.log"
    _description = "Website Request Log"
    _order = "id desc"

    kind = fields.Selection(
        [("ip", "Requests per Address"), ("email", "Confirmations per E-mail")],
        required=True,
        readonly=True,
    )
    key_hash = fields.Char(required=True, readonly=True)
    count = fields.Integer(readonly=True)
    window_start = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        (
            "kind_key_uniq",
            "unique (kind, key_hash)",
            "One counter per kind and key.",
        ),
    ]

    @api.model
    def _hash_key(self, kind, key):
        return hmac(self.env(su=True), f"crm_phases-website-request-{kind}", key or "")

    @api.model
    def _claim(self, kind, key, limit):
        """Count one more use of ``key`` and return whether it is within ``limit``
        uses in the window of ``kind`` (``limit`` <= 0: no limit, nothing counted).

        One upsert decides and row-locks the key's counter until the transaction
        ends. Counting first and inserting later lets parallel posts all pass: here
        a concurrent transaction on the same key waits for the lock, then fails to
        serialise and Odoo retries it (HTTP requests are retried on serialisation
        failures), so it sees the new count.
        """
        if limit <= 0:
            return True
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s AS log
                       (kind, key_hash, count, window_start,
                        create_uid, create_date, write_uid, write_date)
                VALUES (%(kind)s, %(key)s, 1, %(now)s,
                        %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (kind, key_hash) DO UPDATE
                   SET count = CASE WHEN log.window_start < %(expired)s
                                    THEN 1 ELSE log.count + 1 END,
                       window_start = CASE WHEN log.window_start < %(expired)s
                                           THEN %(now)s ELSE log.window_start END,
                       write_uid = %(uid)s,
                       write_date = %(now)s
                 WHERE log.window_start < %(expired)s OR log.count < %(limit)s
             RETURNING log.count
                """,
                table=SQL.identifier(self._table),
                kind=kind,
                key=self._hash_key(kind, key),
                now=now,
                expired=now - WINDOWS[kind],
                uid=self.env.uid,
                limit=limit,
            )
        )
        allowed = bool(self.env.cr.fetchone())
        self.invalidate_model()
        return allowed

    @api.model
    def _check_rate_limit(self, ip, company):
        """Count a request from ``ip``; raise when it exceeds the company's limit."""
        if not self._claim("ip", ip, company.website_request_rate_limit):
            raise UserError(
                _(
                    "Too many requests from your network. Please try again in a "
                    "few minutes or call us."
                )
            )

    @api.model
    def _claim_confirmation(self, email, company):
        """Count a confirmation e-mail to ``email``; False beyond the company's
        limit per 24 hours."""
        return self._claim(
            "email",
            email_normalize(email) or email,
            company.website_request_confirmation_limit,
        )

    @api.autovacuum
    def _gc_request_logs(self):
        now = fields.Datetime.now()
        for kind, window in WINDOWS.items():
            self.search(
                [("kind", "=", kind), ("window_start", "<", now - window)]
            ).unlink()
