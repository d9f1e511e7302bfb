from odoo import api, fields, models
from odoo.tools import SQL


class ErpTransferLog(models.Model):
    """One transfer of a won opportunity into a sales order.

    The unique idempotency key (opportunity and generation) makes the transfer
    exactly once: whoever inserts the key first creates the order, every other
    caller (a second click, the won automation, another session) finds it. A
    "transfer again" is the next generation, with its reason.
    """

    _name = "erp.transfer.log"
    _description = "Opportunity Transfer Log"
    _order = "transfer_date desc, id desc"
    _rec_name = "idempotency_key"
    _check_company_auto = True

    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Opportunity",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Sales Order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", readonly=True
    )
    generation = fields.Integer(
        readonly=True,
        default=1,
        help="1 for the opportunity's first order, 2 and more for each explicit "
        "transfer again.",
    )
    idempotency_key = fields.Char(
        required=True,
        readonly=True,
        help="Opportunity and generation: the database accepts each key once, so "
        "no opportunity is transferred twice by accident.",
    )
    state = fields.Selection(
        selection=[("done", "Done"), ("failed", "Failed")],
        required=True,
        readonly=True,
        default="done",
        index=True,
    )
    attempts = fields.Integer(readonly=True, default=1)
    error = fields.Text(readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        default=lambda self: self.env.user,
    )
    transfer_date = fields.Datetime(
        string="Date", required=True, readonly=True, default=fields.Datetime.now
    )
    reason = fields.Text(
        readonly=True, help="Why the opportunity was transferred again."
    )

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "unique(idempotency_key)",
            "An opportunity is transferred only once per idempotency key.",
        ),
    ]

    @api.model
    def _make_idempotency_key(self, lead, generation):
        return f"crm.lead-{lead.id}-order-{generation}"

    @api.model
    def _claim(self, leads, generations, reason=None):
        """Claim the transfer of ``leads`` (generation per lead id); return the
        claimed log records, state ``done``.

        One ``INSERT ... ON CONFLICT``: a new key, or a key whose last attempt
        failed, is claimed by this transaction; a key another transaction holds
        makes this one wait on the unique index, then skip it (the other one
        committed) or fail to serialise and be retried by Odoo.
        """
        if not leads:
            return self.browse()
        self.flush_model()
        now = self.env.cr.now()
        uid = self.env.uid
        ids = leads.ids
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s AS log (
                       idempotency_key, lead_id, company_id, generation, state,
                       attempts, user_id, transfer_date, reason,
                       create_uid, create_date, write_uid, write_date)
                   SELECT key, lead_id, company_id, generation, 'done', 1, %(uid)s,
                          %(now)s, %(reason)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(keys)s::varchar[], %(lead_ids)s::int[],
                                 %(company_ids)s::int[], %(generations)s::int[])
                          AS claim(key, lead_id, company_id, generation)
              ON CONFLICT (idempotency_key) DO UPDATE
                      SET state = 'done', attempts = log.attempts + 1, error = NULL,
                          user_id = EXCLUDED.user_id,
                          transfer_date = EXCLUDED.transfer_date,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date
                    WHERE log.state = 'failed'
                RETURNING log.id""",
                table=SQL.identifier(self._table),
                uid=uid,
                now=now,
                reason=reason or None,
                keys=[
                    self._make_idempotency_key(lead, generations[lead.id])
                    for lead in leads
                ],
                lead_ids=ids,
                company_ids=[
                    (lead.company_id or self.env.company).id for lead in leads
                ],
                generations=[generations[lead.id] for lead in leads],
            )
        )
        claimed = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_model()
        return claimed

    @api.model
    def _log_failures(self, errors, generation=1):
        """Record failed attempts (``{lead id: error}``); a key already done stays
        done. The failure is visible in the log, the next attempt claims it."""
        if not errors:
            return
        self.flush_model()
        leads = self.env["crm.lead"].browse(list(errors))
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s AS log (
                       idempotency_key, lead_id, company_id, generation, state,
                       attempts, error, user_id, transfer_date,
                       create_uid, create_date, write_uid, write_date)
                   SELECT key, lead_id, company_id, %(generation)s, 'failed', 1,
                          error, %(uid)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(keys)s::varchar[], %(lead_ids)s::int[],
                                 %(company_ids)s::int[], %(errors)s::text[])
                          AS failure(key, lead_id, company_id, error)
              ON CONFLICT (idempotency_key) DO UPDATE
                      SET attempts = log.attempts + 1, error = EXCLUDED.error,
                          user_id = EXCLUDED.user_id,
                          transfer_date = EXCLUDED.transfer_date,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date
                    WHERE log.state = 'failed'""",
                table=SQL.identifier(self._table),
                generation=generation,
                uid=self.env.uid,
                now=now,
                keys=[self._make_idempotency_key(lead, generation) for lead in leads],
                lead_ids=leads.ids,
                company_ids=[
                    (lead.company_id or self.env.company).id for lead in leads
                ],
                errors=[str(errors[lead.id]) for lead in leads],
            )
        )
        self.invalidate_model()
