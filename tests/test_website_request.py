"""A prospect requests a quote on the website: the form over HTTP (session cookie and
CSRF token), the reference on the confirmation page, the confirmation mail at the SMTP
server."""

import re
import uuid

import requests

FORM_PATH = "/angebot-anfordern"


def _hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_prospect_requests_a_quote(
    admin, odoo_server, smtp_server, make_user, order_desk
):
    tag = uuid.uuid4().hex[:6]
    address = f"anfrage-{tag}@kunde.example"
    company = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]
    # the end-to-end client fills the form faster than a person: no minimum time
    admin.execute(
        "res.company",
        "write",
        [company["company_id"][0]],
        {"website_request_min_seconds": 0, "website_request_rate_limit": 0},
    )
    product, not_offered = admin.execute(
        "product.product",
        "create",
        [
            {
                "name": f"Wärmepumpe {tag}",
                "list_price": 12500.0,
                "sale_ok": True,
                "quote_form_published": True,
            },
            {"name": f"Möbelaufbau {tag}", "list_price": 80.0, "sale_ok": True},
        ],
    )

    browser = requests.Session()
    page = browser.get(odoo_server["url"] + FORM_PATH, timeout=30)
    assert page.status_code == 200
    assert f"Wärmepumpe {tag}" in page.text
    # saleable, but not offered on the form: neither shown nor accepted
    assert f"Möbelaufbau {tag}" not in page.text
    refused = browser.post(
        odoo_server["url"] + FORM_PATH + "/submit",
        data={
            "csrf_token": _hidden(page.text, "csrf_token"),
            "form_token": _hidden(page.text, "form_token"),
            "contact_name": f"Jörg Interessent {tag}",
            "email_from": address,
            "privacy_consent": "1",
            f"product_qty_{not_offered}": "1",
        },
        timeout=30,
    )
    assert "o_website_request_error" in refused.text
    response = browser.post(
        odoo_server["url"] + FORM_PATH + "/submit",
        data={
            "csrf_token": _hidden(page.text, "csrf_token"),
            "form_token": _hidden(page.text, "form_token"),
            "homepage": "",
            "form_of_address": "mr",
            "academic_title": "Dr.",
            "contact_name": f"Jörg Interessent {tag}",
            "email_from": address,
            "city": "Mannheim",
            "description": "Einfamilienhaus, Baujahr 1978, 160 m²",
            "completion_period": "dates",
            "date_from": "2027-04-01",
            "date_to": "2027-06-30",
            "privacy_consent": "1",
            f"product_qty_{product}": "1",
        },
        timeout=30,
    )
    assert response.status_code == 200
    reference = re.search(r"WEB-\d{4}-\d{5}", response.text).group(0)
    # the requested period, in the website's language
    assert re.search(
        r"04/01/2027 to 06/30/2027|01\.04\.2027 bis 30\.06\.2027", response.text
    )
    # the thank-you page shows the request once
    again = browser.get(odoo_server["url"] + FORM_PATH + "/danke", timeout=30)
    assert again.status_code == 200
    assert reference not in again.text

    leads = admin.execute(
        "crm.lead",
        "search_read",
        [("web_reference", "=", reference)],
        [
            "contact_name",
            "expected_revenue",
            "source_id",
            "form_of_address",
            "academic_title",
            "privacy_consent_date",
        ],
    )
    assert [lead["contact_name"] for lead in leads] == [f"Jörg Interessent {tag}"]
    assert (leads[0]["form_of_address"], leads[0]["academic_title"]) == ("mr", "Dr.")
    assert leads[0]["privacy_consent_date"]
    assert leads[0]["expected_revenue"] == 12500.0

    # crons are off in this server: send the queued confirmation now
    queued = admin.execute(
        "mail.mail", "search", [("email_to", "=", address), ("state", "=", "outgoing")]
    )
    assert len(queued) == 1
    admin.execute("mail.mail", "send", queued)
    received = smtp_server.wait_for(lambda m: address in m["to"])
    assert len(received) == 1
    message = received[0]["message"]
    assert reference in message["Subject"]
    body = message.get_body(preferencelist=("html", "plain")).get_content()
    assert reference in body

    # a salesperson wins the request over JSON-RPC: the order clerk gets one task,
    # also when the opportunity is won a second time
    salesman = make_user(["sales_team.group_sale_salesman"], name="Vera Vertrieb")
    lead = leads[0]["id"]
    won_stage = salesman.execute(
        "crm.stage", "search", [("is_won", "=", True)], order="sequence", limit=1
    )[0]
    salesman.execute("crm.lead", "write", [lead], {"user_id": salesman.uid})
    salesman.execute("crm.lead", "write", [lead], {"stage_id": won_stage})
    salesman.execute("crm.lead", "action_set_won", [lead])
    tasks = order_desk.execute(
        "mail.activity",
        "search_read",
        [("res_model", "=", "crm.lead"), ("res_id", "=", lead)],
        ["activity_type_id", "user_id", "note"],
    )
    create_order = admin.ref("crm_phases.mail_activity_type_create_order")
    assert [(t["activity_type_id"][0], t["user_id"][0]) for t in tasks] == [
        (create_order, order_desk.uid)
    ]
    assert reference in tasks[0]["note"]


PHISHING = "Konto gesperrt! Jetzt entsperren: https://phish.example/login"


def test_confirmation_repeats_no_visitor_text(admin, odoo_server, smtp_server):
    """The form sends mail in the company's name to any typed address: the mail
    carries the reference, the catalogue's product names and the period, nothing the
    visitor typed."""
    tag = uuid.uuid4().hex[:6]
    address = f"opfer-{tag}@kunde.example"
    company = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]
    admin.execute(
        "res.company",
        "write",
        [company["company_id"][0]],
        {"website_request_min_seconds": 0, "website_request_rate_limit": 0},
    )
    product = admin.execute(
        "product.product",
        "create",
        [
            {
                "name": f"Pelletkessel {tag}",
                "list_price": 9800.0,
                "sale_ok": True,
                "quote_form_published": True,
            }
        ],
    )[0]

    browser = requests.Session()
    page = browser.get(odoo_server["url"] + FORM_PATH, timeout=30)
    response = browser.post(
        odoo_server["url"] + FORM_PATH + "/submit",
        data={
            "csrf_token": _hidden(page.text, "csrf_token"),
            "form_token": _hidden(page.text, "form_token"),
            "homepage": "",
            "contact_name": PHISHING,
            "partner_name": PHISHING,
            "email_from": address,
            "city": PHISHING,
            "description": PHISHING,
            "completion_period": "dates",
            "date_from": "2027-03-01",
            "date_to": "2027-04-30",
            "privacy_consent": "1",
            f"product_qty_{product}": "1",
        },
        timeout=30,
    )
    assert response.status_code == 200
    reference = re.search(r"WEB-\d{4}-\d{5}", response.text).group(0)

    queued = admin.execute(
        "mail.mail", "search", [("email_to", "=", address), ("state", "=", "outgoing")]
    )
    assert len(queued) == 1
    admin.execute("mail.mail", "send", queued)
    received = smtp_server.wait_for(lambda m: address in m["to"])
    assert [m["to"] for m in received] == [[address]]
    message = received[0]["message"]
    body = message.get_body(preferencelist=("html", "plain")).get_content()
    assert reference in message["Subject"]
    assert reference in body
    assert f"Pelletkessel {tag}" in body
    assert "2027" in body
    for text in ("phish.example", "gesperrt", "entsperren"):
        assert text not in body
        assert text not in message["Subject"]
        assert text not in message["To"]
