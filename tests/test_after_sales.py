"""After-sales over JSON-RPC: a salesperson confirms an order with a Solar product for
a prospect company; the company becomes a customer with Solar, and the back office's
"bought Solar since …" search finds it once, and the mailing to the found companies
addresses its preferred contact only."""

import datetime
import uuid


def test_confirmed_order_makes_solar_customer(admin, salesperson):
    tag = uuid.uuid4().hex[:6]
    solar = admin.ref("crm_phases.business_field_solar")
    category = admin.execute(
        "product.category",
        "create",
        [{"name": f"E2E Solar {tag}", "business_field_id": solar}],
    )[0]
    product = admin.execute(
        "product.product",
        "create",
        [{"name": f"E2E PV-Modul {tag}", "categ_id": category, "list_price": 189.0}],
    )[0]
    company = salesperson.execute(
        "res.partner",
        "create",
        [{"name": f"Sonnenschein AG {tag}", "is_company": True}],
    )[0]
    contact, colleague = salesperson.execute(
        "res.partner",
        "create",
        [
            {
                "name": f"Anna Schmidt {tag}",
                "parent_id": company,
                "email": f"anna.{tag}@sonnenschein.example",
            },
            {
                "name": f"Bernd Meier {tag}",
                "parent_id": company,
                "email": f"bernd.{tag}@sonnenschein.example",
            },
        ],
    )
    before = salesperson.execute(
        "res.partner", "read", [company], ["customer_status", "business_field_ids"]
    )[0]
    assert (before["customer_status"], before["business_field_ids"]) == ("prospect", [])

    order = salesperson.execute(
        "sale.order",
        "create",
        [
            {
                "partner_id": contact,
                "user_id": salesperson.uid,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 10})],
            }
        ],
    )[0]
    salesperson.execute("sale.order", "action_confirm", [order])

    fields = ["customer_status", "customer_since", "business_field_ids"]
    rows = salesperson.execute(
        "res.partner", "read", [company, contact, colleague], fields
    )
    today = datetime.date.today()
    for row in rows:
        assert row["customer_status"] == "customer"
        assert row["business_field_ids"] == [solar]
        since = datetime.date.fromisoformat(row["customer_since"])
        assert abs((since - today).days) <= 1

    # the back office: "Customers Who Bought…" Solar since the start of this year
    wizard = salesperson.execute(
        "crm.bought.business.field.wizard",
        "create",
        [
            {
                "business_field_ids": [(6, 0, [solar])],
                "date_since": f"{today.year}-01-01",
            }
        ],
    )[0]
    action = salesperson.execute(
        "crm.bought.business.field.wizard", "action_open_customers", [wizard]
    )
    found = salesperson.execute(
        "res.partner",
        "search",
        action["domain"] + [("name", "ilike", tag)],
    )
    assert found == [company]
    # and the search field "Bought in Business Field" of the contact list
    found = salesperson.execute(
        "res.partner",
        "search",
        [
            ("business_field_revenue_ids.business_field_id", "ilike", "Solar"),
            ("name", "ilike", tag),
        ],
    )
    assert found == [company]

    # one recipient per company: the preferred contact, the colleague left out
    admin.execute("res.partner", "write", [contact], {"is_preferred_recipient": True})
    wizard = salesperson.execute(
        "mailmerge.recipient.wizard",
        "create",
        [{"partner_ids": [(6, 0, found)], "channel": "mail"}],
    )[0]
    lines = salesperson.execute(
        "mailmerge.recipient.wizard.line",
        "search_read",
        [("wizard_id", "=", wizard)],
        ["recipient_id", "how"],
    )
    assert [(line["recipient_id"][0], line["how"]) for line in lines] == [
        (contact, "preferred")
    ]
