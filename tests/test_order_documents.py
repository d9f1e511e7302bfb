"""Order processing over JSON-RPC: a confirmed order's order confirmation (AB) is filed
as a PDF on the order and on the customer by the background job, and renamed when its
invoice is posted; the PDF shows the AB number and the customer's address."""

import base64
import subprocess
import time
import uuid


def _attachments(client, model, res_id):
    return client.execute(
        "ir.attachment",
        "search_read",
        [("res_model", "=", model), ("res_id", "=", res_id)],
        ["name", "checksum", "mimetype"],
        order="id",
    )


def _wait_for_attachments(client, model, res_id, timeout=90):
    """The filing runs in a queue job of the server's job runner: wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        found = _attachments(client, model, res_id)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(1)


def _pdftotext(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_confirmed_order_is_filed_and_renamed_with_its_invoice(admin):
    tag = uuid.uuid4().hex[:6]
    customer_name = f"Sonnenschein AG {tag}"
    customer = admin.execute(
        "res.partner",
        "create",
        [
            {
                "name": customer_name,
                "is_company": True,
                "street": "Sonnenallee 12",
                "zip": "80331",
                "city": "München",
                "country_id": admin.ref("base.de"),
            }
        ],
    )[0]
    category = admin.execute(
        "product.category", "create", [{"name": f"PV-Module {tag}"}]
    )[0]
    product = admin.execute(
        "product.product",
        "create",
        [
            {
                "name": f"PV-Modul 410 Wp {tag}",
                "type": "consu",
                "list_price": 189.0,
                "categ_id": category,
            }
        ],
    )[0]
    # a text block proposed by its rule (the product's category)
    admin.execute(
        "base.comment.template",
        "create",
        [
            {
                "name": f"Hinweis Netzanmeldung {tag}",
                "models": "sale.order",
                "position": "after_lines",
                "rule_categ_ids": [(6, 0, [category])],
                "text": f"<p>Die Netzanmeldung übernehmen wir ({tag}).</p>",
            }
        ],
    )
    order = admin.execute(
        "sale.order",
        "create",
        [
            {
                "partner_id": customer,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 10})],
            }
        ],
    )[0]
    admin.execute("sale.order", "action_confirm", [order])
    ab_number = admin.execute("sale.order", "read", [order], ["ab_number"])[0][
        "ab_number"
    ]
    assert ab_number.startswith("AB ")

    filed = _wait_for_attachments(admin, "sale.order", order)
    name = f"{customer_name}_{ab_number}.pdf"
    assert [a["name"] for a in filed] == [name]
    on_customer = _attachments(admin, "res.partner", customer)
    assert [a["name"] for a in on_customer] == [name]
    assert on_customer[0]["checksum"] == filed[0]["checksum"]

    raw = base64.b64decode(
        admin.execute("ir.attachment", "read", [filed[0]["id"]], ["datas"])[0]["datas"]
    )
    assert raw.startswith(b"%PDF")
    text = _pdftotext(raw)
    assert ab_number in text
    assert customer_name in text
    assert "Sonnenallee 12" in text
    assert "80331 München" in text
    assert f"Die Netzanmeldung übernehmen wir ({tag})." in text, "text block printed"

    # invoice the order and post the invoice
    wizard = admin.execute(
        "sale.advance.payment.inv",
        "create",
        [{"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order])]}],
    )[0]
    admin.execute("sale.advance.payment.inv", "create_invoices", [wizard])
    invoice = admin.execute("sale.order", "read", [order], ["invoice_ids"])[0][
        "invoice_ids"
    ][0]
    admin.execute("account.move", "action_post", [invoice])
    invoice_name = admin.execute("account.move", "read", [invoice], ["name"])[0]["name"]

    renamed = f"{customer_name}_{ab_number}_Re {invoice_name.replace('/', '-')}.pdf"
    after = _attachments(admin, "sale.order", order) + _attachments(
        admin, "res.partner", customer
    )
    assert [a["name"] for a in after] == [renamed, renamed]
    assert {a["checksum"] for a in after} == {filed[0]["checksum"]}
