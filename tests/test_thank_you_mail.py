"""A salesperson thanks the visitors of a trade fair: personalised mails leave through
Odoo's mail queue to a real SMTP server, the blacklisted visitor gets nothing, and the
visitor registered twice gets one mail. Opening the unsubscribe link in the mail (as a
mail scanner does) changes nothing; confirming on the page, or the mail program's
one-click POST, blocks the address."""

import re
import uuid

import requests

UNSUBSCRIBE_RE = re.compile(r"/mailmerge_letters/unsubscribe/\d+/\d{8}-[0-9a-f]{64}")


def test_thank_you_mail_to_fair_visitors(
    admin, salesperson, make_trade_fair, smtp_server, odoo_server
):
    salesman = salesperson
    tag = uuid.uuid4().hex[:6]
    campaign = make_trade_fair(
        f"IAA {tag}",
        date_start="2025-09-09",
        date_end="2025-09-14",
        place="Frankfurt am Main",
    )
    emails = {
        "erika": f"erika.{tag}@waerme.example",
        "john": f"john.{tag}@heat.example",
        "bea": f"bea.{tag}@blocked.example",
    }
    partners = admin.execute(
        "res.partner",
        "create",
        [
            {
                "firstname": "Erika",
                "lastname": f"Muster{tag}",
                "form_of_address": "ms",
                "lang": "de_DE",
                "email": emails["erika"],
            },
            {
                "firstname": "John",
                "lastname": f"Smith{tag}",
                "form_of_address": "mr",
                "lang": "en_US",
                "email": emails["john"],
            },
            {"name": f"Bea Blockiert {tag}", "email": emails["bea"]},
        ],
    )
    admin.execute("mail.blacklist", "create", [{"email": emails["bea"]}])
    # John came to the booth twice: two conversations, one thank-you mail
    salesman.execute(
        "crm.campaign.activity",
        "create",
        [
            {"campaign_id": campaign, "partner_id": partner}
            for partner in [*partners, partners[1]]
        ],
    )

    wizard = salesman.execute(
        "crm.campaign.thank.you.wizard", "create", [{"campaign_id": campaign}]
    )[0]
    preview = salesman.execute(
        "crm.campaign.thank.you.wizard",
        "read",
        [wizard],
        ["recipient_ids", "skipped_count", "sample_body"],
    )[0]
    assert sorted(preview["recipient_ids"]) == sorted(partners[:2])
    assert preview["skipped_count"] == 1
    assert f"Sehr geehrte Frau Muster{tag}," in preview["sample_body"]
    salesman.execute("crm.campaign.thank.you.wizard", "action_send", [wizard])

    # queued, not sent: the e2e server runs no crons, admin runs the mail queue
    cron = admin.ref("mail.ir_cron_mail_scheduler_action")
    admin.execute("ir.cron", "method_direct_trigger", [cron])

    def to(address):
        return lambda message: address in message["to"]

    bodies = {}
    for name in ("erika", "john"):
        received = smtp_server.wait_for(to(emails[name]))
        assert len(received) == 1, name
        message = received[0]["message"]
        assert f"IAA {tag}" in message["Subject"]
        assert UNSUBSCRIBE_RE.search(message["List-Unsubscribe"])
        bodies[name] = message.get_body(preferencelist=("html",)).get_content()
        if name == "john":
            received_john = message
    assert f"Sehr geehrte Frau Muster{tag}," in bodies["erika"]
    assert "vielen Dank für Ihren Besuch" in bodies["erika"]
    assert f"Dear Mr Smith{tag}," in bodies["john"]
    assert "Frankfurt am Main" in bodies["john"]
    assert not smtp_server.wait_for(to(emails["bea"]), timeout=1)

    activities = salesman.execute(
        "crm.campaign.activity",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["partner_id", "state", "thanked_message_id"],
    )
    thanked = [a["partner_id"][0] for a in activities if a["state"] == "thanked"]
    assert sorted(thanked) == sorted([*partners[:2], partners[1]])
    john = [
        a["thanked_message_id"] for a in activities if a["partner_id"][0] == partners[1]
    ]
    assert john[0] == john[1]

    def blacklisted(address):
        return admin.execute(
            "mail.blacklist", "search_count", [("email", "=", address)]
        )

    # a mail scanner opens Erika's link: a page that asks, nothing changes
    url = odoo_server["url"] + UNSUBSCRIBE_RE.search(bodies["erika"]).group(0)
    browser = requests.Session()
    page = browser.get(url, timeout=30)
    assert page.status_code == 200
    assert "Von unseren E-Mails abmelden?" in page.text
    assert emails["erika"] not in page.text
    assert f"e***@w{'*' * 5}.example" in page.text
    assert not blacklisted(emails["erika"])

    # Erika confirms on the page (the form's POST with its CSRF token)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = browser.post(
        url, data={"csrf_token": csrf, "action": "unsubscribe"}, timeout=30
    )
    assert done.status_code == 200
    assert "Sie sind abgemeldet" in done.text
    assert blacklisted(emails["erika"])

    # John's mail program unsubscribes him with one click (RFC 8058)
    one_click = odoo_server["url"] + UNSUBSCRIBE_RE.search(
        received_john["List-Unsubscribe"]
    ).group(0)
    assert received_john["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = requests.post(
        one_click, data={"List-Unsubscribe": "One-Click"}, timeout=30
    )
    assert response.status_code == 200
    assert blacklisted(emails["john"])
