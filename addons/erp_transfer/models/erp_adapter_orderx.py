import contextlib
import os
import re
import uuid

import requests

from odoo import _, api, fields, models

from .erp_adapter import ErpError


# each adapter registers its type and settings next to its code (as Odoo's payment
# providers do), so that an adapter is one file here and one module elsewhere
class ErpBackend(models.Model):
    """The Order-X adapter's type and settings."""

    _inherit = "erp.backend"  # pylint: disable=consider-merging-classes-inherited

    adapter = fields.Selection(
        selection_add=[("orderx", "Order-X (HTTP or folder)")],
        ondelete={"orderx": "cascade"},
    )
    orderx_transport = fields.Selection(
        selection=[("http", "HTTP POST"), ("folder", "Folder")],
        string="Transport",
        default="http",
    )
    orderx_url = fields.Char(
        string="Order-X URL",
        help="The ERP's address that takes ORDER documents (POST, application/xml).",
    )
    orderx_auth_header = fields.Char(
        string="Authorization Header",
        groups="sales_team.group_sale_manager",
        copy=False,
        help='Sent as is, e.g. "Bearer <token>"; empty: none.',
    )
    # a path on the server: only administrators choose where the server writes
    orderx_folder = fields.Char(
        string="Folder",
        groups="base.group_system",
        help="Folder on the Odoo server (e.g. a share the ERP imports from); one "
        "file per order, named by its idempotency key.",
    )
    orderx_level = fields.Selection(
        selection=[("basic", "Basic"), ("comfort", "Comfort")],
        string="Order-X Profile",
        default="comfort",
    )


class ErpAdapterOrderx(models.AbstractModel):
    """Order-X ORDER (type 220) documents, validated against the XSD and the
    schematron before they leave: POSTed to the ERP with the idempotency key in an
    ``Idempotency-Key`` header (the receiver dedupes on it), or written atomically
    to a folder as ``<key>.xml`` (an existing file is the order sent before)."""

    _name = "erp.adapter.orderx"
    _inherit = "erp.adapter"
    _description = "External ERP Adapter: Order-X"

    @api.model
    def _orderx_xml(self, backend, outbox):
        """The checked ORDER XML of the outbox's order; problems of the master data
        or of the XML are not retried: somebody has to complete the data."""
        Orderx = self.env["erp.orderx"]
        order = outbox.order_id
        level = backend.orderx_level or "comfort"
        problems = Orderx._get_orderx_problems(order, level)
        if not problems:
            xml_bytes = Orderx._build_orderx_xml(order, "order", level)
            problems = Orderx._check_orderx_xml(xml_bytes, level)
        if problems:
            raise ErpError(
                _("No valid Order-X document: %s", " ".join(problems)),
                retryable=False,
            )
        return xml_bytes

    # Folder

    @api.model
    def _orderx_file_path(self, backend, outbox):
        name = re.sub(r"[^\w.-]", "_", outbox.idempotency_key)
        return os.path.join(backend.orderx_folder, f"{name}.xml")

    @api.model
    def _orderx_check_folder(self, backend):
        folder = backend.orderx_folder
        if not folder or not os.path.isdir(folder):
            raise ErpError(_("The folder %s does not exist.", folder or "-"))
        if not os.access(folder, os.W_OK):
            raise ErpError(_("The folder %s is not writable.", folder))

    @api.model
    def _orderx_write_file(self, backend, outbox, xml_bytes):
        """Write to a temporary name in the folder, then link it to the final name:
        the ERP never sees a half-written file, and a file that exists already is
        not overwritten (the order was sent before)."""
        self._orderx_check_folder(backend)
        path = self._orderx_file_path(backend, outbox)
        temporary = os.path.join(backend.orderx_folder, f".{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(xml_bytes)
                handle.flush()
                os.fsync(handle.fileno())
            # os.link never overwrites: an existing file is the order sent before
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        except OSError as error:
            raise ErpError(
                _("Cannot write %(path)s: %(error)s", path=path, error=error)
            ) from error
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return os.path.basename(path)

    # HTTP

    @api.model
    def _orderx_post(self, backend, outbox, xml_bytes):
        url = backend.orderx_url
        headers = {
            "Content-Type": "application/xml",
            "Idempotency-Key": outbox.idempotency_key,
        }
        if backend.orderx_auth_header:
            headers["Authorization"] = backend.orderx_auth_header
        response = self._erp_http_post(backend, url, data=xml_bytes, headers=headers)
        if not response.ok:
            raise ErpError(
                _(
                    "%(url)s refused the order (HTTP %(status)s): %(text)s",
                    url=url,
                    status=response.status_code,
                    text=response.text[:500],
                ),
                retryable=False,
            )
        return self._orderx_external_ref(response, outbox)

    @api.model
    def _orderx_external_ref(self, response, outbox):
        """The ERP's number from its answer: an ``X-Order-Number`` header or the
        last segment of ``Location``; else the number of our document."""
        number = response.headers.get("X-Order-Number")
        location = response.headers.get("Location")
        if not number and location:
            number = location.rstrip("/").rsplit("/", 1)[-1]
        return number or self.env["erp.orderx"]._get_orderx_number(outbox.order_id)

    # Adapter steps

    @api.model
    def _erp_check_connection(self, backend):
        if backend.orderx_transport == "folder":
            self._orderx_check_folder(backend)
            return _("The folder %s is writable.", backend.orderx_folder)
        try:
            response = requests.head(backend.orderx_url, timeout=backend.timeout)
        except requests.RequestException as error:
            raise ErpError(
                _(
                    "%(url)s is not reachable: %(error)s",
                    url=backend.orderx_url,
                    error=error,
                )
            ) from error
        return _(
            "%(url)s answers (HTTP %(status)s).",
            url=backend.orderx_url,
            status=response.status_code,
        )

    @api.model
    def _erp_find_order(self, backend, outbox):
        # HTTP: the receiver dedupes on the Idempotency-Key header
        if backend.orderx_transport == "folder":
            path = self._orderx_file_path(backend, outbox)
            if os.path.exists(path):
                return os.path.basename(path)
        return False

    @api.model
    def _erp_send_order(self, backend, outbox):
        xml_bytes = self._orderx_xml(backend, outbox)
        if backend.orderx_transport == "folder":
            return self._orderx_write_file(backend, outbox, xml_bytes)
        return self._orderx_post(backend, outbox, xml_bytes)

    @api.model
    def _erp_payload_ref(self, backend, outbox):
        if backend.orderx_transport == "folder":
            return self._orderx_file_path(backend, outbox)
        return backend.orderx_url
