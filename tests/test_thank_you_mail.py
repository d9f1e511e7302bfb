"""A salesperson thanks the visitors of a trade fair: personalised mails leave through
Odoo's mail queue to a real SMTP server, the blacklisted visitor gets nothing, and the
unsubscribe link in the mail blocks the address."""

import re
import urllib.request
import uuid

UNSUBSCRIBE_RE = re.compile(r"/crm_phases/unsubscribe/\d+/[0-9a-f]+")


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
    salesman.execute(
        "crm.campaign.activity",
        "create",
        [{"campaign_id": campaign, "partner_id": partner} for partner in partners],
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
    thanked = {a["partner_id"][0] for a in activities if a["state"] == "thanked"}
    assert thanked == set(partners[:2])

    # the unsubscribe link of Erika's mail blocks her address
    path = UNSUBSCRIBE_RE.search(bodies["erika"]).group(0)
    with urllib.request.urlopen(odoo_server["url"] + path, timeout=30) as response:
        assert response.status == 200
    assert admin.execute(
        "mail.blacklist", "search_count", [("email", "=", emails["erika"])]
    )
