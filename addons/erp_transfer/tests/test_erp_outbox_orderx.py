import http.server
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager

from lxml import etree

from odoo.tests import tagged

from odoo.addons.crm_phases.tests.queue_job_helpers import trap_jobs
from odoo.addons.erp_transfer.models.erp_orderx import ORDERX_NSMAP

from .common import ErpTransferCase
from .erp_outbox_common import ErpOutboxJobsMixin


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((dict(self.headers), body))
        status, headers = self.server.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def orderx_receiver(status=201, headers=None):
    """An ERP's Order-X endpoint: keeps what it gets, answers ``status``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    server.received, server.answer = [], (status, headers or {})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/orders", server.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)


@tagged("post_install", "-at_install")
class TestErpOutboxOrderx(ErpOutboxJobsMixin, ErpTransferCase):
    """The Order-X adapter: ORDER documents (220), schema-checked, POSTed with an
    Idempotency-Key header or written atomically into a folder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        germany = cls.env.ref("base.de")
        cls.company.write(
            {
                "street": "Industriestraße 7",
                "zip": "70173",
                "city": "Stuttgart",
                "country_id": germany.id,
                "vat": "DE276543216",
            }
        )
        cls.customer.vat = "DE123456788"
        tax_group = cls.env["account.tax.group"].create(
            [{"name": "USt. 19 %", "country_id": germany.id}]
        )
        cls.tax_19 = cls.env["account.tax"].create(
            [
                {
                    "name": "USt. 19 % (outbox test)",
                    "amount": 19.0,
                    "type_tax_use": "sale",
                    "country_id": germany.id,
                    "tax_group_id": tax_group.id,
                }
            ]
        )
        cls.folder = tempfile.mkdtemp(prefix="erp-orderx-")
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.backend = cls.env["erp.backend"].create(
            {
                "name": "Order-X ERP",
                "adapter": "orderx",
                "orderx_transport": "folder",
                "orderx_folder": cls.folder,
                "orderx_level": "comfort",
                "max_attempts": 3,
                "timeout": 5,
            }
        )

    def _deliver_new_order(self, trap):
        order = self._new_order(lines=[(self.product_module, 70)])
        order.order_line.tax_id = self.tax_19
        order.action_confirm()
        outbox = order.erp_outbox_ids
        self.assertEqual(len(outbox), 1)
        self._run_jobs(trap)
        return order, outbox

    def _type_code(self, xml_bytes):
        return etree.fromstring(xml_bytes).xpath(
            "//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=ORDERX_NSMAP
        )

    def test_folder_atomic_file_once(self):
        with trap_jobs() as trap:
            order, outbox = self._deliver_new_order(trap)
        path = os.path.join(self.folder, f"{outbox.idempotency_key}.xml")
        self.assertRecordValues(
            outbox,
            [
                {
                    "state": "sent",
                    "external_ref": os.path.basename(path),
                    "payload_ref": path,
                }
            ],
        )
        self.assertEqual(sorted(os.listdir(self.folder)), [os.path.basename(path)])
        with open(path, "rb") as handle:
            xml_bytes = handle.read()
        self.assertEqual(self._type_code(xml_bytes), ["220"])
        self.assertEqual(
            self.env["erp.orderx"]._check_orderx_xml(xml_bytes, "comfort"), []
        )
        # sent again (the first commit lost): the file is there, nothing rewritten
        mtime = os.stat(path).st_mtime_ns
        outbox.state = "pending"
        outbox._send_job()
        self.assertEqual(outbox.state, "sent")
        self.assertEqual(os.stat(path).st_mtime_ns, mtime)
        self.assertEqual(
            self.backend._get_adapter()._orderx_write_file(
                self.backend, outbox, b"<x/>"
            ),
            os.path.basename(path),
        )
        with open(path, "rb") as handle:
            self.assertEqual(handle.read(), xml_bytes, "an existing file is kept")
        self.assertEqual(len(os.listdir(self.folder)), 1, "no temporary files left")

    def test_http_post_with_idempotency_key(self):
        with orderx_receiver(201, {"X-Order-Number": "AU-4711"}) as (url, received):
            self.backend.write({"orderx_transport": "http", "orderx_url": url})
            with trap_jobs() as trap:
                order, outbox = self._deliver_new_order(trap)
        [(headers, body)] = received
        self.assertEqual(headers["Content-Type"], "application/xml")
        self.assertEqual(headers["Idempotency-Key"], outbox.idempotency_key)
        self.assertEqual(self._type_code(body), ["220"])
        self.assertRecordValues(outbox, [{"state": "sent", "external_ref": "AU-4711"}])
        self.assertEqual(order.erp_external_ref, "AU-4711")

    def test_http_500_retried(self):
        with orderx_receiver(503) as (url, received):
            self.backend.write({"orderx_transport": "http", "orderx_url": url})
            with trap_jobs() as trap:
                order, outbox = self._deliver_new_order(trap)
                self.assertEqual(len(self._outbox_jobs(trap)), 1, "retry queued")
        self.assertEqual(len(received), 1)
        self.assertRecordValues(outbox, [{"state": "pending", "attempts": 1}])
        self.assertIn("HTTP 503", outbox.last_error)

    def test_invalid_order_fails_before_sending(self):
        self.customer.country_id = False
        with orderx_receiver() as (url, received):
            self.backend.write({"orderx_transport": "http", "orderx_url": url})
            with trap_jobs() as trap:
                order, outbox = self._deliver_new_order(trap)
        self.assertFalse(received, "nothing invalid leaves")
        self.assertRecordValues(outbox, [{"state": "failed", "attempts": 1}])
        self.assertIn("has no country", outbox.last_error)
        self.assertEqual(order.erp_outbox_state, "failed")

    def test_missing_folder_is_retried(self):
        self.backend.sudo().orderx_folder = os.path.join(self.folder, "missing")
        with trap_jobs() as trap:
            order, outbox = self._deliver_new_order(trap)
        self.assertRecordValues(outbox, [{"state": "pending", "attempts": 1}])
        self.assertIn("does not exist", outbox.last_error)
