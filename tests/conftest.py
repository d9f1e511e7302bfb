"""End-to-end fixtures: a real Odoo server on a free localhost port against the test
database, a real SMTP server capturing what Odoo sends, and JSON-RPC clients.

The README's test command sets ODOO_TEST_DB (a database with our addons installed),
ODOO_PATH, ODOO_ADDONS_PATH and ODOO_DATA_DIR.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from odoo_rpc import OdooRPC

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".test-results"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CapturingHandler:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        with self.received:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "message": message,
                }
            )
            self.received.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, timeout=20):
        """Messages matching ``predicate``; waits up to ``timeout`` s for one."""
        deadline = time.monotonic() + timeout
        with self.received:
            while True:
                found = [m for m in self.messages if predicate(m)]
                remaining = deadline - time.monotonic()
                if found or remaining <= 0:
                    return found
                self.received.wait(remaining)


@pytest.fixture(scope="session")
def smtp_server():
    handler = CapturingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def odoo_server(smtp_server):
    db = os.environ.get("ODOO_TEST_DB")
    odoo_path = os.environ.get("ODOO_PATH", "/opt/odoo")
    if not db:
        pytest.exit(
            "ODOO_TEST_DB is not set: run the suite through the README's test command",
            2,
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    RESULTS.mkdir(exist_ok=True)
    log = open(RESULTS / "e2e-odoo-server.log", "wb")  # noqa: SIM115 (closed below)
    command = [
        sys.executable,
        f"{odoo_path}/odoo-bin",
        f"--addons-path={os.environ['ODOO_ADDONS_PATH']}",
        f"--data-dir={os.environ['ODOO_DATA_DIR']}",
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--http-interface=127.0.0.1",
        "--smtp=127.0.0.1",
        f"--smtp-port={smtp_server.port}",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=info",
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            pytest.exit(
                f"Odoo server exited with {process.returncode}; see {log.name}", 2
            )
        try:
            OdooRPC.jsonrpc(url, "common", "version", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.exit(f"Odoo server did not answer on {url} within 180 s", 2)
            time.sleep(0.5)
    yield {"url": url, "db": db}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def admin(odoo_server):
    return OdooRPC(odoo_server["url"], odoo_server["db"], "admin", "admin")


@pytest.fixture
def make_user(admin, odoo_server):
    """Create an internal user with the given groups (XML ids); return its client."""

    def _make_user(groups, name="E2E User"):
        login = f"e2e-{uuid.uuid4().hex[:8]}"
        password = f"pw-{uuid.uuid4().hex}"
        group_ids = [admin.ref(xmlid) for xmlid in groups]
        admin.execute(
            "res.users",
            "create",
            [
                {
                    "name": name,
                    "login": login,
                    "password": password,
                    "email": f"{login}@installer.example",
                    "groups_id": [(6, 0, group_ids)],
                }
            ],
        )
        return OdooRPC(odoo_server["url"], odoo_server["db"], login, password)

    return _make_user
