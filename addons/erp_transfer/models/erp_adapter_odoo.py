import itertools
import logging

from odoo import _, api, fields, models

from .erp_adapter import ErpError

_logger = logging.getLogger(__name__)

# (url, database, login, password) -> user id in the other Odoo
_uid_cache = {}

# JSON-RPC errors of the receiving Odoo that a later attempt may not meet
TRANSIENT_RPC_ERRORS = (
    "psycopg2.errors.SerializationFailure",
    "psycopg2.errors.LockNotAvailable",
    "psycopg2.OperationalError",
    "odoo.exceptions.ConcurrencyError",
)


class ErpBackend(models.Model):
    """The Odoo adapter's type and connection settings."""

    _inherit = "erp.backend"

    adapter = fields.Selection(
        selection_add=[("odoo", "Odoo (JSON-RPC)")], ondelete={"odoo": "cascade"}
    )
    odoo_url = fields.Char(
        string="Odoo URL",
        help="Address of the other Odoo, e.g. https://erp.example.com",
    )
    odoo_database = fields.Char(string="Database")
    odoo_login = fields.Char(string="Login")
    odoo_password = fields.Char(
        string="Password or API Key",
        groups="sales_team.group_sale_manager",
        copy=False,
    )
    odoo_confirm_order = fields.Boolean(
        string="Confirm There",
        help="Confirm the order in the other Odoo after creating it.",
    )


