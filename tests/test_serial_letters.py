"""Serial letters as the back office runs them over JSON-RPC: "customers who bought
Solar" → the Solar letter (the shipped German template) → the background job renders
the letters → the combined PDF is downloaded over HTTP with a browser session; every
recipient's address and salutation is in it, in order, the objector is left out, and
each recipient's history holds their own letter."""

import datetime
import subprocess
import time
import uuid

import requests

BACKGROUND = "mailmerge_letters.letter_background_recipients"


def _pdftotext(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _solar_customer(admin, product, name, tag, **values):
    """A company (or person) that bought the Solar product: a confirmed order."""
    partner = admin.execute(
        "res.partner",
        "create",
        [
            {
                "name": f"{name} {tag}",
                "street": "Sonnenallee 12",
                "zip": "80331",
                "city": "München",
                "country_id": admin.ref("base.de"),
                "lang": "de_DE",
                **values,
            }
        ],
    )[0]
    order = admin.execute(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 4})],
            }
        ],
    )[0]
    admin.execute("sale.order", "action_confirm", [order])
    return partner


def _browser(odoo_server, login, password):
    """A logged-in browser session (what the download link in the notification
    needs)."""
    session = requests.Session()
    response = session.post(
        f"{odoo_server['url']}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {
                "db": odoo_server["db"],
                "login": login,
                "password": password,
            },
        },
        timeout=30,
    )
    assert response.json().get("result", {}).get("uid"), response.text
    return session


def test_solar_letter_for_customers_who_bought_solar(admin, make_user, odoo_server):
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
        [{"name": f"E2E PV-Speicher {tag}", "categ_id": category, "list_price": 99}],
    )[0]
    lichtblick = _solar_customer(
        admin, product, "Lichtblick GmbH", tag, is_company=True
    )
    lena, _colleague = admin.execute(
        "res.partner",
        "create",
        [
            {
                "firstname": "Lena",
                "lastname": f"Licht {tag}",
                "form_of_address": "ms",
                "academic_title": "Dr.",
                "parent_id": lichtblick,
                "is_preferred_recipient": True,
                "lang": "de_DE",
            },
            {
                "firstname": "Kai",
                "lastname": f"Kollege {tag}",
                "form_of_address": "mr",
                "parent_id": lichtblick,
                "lang": "de_DE",
            },
        ],
    )
    sonja = _solar_customer(
        admin,
        product,
        "Sonja Sommer",
        tag,
        firstname="Sonja",
        lastname=f"Sommer {tag}",
        form_of_address="ms",
    )
    objector = _solar_customer(
        admin,
        product,
        "Otto Objekt",
        tag,
        firstname="Otto",
        lastname=f"Objekt {tag}",
        form_of_address="mr",
        postal_objection=True,
    )

    back_office = make_user(
        [
            "sales_team.group_sale_salesman_all_leads",
            "base.group_partner_manager",
        ],
        name="Bea Büro",
    )
    # a German office: the web client sends the user's language with every call
    admin.execute("res.users", "write", [back_office.uid], {"lang": "de_DE"})
    # "Customers Who Bought…" Solar since the start of this year
    wizard = back_office.execute(
        "crm.bought.business.field.wizard",
        "create",
        [
            {
                "business_field_ids": [(6, 0, [solar])],
                "date_since": f"{datetime.date.today().year}-01-01",
            }
        ],
    )[0]
    action = back_office.execute(
        "crm.bought.business.field.wizard", "action_open_customers", [wizard]
    )
    customers = back_office.execute(
        "res.partner", "search", action["domain"] + [("name", "ilike", tag)]
    )
    assert set(customers) >= {lichtblick, sonja, objector}

    # every run goes to the background job, however small
    before = admin.execute("ir.config_parameter", "get_param", BACKGROUND)
    admin.execute("ir.config_parameter", "set_param", BACKGROUND, "0")
    try:
        context = {
            "lang": "de_DE",
            "active_model": "res.partner",
            "active_ids": customers,
        }
        template = admin.ref("mailmerge_letters.letter_template_solar_de")
        # the wizard as the form opens it: who is left out and why
        shown = back_office.execute(
            "mailmerge.letter.wizard",
            "onchange",
            [],
            {},
            [],
            {
                "template_id": {},
                "partner_ids": {},
                "recipient_count": {},
                "skipped_line_ids": {"fields": {"partner_id": {}, "reason": {}}},
            },
            context=context,
        )["value"]
        reasons = {
            values["partner_id"]: values["reason"]
            for _command, _id, values in shown["skipped_line_ids"]
            if isinstance(values, dict)
        }
        assert reasons.get(objector) == "Hat der Briefwerbung widersprochen", shown
        letter = back_office.execute(
            "mailmerge.letter.wizard",
            "create",
            [{"template_id": template}],
            context=context,
        )[0]
        opened = back_office.execute(
            "mailmerge.letter.wizard", "action_print", [letter], context=context
        )
    finally:
        admin.execute("ir.config_parameter", "set_param", BACKGROUND, before or "100")
    run = opened["res_id"]

    deadline = time.monotonic() + 180
    while True:
        state = back_office.execute(
            "mailmerge.letter.run", "read", [run], ["state", "attachment_id"]
        )[0]
        if state["state"] != "queued" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert state["state"] == "done", state
    lines = back_office.execute(
        "mailmerge.letter.run.line",
        "search_read",
        [("run_id", "=", run)],
        ["partner_id", "state", "reason", "attachment_id", "sequence"],
        order="sequence, id",
    )
    printed = [line["partner_id"][0] for line in lines if line["state"] == "done"]
    left_out = {line["partner_id"][0] for line in lines if line["state"] == "skipped"}
    # one letter per company: Dr. Lena Licht for Lichtblick GmbH, not her colleague
    assert lena in printed and sonja in printed
    assert lichtblick not in printed and objector not in printed
    assert objector in left_out
    assert all(line["state"] in ("done", "skipped") for line in lines)

    # the download link of the notification, in the back office's browser
    browser = _browser(odoo_server, back_office.login, back_office.password)
    response = browser.get(
        f"{odoo_server['url']}/web/content/{state['attachment_id'][0]}?download=true",
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = _pdftotext(response.content)
    assert "Neues für unsere Solar-Kunden" in text
    assert f"Sehr geehrte Frau Dr. Licht {tag}," in text
    assert f"Sehr geehrte Frau Sommer {tag}," in text
    assert f"Lichtblick GmbH {tag}" in text
    assert "80331 München" in text
    assert f"Otto Objekt {tag}" not in text
    assert f"Kollege {tag}" not in text
    # in the order of the run
    greetings = {lena: f"Frau Dr. Licht {tag},", sonja: f"Frau Sommer {tag},"}
    positions = [text.index(greetings[p]) for p in printed if p in greetings]
    assert positions == sorted(positions)

    # each recipient's history: "Serienbrief …" with their own letter
    for partner in (lena, sonja):
        messages = back_office.execute(
            "mail.message",
            "search_read",
            [("model", "=", "res.partner"), ("res_id", "=", partner)],
            ["body", "attachment_ids"],
        )
        letters = [m for m in messages if "Serienbrief" in m["body"]]
        assert len(letters) == 1, messages
        assert "Neues für unsere Solar-Kunden" in letters[0]["body"]
        assert len(letters[0]["attachment_ids"]) == 1
        attachment = back_office.execute(
            "ir.attachment", "read", letters[0]["attachment_ids"], ["mimetype", "name"]
        )[0]
        assert attachment["mimetype"] == "application/pdf"
