"""Fixtures of the ERP outbox tests: a backend per fault, fault servers in threads,
and the receiving ERP, a second database on this test server (ERP_TEST_DB)."""

import http.server
import os
import socket
import threading
import uuid
from contextlib import contextmanager

from odoo.tests import HttpCase

from .common import ErpTransferCase

ERP_DB_ENV = "ERP_TEST_DB"


def unused_port():
    """A port nothing listens on: the ERP refuses the connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_server():
    """A TCP server that accepts connections and never answers (an ERP that
    hangs); yields its URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


class _Error500Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append(self.path)
        body = b"Internal Server Error"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def error_500_server():
    """An HTTP server answering 500 to every POST; yields (URL, request paths)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Error500Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)


class ErpOutboxJobsMixin:
    """Run the delivery jobs a queue_job trap caught."""

    @staticmethod
    def _is_outbox_job(job):
        return job.model_name == "erp.outbox" and job.method_name == "_send_job"

    def _outbox_jobs(self, trap):
        """The delivery jobs waiting in the trap (confirming queues others too)."""
        return [job for job in trap.enqueued_jobs if self._is_outbox_job(job)]

    def _outbox_job_calls(self, trap):
        """How many delivery jobs were queued since the trap was set."""
        return len(
            [
                call
                for call in trap.calls
                if call.method.__self__._name == "erp.outbox"
                and call.method.__name__ == "_send_job"
            ]
        )

    def _run_jobs(self, trap, rounds=1):
        """Perform the trapped delivery jobs (and those they queue) ``rounds``
        times."""
        for _round in range(rounds):
            jobs = self._outbox_jobs(trap)
            if not jobs:
                break
            trap.enqueued_jobs = [
                job for job in trap.enqueued_jobs if not self._is_outbox_job(job)
            ]
            for job in jobs:
                job.perform()


class ErpOutboxCase(ErpOutboxJobsMixin, ErpTransferCase, HttpCase):
    """The receiving ERP is a real Odoo: the database ERP_TEST_DB on this test
    server (scripts/test.sh prepares it from the template database, with
    sale_management), reached over this server's own /jsonrpc."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.erp_db = os.environ.get(ERP_DB_ENV)
        cls.run_id = uuid.uuid4().hex[:10]
        # the receiving database keeps what the tests create: unique codes per run
        cls.product_code = f"ET-PV410-{cls.run_id}"
        cls.product_module.default_code = cls.product_code
        cls.backend = cls.env["erp.backend"].create(
            {
                "name": "Second Odoo",
                "adapter": "odoo",
                "odoo_url": cls.base_url(),
                "odoo_database": cls.erp_db or "missing",
                "odoo_login": "admin",
                "odoo_password": "admin",
                "timeout": 30,
                "max_attempts": 4,
                "user_id": cls.user_order_clerk.id,
            }
        )
        cls.Outbox = cls.env["erp.outbox"]

    # the receiving ERP

    def _require_erp_db(self):
        if not self.erp_db:
            self.fail(
                f"{ERP_DB_ENV} is not set: the ERP tests need a second database on "
                "this server (scripts/test.sh prepares <test db>_erp; for the fast "
                f"loop: prepare_test_db h_<name>_erp and export {ERP_DB_ENV})"
            )
        adapter = self.backend._get_adapter()
        try:
            uid = adapter._odoo_login(self.backend)
        except Exception as error:  # noqa: BLE001
            self.fail(
                f"{ERP_DB_ENV}={self.erp_db}: cannot log in as admin/admin on this "
                f"server's /jsonrpc: {error}"
            )
        return uid

    def _erp(self, model, method, *args, **kwargs):
        """Call the receiving database as its admin."""
        uid = self._require_erp_db()
        return self.backend._get_adapter()._odoo_execute(
            self.backend, uid, model, method, *args, **kwargs
        )

    def _erp_create_product(self, **values):
        [product_id] = self._erp(
            "product.product",
            "create",
            [
                {
                    "name": "PV-Modul 410 Wp",
                    "default_code": self.product_code,
                    "list_price": 189.0,
                    "type": "consu",
                    **values,
                }
            ],
        )
        return product_id

    def _erp_orders(self, key):
        return self._erp(
            "sale.order",
            "search_read",
            [("origin", "=", key)],
            fields=["name", "partner_id", "client_order_ref", "state", "order_line"],
        )

    # our side

    def _confirmed_order(self, trap, user=None, **values):
        user = user or self.user_salesman
        order = self._new_order(user_id=user.id, **values)
        order.with_user(user).action_confirm()
        outbox = self.Outbox.search([("order_id", "=", order.id)])
        self.assertEqual(len(outbox), 1)
        return order, outbox