class ErpAdapterOdoo(models.AbstractModel):
    """Another Odoo (any edition, 16.0 or later, no module needed there): its
    external API, JSON-RPC at ``/jsonrpc``. The idempotency key is written into the
    order's ``origin`` (Source Document) and looked up before creating; the
    customer reference carries our order number."""

    _name = "erp.adapter.odoo"
    _inherit = "erp.adapter"
    _description = "External ERP Adapter: Odoo"

    _rpc_ids = itertools.count(1)

    # JSON-RPC

    @api.model
    def _odoo_rpc(self, backend, service, method, *args):
        url = f"{(backend.odoo_url or '').rstrip('/')}/jsonrpc"
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._rpc_ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        response = self._erp_http_post(backend, url, json=payload)
        if response.status_code != 200:
            raise ErpError(
                _(
                    "%(url)s answered HTTP %(status)s.",
                    url=url,
                    status=response.status_code,
                ),
                retryable=False,
            )
        try:
            answer = response.json()
        except ValueError as error:
            raise ErpError(_("%(url)s did not answer JSON-RPC.", url=url)) from error
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            name = data.get("name") or ""
            if name == "odoo.exceptions.AccessDenied":
                _uid_cache.clear()  # the user there changed: log in again
            raise ErpError(
                _(
                    "The other Odoo refused %(method)s: %(error)s",
                    method=method if service != "object" else args[4],
                    error=data.get("message") or answer["error"].get("message"),
                ),
                retryable=name.startswith(TRANSIENT_RPC_ERRORS),
            )
        return answer.get("result")

    @api.model
    def _odoo_login(self, backend):
        """The other Odoo's user id; logging in (a password hash there) happens
        once per worker process and connection settings."""
        key = (
            backend.odoo_url,
            backend.odoo_database,
            backend.odoo_login,
            backend.odoo_password,
        )
        if key not in _uid_cache:
            _uid_cache[key] = self._odoo_authenticate(backend)
        return _uid_cache[key]

    @api.model
    def _odoo_authenticate(self, backend):
        uid = self._odoo_rpc(
            backend,
            "common",
            "authenticate",
            backend.odoo_database,
            backend.odoo_login,
            backend.odoo_password,
            {},
        )
        if not uid:
            raise ErpError(
                _(
                    "The other Odoo refused the login %(login)s on database %(db)s.",
                    login=backend.odoo_login,
                    db=backend.odoo_database,
                ),
                retryable=False,
            )
        return uid

    @api.model
    def _odoo_execute(self, backend, uid, model, method, *args, **kwargs):
        return self._odoo_rpc(
            backend,
            "object",
            "execute_kw",
            backend.odoo_database,
            uid,
            backend.odoo_password,
            model,
            method,
            list(args),
            kwargs,
        )

    # Adapter steps

    @api.model
    def _erp_check_connection(self, backend):
        uid = self._odoo_login(backend)
        version = self._odoo_rpc(backend, "common", "version")
        return _(
            "Logged in to %(db)s (Odoo %(version)s) as user %(uid)s.",
            db=backend.odoo_database,
            version=version.get("server_version"),
            uid=uid,
        )

    @api.model
    def _erp_find_order(self, backend, outbox):
        uid = self._odoo_login(backend)
        return self._odoo_find_order(backend, uid, outbox.idempotency_key)

    @api.model
    def _odoo_find_order(self, backend, uid, key):
        found = self._odoo_execute(
            backend,
            uid,
            "sale.order",
            "search_read",
            [("origin", "=", key)],
            fields=["name"],
            limit=1,
            context={"active_test": False},
        )
        return found and found[0]["name"]

    @api.model
    def _erp_send_order(self, backend, outbox):
        uid = self._odoo_login(backend)
        # the dedupe: an order that arrived before (its answer lost) is not made twice
        return self._odoo_find_order(
            backend, uid, outbox.idempotency_key
        ) or self._odoo_create_order(backend, uid, outbox)

    @api.model
    def _erp_deliver(self, backend, outbox):
        # _erp_send_order looks the key up first
        return self._erp_send_order(backend, outbox)

    @api.model
    def _odoo_create_order(self, backend, uid, outbox):
        order = outbox.order_id
        partner_id = self._erp_find_or_create_partner(backend, uid, order.partner_id)
        lines = self._odoo_prepare_lines(backend, uid, order)
        values = self._odoo_prepare_order_values(outbox, partner_id, lines)
        [order_id] = self._odoo_execute(backend, uid, "sale.order", "create", [values])
        if backend.odoo_confirm_order:
            self._odoo_execute(backend, uid, "sale.order", "action_confirm", [order_id])
        [read] = self._odoo_execute(
            backend, uid, "sale.order", "read", [order_id], ["name"]
        )
        return read["name"]

    @api.model
    def _erp_payload_ref(self, backend, outbox):
        return f"{backend.odoo_url} ({backend.odoo_database})"

    @api.model
    def _odoo_prepare_order_values(self, outbox, partner_id, lines):
        order = outbox.order_id
        return {
            "partner_id": partner_id,
            "client_order_ref": order.ab_number or order.name,
            "origin": outbox.idempotency_key,
            "order_line": [(0, 0, line) for line in lines],
        }

    # Partners and products

    @api.model
    def _odoo_partner_domains(self, partner):
        """Domains that find the customer in the other Odoo, tried in this order:
        VAT id, e-mail, reference."""
        domains = []
        for field in ("vat", "email", "ref"):
            if partner[field]:
                domains.append([(field, "=ilike", partner[field].strip())])
        return domains

    @api.model
    def _erp_find_or_create_partner(self, backend, uid, partner):
        """The other Odoo's id of the order's customer (the company): matched by VAT
        id, else e-mail, else reference; created when none matches."""
        partner = partner.commercial_partner_id
        for domain in self._odoo_partner_domains(partner):
            found = self._odoo_execute(
                backend,
                uid,
                "res.partner",
                "search",
                domain,
                limit=1,
                order="is_company desc, id",
            )
            if found:
                return found[0]
        values = self._odoo_prepare_partner_values(backend, uid, partner)
        [partner_id] = self._odoo_execute(
            backend, uid, "res.partner", "create", [values]
        )
        return partner_id

    @api.model
    def _odoo_prepare_partner_values(self, backend, uid, partner):
        values = {
            field: partner[field]
            for field in (
                "name",
                "is_company",
                "vat",
                "email",
                "phone",
                "ref",
                "street",
                "street2",
                "zip",
                "city",
            )
            if partner[field]
        }
        if partner.country_id:
            country = self._odoo_execute(
                backend,
                uid,
                "res.country",
                "search",
                [("code", "=", partner.country_id.code)],
                limit=1,
            )
            if country:
                values["country_id"] = country[0]
        return values

    @api.model
    def _odoo_prepare_lines(self, backend, uid, order):
        """Line values for the other Odoo; its products are matched by internal
        reference, else by name (two queries there for the whole order)."""
        lines = order.order_line.filtered(lambda line: not line.display_type)
        products = lines.product_id
        codes = [code for code in products.mapped("default_code") if code]
        by_code = (
            {
                p["default_code"]: p["id"]
                for p in self._odoo_execute(
                    backend,
                    uid,
                    "product.product",
                    "search_read",
                    [("default_code", "in", codes)],
                    fields=["default_code"],
                )
            }
            if codes
            else {}
        )
        unmatched = products.filtered(lambda p: p.default_code not in by_code)
        by_name = (
            {
                p["name"]: p["id"]
                for p in self._odoo_execute(
                    backend,
                    uid,
                    "product.product",
                    "search_read",
                    [("name", "in", unmatched.mapped("name"))],
                    fields=["name"],
                )
            }
            if unmatched
            else {}
        )
        missing = unmatched.filtered(lambda p: p.name not in by_name)
        if missing:
            raise ErpError(
                _(
                    "The other Odoo has no product with the internal reference or "
                    "name of: %s",
                    ", ".join(missing.mapped("display_name")),
                ),
                retryable=False,
            )
        values = []
        for line in order.order_line:
            if line.display_type:
                values.append({"display_type": line.display_type, "name": line.name})
                continue
            product = line.product_id
            values.append(
                {
                    "product_id": by_code.get(product.default_code)
                    or by_name[product.name],
                    "name": line.name,
                    "product_uom_qty": line.product_uom_qty,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                }
            )
        return values
