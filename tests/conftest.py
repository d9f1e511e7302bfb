"""End-to-end fixtures: a real Odoo server on a free localhost port against the test
database, a real SMTP server capturing what Odoo sends, and JSON-RPC clients.

The README's test command sets ODOO_TEST_DB (a database with our addons installed),
ODOO_PATH, ODOO_ADDONS_PATH and ODOO_DATA_DIR.
"""

import email
import email.policy
import os
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from odoo_harness import (
    OdooServerError,
    free_port,
    start_odoo_server,
    stop_odoo_server,
)
from odoo_rpc import OdooRPC

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".test-results"


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
    if not db:
        pytest.exit(
            "ODOO_TEST_DB is not set: run the suite through the README's test command",
            2,
        )
    RESULTS.mkdir(exist_ok=True)
    try:
        process, url = start_odoo_server(
            db, RESULTS / "e2e-odoo-server.log", smtp_port=smtp_server.port
        )
    except OdooServerError as error:
        pytest.exit(str(error), 2)
    yield {"url": url, "db": db}
    stop_odoo_server(process)


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


@pytest.fixture
def salesperson(make_user):
    """A salesperson who may create contacts (what Odoo gives internal users)."""
    return make_user(
        ["sales_team.group_sale_salesman", "base.group_partner_manager"],
        name="Vera Vertrieb",
    )


@pytest.fixture
def make_trade_fair(admin):
    """Create a trade-fair campaign as admin; returns its id."""

    def _make_trade_fair(title, **values):
        vals = {"title": title, "campaign_type": "trade_fair", **values}
        return admin.execute("utm.campaign", "create", [vals])[0]

    return _make_trade_fair


@pytest.fixture
def order_desk(admin, make_user):
    """Admin configures an order clerk (and the e-mail) in the CRM settings; the
    previous configuration is restored afterwards."""
    clerk = make_user(["base.group_user"], name="Olga Auftrag")
    fields = ["order_clerk_user_id", "order_handover_send_mail"]
    company_id = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0][
        "company_id"
    ][0]
    before = admin.execute("res.company", "read", [company_id], fields)[0]
    settings = admin.execute(
        "res.config.settings",
        "create",
        [{"order_clerk_user_id": clerk.uid, "order_handover_send_mail": True}],
    )
    admin.execute("res.config.settings", "execute", settings)
    yield clerk
    admin.execute(
        "res.company",
        "write",
        [company_id],
        {
            "order_clerk_user_id": before["order_clerk_user_id"]
            and before["order_clerk_user_id"][0],
            "order_handover_send_mail": before["order_handover_send_mail"],
        },
    )
