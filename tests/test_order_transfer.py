"""A salesperson transfers a won opportunity to a sales order over JSON-RPC (the
button's method); a second call gives the same order; the order carries the
opportunity's customer, lines and web reference, and is confirmed and invoiced."""

import uuid


def _won_opportunity(admin, salesperson, tag):
    customer = admin.execute(
        "res.partner",
        "create",
        [
            {
                "name": f"Sonnenschein AG {tag}",
                "is_company": True,
                "street": "Sonnenallee 12",
                "zip": "80331",
                "city": "München",
                "email": f"info-{tag}@sonnenschein.example",
            }
        ],
    )[0]
    product = admin.execute(
        "product.product",
        "create",
        [
            {
                "name": f"PV-Modul 410 Wp {tag}",
                "type": "consu",
                "list_price": 189.0,
                "invoice_policy": "order",
            }
        ],
    )[0]
    won_stage = salesperson.execute(
        "crm.stage", "search", [("is_won", "=", True)], order="sequence", limit=1
    )[0]
    lead = salesperson.execute(
        "crm.lead",
        "create",
        [
            {
                "name": f"PV Hallendach {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": salesperson.uid,
                "web_reference": f"WEB-E2E-{tag}",
                "lead_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "name": f"PV-Modul 410 Wp {tag}",
                            "product_qty": 70,
                            "price_unit": 175.0,
                        },
                    )
                ],
            }
        ],
    )[0]
    salesperson.execute("crm.lead", "write", [lead], {"stage_id": won_stage})
    return customer, product, lead


def test_won_opportunity_becomes_an_order_once(admin, salesperson):
    tag = uuid.uuid4().hex[:6]
    customer, product, lead = _won_opportunity(admin, salesperson, tag)

    action = salesperson.execute("crm.lead", "action_transfer_to_order", [lead])
    order_id = action["res_id"]
    again = salesperson.execute("crm.lead", "action_transfer_to_order", [lead])
    assert again["res_id"] == order_id
    assert salesperson.execute(
        "sale.order", "search", [("opportunity_id", "=", lead)]
    ) == [order_id]
    logs = salesperson.execute(
        "erp.transfer.log",
        "search_read",
        [("lead_id", "=", lead)],
        ["state", "order_id", "attempts"],
    )
    assert [(log["state"], log["order_id"][0], log["attempts"]) for log in logs] == [
        ("done", order_id, 1)
    ]

    order = salesperson.execute(
        "sale.order",
        "read",
        [order_id],
        ["partner_id", "client_order_ref", "opportunity_id", "user_id", "state"],
    )[0]
    assert order["partner_id"][0] == customer
    assert order["client_order_ref"] == f"WEB-E2E-{tag}"
    assert order["opportunity_id"][0] == lead
    assert order["user_id"][0] == salesperson.uid
    assert order["state"] == "draft"
    lines = salesperson.execute(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        ["product_id", "product_uom_qty", "price_unit", "name"],
    )
    assert [
        (line["product_id"][0], line["product_uom_qty"], line["price_unit"])
        for line in lines
    ] == [(product, 70.0, 175.0)]

    # confirmed by the salesperson, invoiced and posted by the accountant (admin)
    salesperson.execute("sale.order", "action_confirm", [order_id])
    wizard = admin.execute(
        "sale.advance.payment.inv",
        "create",
        [
            {
                "advance_payment_method": "delivered",
                "sale_order_ids": [(6, 0, [order_id])],
            }
        ],
    )[0]
    admin.execute("sale.advance.payment.inv", "create_invoices", [wizard])
    invoice_ids = admin.execute("sale.order", "read", [order_id], ["invoice_ids"])[0][
        "invoice_ids"
    ]
    assert len(invoice_ids) == 1
    admin.execute("account.move", "action_post", invoice_ids)
    invoice = admin.execute(
        "account.move",
        "read",
        invoice_ids,
        ["state", "partner_id", "amount_untaxed", "invoice_origin"],
    )[0]
    assert invoice["state"] == "posted"
    assert invoice["partner_id"][0] == customer
    assert invoice["amount_untaxed"] == 70 * 175.0
    order = admin.execute("sale.order", "read", [order_id], ["name", "invoice_status"])[
        0
    ]
    assert order["invoice_status"] == "invoiced"
    assert invoice["invoice_origin"] == order["name"]
    # transferring the now invoiced opportunity again still gives that order
    again = salesperson.execute("crm.lead", "action_transfer_to_order", [lead])
    assert again["res_id"] == order_id
