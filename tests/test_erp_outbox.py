"""The external ERP interface end to end: an order confirmed over JSON-RPC is
delivered by the server's job runner (queue_job) to the external ERP, another Odoo
(the second database ERP_TEST_DB on the same server, prepared by scripts/test.sh),
and arrives there once."""

import os
import time
import uuid

import pytest

from odoo_rpc import OdooRPC


@pytest.fixture
def erp(odoo_server):
    db = os.environ.get("ERP_TEST_DB")
    if not db:
        pytest.fail(
            "ERP_TEST_DB is not set: scripts/test.sh prepares the external ERP's "
            "database (<test db>_erp) and exports its name"
        )
    try:
        return OdooRPC(odoo_server["url"], db, "admin", "admin")
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"the external ERP database {db} does not answer: {error}")


@pytest.fixture
def erp_backend(admin, erp, odoo_server):
    """An Odoo backend on the second database; archived afterwards so that other
    tests' orders are not delivered."""
    backend = admin.execute(
        "erp.backend",
        "create",
        [
            {
                "name": f"E2E ERP {uuid.uuid4().hex[:6]}",
                "adapter": "odoo",
                "odoo_url": odoo_server["url"],
                "odoo_database": erp.db,
                "odoo_login": "admin",
                "odoo_password": "admin",
                "odoo_confirm_order": True,
                "timeout": 30,
            }
        ],
    )[0]
    yield backend
    admin.execute("erp.backend", "write", [backend], {"active": False})


def wait_for_outbox(client, order, states=("sent", "failed"), timeout=120):
    deadline = time.monotonic() + timeout
    fields = ["state", "attempts", "external_ref", "idempotency_key", "last_error"]
    while True:
        found = client.execute(
            "erp.outbox", "search_read", [("order_id", "=", order)], fields
        )
        if (found and found[0]["state"] in states) or time.monotonic() > deadline:
            return found
        time.sleep(1)


def test_confirmed_order_arrives_in_the_erp_once(admin, salesperson, erp, erp_backend):
    code = f"E2E-PV-{uuid.uuid4().hex[:8]}"
    product_values = {"name": f"PV-Modul {code}", "default_code": code, "type": "consu"}
    product = admin.execute("product.product", "create", [product_values])[0]
    erp.execute("product.product", "create", [product_values])
    vat_free_customer = salesperson.execute(
        "res.partner",
        "create",
        [{"name": f"Sonnenschein AG {code}", "is_company": True, "ref": code}],
    )[0]
    order = salesperson.execute(
        "sale.order",
        "create",
        [
            {
                "partner_id": vat_free_customer,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 70})],
            }
        ],
    )[0]
    salesperson.execute("sale.order", "action_confirm", [order])

    [outbox] = wait_for_outbox(salesperson, order)
    assert outbox["state"] == "sent", outbox
    assert outbox["attempts"] == 1
    received = erp.execute(
        "sale.order",
        "search_read",
        [("origin", "=", outbox["idempotency_key"])],
        ["name", "state", "partner_id", "client_order_ref"],
    )
    assert len(received) == 1
    assert received[0]["name"] == outbox["external_ref"]
    assert received[0]["state"] == "sale"
    ours = salesperson.execute(
        "sale.order", "read", [order], ["ab_number", "erp_external_ref"]
    )[0]
    assert ours["erp_external_ref"] == received[0]["name"]
    assert received[0]["client_order_ref"] == ours["ab_number"]
    erp_partner = erp.execute(
        "res.partner", "read", [received[0]["partner_id"][0]], ["ref"]
    )[0]
    assert erp_partner["ref"] == code

    # cancelled and confirmed again: not delivered a second time
    salesperson.execute(
        "sale.order", "action_cancel", [order], context={"disable_cancel_warning": True}
    )
    salesperson.execute("sale.order", "action_draft", [order])
    salesperson.execute("sale.order", "action_confirm", [order])
    assert len(wait_for_outbox(salesperson, order)) == 1
    assert (
        erp.execute(
            "sale.order", "search_count", [("origin", "=", outbox["idempotency_key"])]
        )
        == 1
    )
