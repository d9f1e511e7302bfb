from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# fields only a sales manager changes by hand; the documents set them automatically
STATUS_FIELDS = ("customer_status", "customer_since", "customer_since_ref")
PURCHASE_FIELDS = ("first_purchase_date", "last_purchase_date", "purchase_order_count")
# context value that lets the contact merge carry the status over: an object, which
# no RPC caller can put into a context (JSON)
MERGE_SYNC = object()


class ResPartner(models.Model):
    """After-sales phase: what a company bought (business fields, revenue, dates) and
    whether it is a prospect or a customer, kept on the commercial entity and shown
    on its contacts like Odoo's other commercial fields (VAT, industry)."""

    _inherit = "res.partner"

    business_field_ids = fields.Many2many(
        "crm.business.field",
        "res_partner_crm_business_field_rel",
        "partner_id",
        "business_field_id",
        string="Business Fields",
        help="Business fields the company bought in (set when an order is confirmed "
        "or an invoice posted) or is interested in (set by hand). Kept on the "
        "company and shown on its contacts.",
    )
    # not required in the database: modules tested in a registry without ours
    # (at_install tests of other modules) create rows without it; empty reads as
    # the default
    customer_status = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer")],
        default="prospect",
        tracking=True,
        copy=False,
        index=True,
        help="Prospect until the first confirmed order or posted customer invoice "
        "of the company; sales managers may change it by hand.",
    )
    customer_since = fields.Date(tracking=True, copy=False)
    customer_since_ref = fields.Reference(
        [("sale.order", "Sales Order"), ("account.move", "Invoice")],
        string="Customer Since (Document)",
        copy=False,
        help="The order or invoice that made the company a customer.",
    )
    first_purchase_date = fields.Date(readonly=True, copy=False)
    last_purchase_date = fields.Date(readonly=True, copy=False)
    purchase_order_count = fields.Integer(
        string="Purchases",
        readonly=True,
        copy=False,
        help="Confirmed sales orders and posted customer invoices without order.",
    )
    business_field_revenue_ids = fields.One2many(
        "res.partner.business.field.revenue",
        "partner_id",
        string="Revenue per Business Field",
    )

    @api.model
    def _commercial_fields(self):
        return (
            super()._commercial_fields()
            + ["business_field_ids"]
            + list(STATUS_FIELDS)
            + list(PURCHASE_FIELDS)
        )

    # Manual override: sales managers only

    @api.model_create_multi
    def create(self, vals_list):
        if not self._crm_phases_may_set_status():
            for vals in vals_list:
                if vals.get("customer_status", "prospect") != "prospect" or any(
                    vals.get(fname) for fname in STATUS_FIELDS[1:]
                ):
                    self._crm_phases_raise_status_access()
        return super().create(vals_list)

    def write(self, vals):
        if STATUS_FIELDS_SET & vals.keys() and not self._crm_phases_may_set_status():
            self._crm_phases_check_status_unchanged(vals)
        return super().write(vals)

    def _crm_phases_may_set_status(self):
        """Superuser (the automatic setting and Odoo's commercial sync run as such),
        the contact merge and sales managers."""
        return (
            self.env.su
            or self.env.context.get("crm_phases_status_sync") is MERGE_SYNC
            or self.env.user.has_group("sales_team.group_sale_manager")
        )

    def _crm_phases_check_status_unchanged(self, vals):
        """Others may write the status fields only with the value they already have
        on the commercial entity (forms send unchanged values back)."""
        for partner in self:
            commercial = partner.commercial_partner_id
            for fname in STATUS_FIELDS_SET & vals.keys():
                field = self._fields[fname]
                new = field.convert_to_cache(vals[fname], partner, validate=False)
                old = field.convert_to_cache(commercial[fname], partner, validate=False)
                if (new or False) != (old or False):
                    self._crm_phases_raise_status_access()

    def _crm_phases_raise_status_access(self):
        raise AccessError(
            self.env._(
                "Only sales managers may change the customer status of a contact; "
                "it is set automatically by the first confirmed order or posted "
                "invoice."
            )
        )

    # Search "bought in business field X (since date Y)"

    @api.model
    def _search_bought_business_field(self, business_fields, since=None):
        """Domain of the customers (commercial entities) that bought in one of
        ``business_fields`` (records or ids), on or after ``since`` when given."""
        field_ids = (
            business_fields.ids
            if isinstance(business_fields, models.BaseModel)
            else list(business_fields)
        )
        line_domain = [("business_field_id", "in", field_ids)]
        if since:
            line_domain.append(
                ("last_date", ">=", fields.Date.to_string(fields.Date.to_date(since)))
            )
        return [("business_field_revenue_ids", "any", line_domain)]

    @api.model
    def _get_bought_business_field_partners(self, business_fields, since=None):
        """The customers that bought in ``business_fields`` (since ``since``)."""
        return self.search(self._search_bought_business_field(business_fields, since))

    # Kept current by the documents

    @api.model
    def _crm_phases_purchase_lines_sql(
        self, order_ids=None, move_ids=None, partner_ids=None
    ):
        """The purchases as SQL rows ``(partner_id, business_field_id, company_id,
        document, date, amount)``: lines of confirmed sales orders and of posted
        customer invoices that do not come from an order (those count with their
        order) and are not reversed by a credit note. ``partner_id`` is the
        commercial entity, ``document`` the order's id or the invoice's id
        negated (``purchases.document``: ``"sale.order,<id>"`` or
        ``"account.move,<id>"``), ``amount`` untaxed in the company currency
        (orders at their rate of the order date, invoices at the accounting's), and
        ``business_field_id`` that of the product's category or its nearest parent
        (NULL for none; a document without lines yields one row with NULL)."""
        order_where = SQL("TRUE")
        move_where = SQL("TRUE")
        if order_ids is not None or move_ids is not None:
            order_where = SQL("so.id = ANY(%s)", list(order_ids or []))
            move_where = SQL("am.id = ANY(%s)", list(move_ids or []))
        if partner_ids is not None:
            order_where = SQL(
                "%s AND p.commercial_partner_id = ANY(%s)",
                order_where,
                list(partner_ids),
            )
            move_where = SQL(
                "%s AND am.commercial_partner_id = ANY(%s)",
                move_where,
                list(partner_ids),
            )
        return SQL(
            """
            categ_field AS (
                SELECT DISTINCT ON (categ.id) categ.id AS categ_id,
                       parent.business_field_id
                  FROM product_category categ
                  JOIN product_category parent
                    ON parent.id::text = ANY(string_to_array(categ.parent_path, '/'))
                 WHERE parent.business_field_id IS NOT NULL
                 ORDER BY categ.id, length(parent.parent_path) DESC
            ),
            lines AS (
                SELECT p.commercial_partner_id AS partner_id,
                       cf.business_field_id,
                       so.company_id,
                       so.id AS document,
                       so.date_order::date AS date,
                       COALESCE(sol.price_subtotal, 0)
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  LEFT JOIN sale_order_line sol
                    ON sol.order_id = so.id
                   AND sol.display_type IS NULL
                   AND sol.is_downpayment IS NOT TRUE
                  LEFT JOIN product_product pp ON pp.id = sol.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN categ_field cf ON cf.categ_id = pt.categ_id
                 WHERE so.state = 'sale' AND %(order_where)s
                UNION ALL
                SELECT am.commercial_partner_id,
                       cf.business_field_id,
                       am.company_id,
                       -am.id,
                       COALESCE(am.invoice_date, am.date),
                       -COALESCE(aml.balance, 0)
                  FROM account_move am
                  LEFT JOIN account_move_line aml
                    ON aml.move_id = am.id AND aml.display_type = 'product'
                  LEFT JOIN product_product pp ON pp.id = aml.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN categ_field cf ON cf.categ_id = pt.categ_id
                 WHERE am.move_type = 'out_invoice'
                   AND am.state = 'posted'
                   AND am.payment_state IS DISTINCT FROM 'reversed'
                   AND am.commercial_partner_id IS NOT NULL
                   AND %(move_where)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM account_move_line inv_line
                          JOIN sale_order_line_invoice_rel rel
                            ON rel.invoice_line_id = inv_line.id
                         WHERE inv_line.move_id = am.id)
            ),
            revenue AS (
                SELECT partner_id, business_field_id, company_id,
                       SUM(amount) AS amount,
                       COUNT(DISTINCT document) AS document_count,
                       MIN(date) AS first_date, MAX(date) AS last_date
                  FROM lines
                 WHERE business_field_id IS NOT NULL
                 GROUP BY partner_id, business_field_id, company_id
            ),
            partner_purchases AS (
                SELECT partner_id, MIN(date) AS first_date, MAX(date) AS last_date,
                       COUNT(DISTINCT document) AS document_count,
                       (array_agg(document ORDER BY date, document))[1] AS key
                  FROM lines
                 GROUP BY partner_id
            ),
            purchases AS (
                SELECT partner_id, first_date, last_date, document_count,
                       CASE WHEN key > 0 THEN 'sale.order,' || key
                            ELSE 'account.move,' || -key END AS document
                  FROM partner_purchases
            )
            """,
            order_where=order_where,
            move_where=move_where,
        )

    @api.model
    def _crm_phases_add_purchases(self, orders=None, moves=None):
        """Add what ``orders`` (just confirmed) and ``moves`` (just posted) sold to
        their customers, in one statement for the whole batch: revenue lines, first
        and last purchase, number of purchases and business fields (manual ones
        stay), on the commercial entity and its contacts; then the prospects among
        them become customers (tracked). ``crm_phases_no_after_sales`` in the
        context skips it (benchmarks measure Odoo's own confirmation with it)."""
        if self.env.context.get("crm_phases_no_after_sales"):
            return
        orders = orders or self.env["sale.order"]
        moves = moves or self.env["account.move"]
        if not (orders or moves):
            return
        self.env.flush_all()
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                WITH %(lines)s,
                added_revenue AS (
                    INSERT INTO res_partner_business_field_revenue AS rev
                           (partner_id, business_field_id, company_id, currency_id,
                            amount, document_count, first_date, last_date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT revenue.partner_id, revenue.business_field_id,
                           revenue.company_id, company.currency_id, revenue.amount,
                           revenue.document_count, revenue.first_date,
                           revenue.last_date, %(uid)s, now() at time zone 'UTC',
                           %(uid)s, now() at time zone 'UTC'
                      FROM revenue
                      JOIN res_company company ON company.id = revenue.company_id
                    ON CONFLICT (partner_id, business_field_id, company_id)
                    DO UPDATE SET
                        amount = rev.amount + EXCLUDED.amount,
                        document_count = rev.document_count + EXCLUDED.document_count,
                        first_date = LEAST(rev.first_date, EXCLUDED.first_date),
                        last_date = GREATEST(rev.last_date, EXCLUDED.last_date),
                        write_uid = EXCLUDED.write_uid,
                        write_date = EXCLUDED.write_date
                ),
                added_fields AS (
                    INSERT INTO res_partner_crm_business_field_rel
                           (partner_id, business_field_id)
                    SELECT DISTINCT contact.id, revenue.business_field_id
                      FROM revenue
                      JOIN res_partner contact
                        ON contact.commercial_partner_id = revenue.partner_id
                    ON CONFLICT DO NOTHING
                ),
                updated AS (
                    UPDATE res_partner contact
                       SET first_purchase_date = LEAST(
                               contact.first_purchase_date, purchases.first_date),
                           last_purchase_date = GREATEST(
                               contact.last_purchase_date, purchases.last_date),
                           purchase_order_count = COALESCE(
                               contact.purchase_order_count, 0)
                               + purchases.document_count
                      FROM purchases
                     WHERE contact.commercial_partner_id = purchases.partner_id
                )
                SELECT purchases.partner_id, purchases.first_date, purchases.document
                  FROM purchases
                  JOIN res_partner partner ON partner.id = purchases.partner_id
                 WHERE partner.customer_status IS DISTINCT FROM 'customer'
                """,
                lines=self._crm_phases_purchase_lines_sql(orders.ids, moves.ids),
                uid=uid,
            )
        )
        new_customers = self.env.cr.fetchall()
        self._crm_phases_invalidate_after_sales()
        self._crm_phases_make_customers(new_customers)

    @api.model
    def _crm_phases_invalidate_after_sales(self):
        self.env["res.partner"].invalidate_model(
            ["business_field_ids", *PURCHASE_FIELDS]
        )
        self.env["res.partner.business.field.revenue"].invalidate_model()

    @api.model
    def _crm_phases_make_customers(self, rows):
        """``rows`` of ``(partner id, date, document)``: those commercial entities
        become customers since that date by that document: the document in one
        statement, status and date in one tracked write per date."""
        if not rows:
            return
        ids, dates, documents = zip(*rows, strict=True)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner contact SET customer_since_ref = firsts.document "
                "FROM unnest(%s::int[], %s::varchar[]) AS firsts(partner_id, document) "
                "WHERE contact.commercial_partner_id = firsts.partner_id",
                list(ids),
                list(documents),
            )
        )
        self.env["res.partner"].invalidate_model(["customer_since_ref"])
        by_date = defaultdict(list)
        for partner_id, date in zip(ids, dates, strict=True):
            by_date[date].append(partner_id)
        # sudo: the status follows the documents; only changing it by hand is
        # reserved to sales managers (the salesman confirming the order acts here)
        Partner = self.env["res.partner"].sudo()
        for date, partner_ids in by_date.items():
            Partner.browse(partner_ids).write(
                {"customer_status": "customer", "customer_since": date}
            )

    def _crm_phases_recompute_purchase_data(self):
        """Rebuild the purchase data of these commercial entities from their
        documents (after a cancelled order, a reversed invoice or a merge): revenue
        lines, dates and counts are recomputed, business fields only added; a status
        set by a document follows the first document still valid, or goes back to
        prospect when none is left; a status set by hand stays."""
        partners = self.commercial_partner_id
        if not partners:
            return
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM res_partner_business_field_revenue "
                "WHERE partner_id = ANY(%s)",
                partners.ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE res_partner SET first_purchase_date = NULL, "
                "last_purchase_date = NULL, purchase_order_count = 0 "
                "WHERE commercial_partner_id = ANY(%s)",
                partners.ids,
            )
        )
        firsts = self._crm_phases_fill_purchase_data(partners.ids)
        self._crm_phases_invalidate_after_sales()
        for partner in partners:
            first = firsts.get(partner.id)
            if partner.customer_status != "customer":
                if first:
                    self._crm_phases_make_customers([(partner.id, *first)])
            elif partner.customer_since_ref and not first:
                partner.sudo().write(
                    {
                        "customer_status": "prospect",
                        "customer_since": False,
                        "customer_since_ref": False,
                    }
                )
            elif partner.customer_since_ref and first:
                partner.sudo().write(
                    {"customer_since": first[0], "customer_since_ref": first[1]}
                )

    @api.model
    def _crm_phases_fill_purchase_data(self, partner_ids=None, set_status=False):
        """Insert revenue lines, purchase dates and counts and add business fields
        from the documents, for ``partner_ids`` (commercial entities) or all, in SQL
        (the revenue lines of those partners must not exist); with ``set_status``,
        the commercial entities with a purchase become customers since the first one
        (date and document kept where set) in the same statement. Returns
        ``{partner id: (first date, first document)}``."""
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(
            SQL(
                """
                WITH %(lines)s,
                added_revenue AS (
                    INSERT INTO res_partner_business_field_revenue
                           (partner_id, business_field_id, company_id, currency_id,
                            amount, document_count, first_date, last_date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT revenue.partner_id, revenue.business_field_id,
                           revenue.company_id, company.currency_id, revenue.amount,
                           revenue.document_count, revenue.first_date,
                           revenue.last_date, %(uid)s, now() at time zone 'UTC',
                           %(uid)s, now() at time zone 'UTC'
                      FROM revenue
                      JOIN res_company company ON company.id = revenue.company_id
                ),
                added_fields AS (
                    INSERT INTO res_partner_crm_business_field_rel
                           (partner_id, business_field_id)
                    SELECT DISTINCT contact.id, revenue.business_field_id
                      FROM revenue
                      JOIN res_partner contact
                        ON contact.commercial_partner_id = revenue.partner_id
                    ON CONFLICT DO NOTHING
                ),
                updated AS (
                    UPDATE res_partner contact
                       SET first_purchase_date = purchases.first_date,
                           last_purchase_date = purchases.last_date,
                           purchase_order_count = purchases.document_count,
                           customer_status = CASE WHEN %(set_status)s
                               THEN 'customer' ELSE contact.customer_status END,
                           customer_since = CASE WHEN %(set_status)s
                               THEN COALESCE(
                                   company.customer_since, purchases.first_date)
                               ELSE contact.customer_since END,
                           customer_since_ref = CASE WHEN %(set_status)s
                               THEN COALESCE(
                                   company.customer_since_ref, purchases.document)
                               ELSE contact.customer_since_ref END
                      FROM purchases
                      JOIN res_partner company ON company.id = purchases.partner_id
                     WHERE contact.commercial_partner_id = purchases.partner_id
                )
                SELECT partner_id, first_date, document FROM purchases
                """,
                lines=self._crm_phases_purchase_lines_sql(partner_ids=partner_ids),
                uid=uid,
                set_status=set_status,
            )
        )
        return {row[0]: (row[1], row[2]) for row in cr.fetchall()}

    @api.model
    def _crm_phases_backfill_purchase_data(self):
        """Purchase data, business fields and customer status of all contacts from
        the confirmed orders and posted invoices (install, upgrade, the manager's
        button): a few set-based statements, no query per order. Prospects with a
        purchase become customers since their first one (in SQL: no chatter message
        per contact); customers and manual business fields stay."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("DELETE FROM res_partner_business_field_revenue")
        cr.execute(
            "UPDATE res_partner SET first_purchase_date = NULL, "
            "last_purchase_date = NULL, purchase_order_count = 0 "
            "WHERE purchase_order_count <> 0 OR first_purchase_date IS NOT NULL"
        )
        firsts = self._crm_phases_fill_purchase_data(set_status=True)
        self._crm_phases_invalidate_after_sales()
        self.env["res.partner"].invalidate_model(list(STATUS_FIELDS))
        return len(firsts)

    def action_crm_phases_backfill_purchase_data(self):
        """The manager's button (Settings): rebuild the purchase data."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            self._crm_phases_raise_status_access()
        count = self.sudo()._crm_phases_backfill_purchase_data()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Purchase data rebuilt: %s customers with purchases.", count
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


STATUS_FIELDS_SET = frozenset(STATUS_FIELDS)
