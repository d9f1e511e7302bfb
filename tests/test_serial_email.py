"""The back office sends a letter template as serial e-mail to a selection of
contacts over JSON-RPC, as it would from the contacts list: the SMTP server receives
one mail per company, none for the blacklisted address; each mail carries its
unsubscribe link, and a mail program's one-click POST blocks the address."""

import re
import uuid

import requests

UNSUBSCRIBE_RE = re.compile(r"/mailmerge_letters/unsubscribe/\d+/\d{8}-[0-9a-f]{64}")


def test_serial_email_one_per_company(admin, make_user, smtp_server, odoo_server):
    clerk = make_user(
        ["base.group_user", "base.group_partner_manager"], name="Bea Backoffice"
    )
    tag = uuid.uuid4().hex[:6]
    company = clerk.execute(
        "res.partner",
        "create",
        [{"name": f"Sonnen KG {tag}", "is_company": True, "lang": "de_DE"}],
    )[0]
    emails = {
        "markus": f"markus.{tag}@sonnen.example",
        "petra": f"petra.{tag}@sonnen.example",
        "jana": f"jana.{tag}@privat.example",
        "bea": f"bea.{tag}@blocked.example",
    }
    partners = clerk.execute(
        "res.partner",
        "create",
        [
            {
                "firstname": "Markus",
                "lastname": f"Sonne{tag}",
                "form_of_address": "mr",
                "parent_id": company,
                "email": emails["markus"],
                "lang": "de_DE",
            },
            {
                "firstname": "Petra",
                "lastname": f"Sonne{tag}",
                "form_of_address": "ms",
                "parent_id": company,
                "email": emails["petra"],
                "lang": "de_DE",
            },
            {
                "firstname": "Jana",
                "lastname": f"Privat{tag}",
                "form_of_address": "ms",
                "email": emails["jana"],
                "lang": "de_DE",
            },
            {"name": f"Bea Blockiert {tag}", "email": emails["bea"]},
        ],
    )
    admin.execute("mail.blacklist", "create", [{"email": emails["bea"]}])
    template = clerk.execute(
        "mailmerge.letter.template",
        "create",
        [
            {
                "name": f"Solar {tag}",
                "subject": f"Neues zu Solar {tag}",
                "body_html": "<p>wir informieren Sie über Solar.</p>",
                "closing": "Mit freundlichen Grüßen",
            }
        ],
    )[0]
    context = {"active_model": "res.partner", "active_ids": partners}
    wizard = clerk.execute(
        "mailmerge.letter.wizard",
        "create",
        [{"template_id": template, "channel": "mail"}],
        context=context,
    )[0]
    preview = clerk.execute(
        "mailmerge.letter.wizard", "read", [wizard], ["recipient_count"]
    )[0]
    assert preview["recipient_count"] == 2  # Markus for the company, and Jana
    action = clerk.execute("mailmerge.letter.wizard", "action_send_mail", [wizard])
    run = clerk.execute(
        "mailmerge.letter.run",
        "read",
        [action["res_id"]],
        ["channel", "state", "done_count", "skipped_count"],
    )[0]
    assert (run["channel"], run["state"], run["done_count"]) == ("mail", "done", 2)
    assert run["skipped_count"] == 2  # Petra (same company), Bea (blacklisted)

    # queued, not sent: the e2e server runs no crons, admin runs the mail queue
    cron = admin.ref("mail.ir_cron_mail_scheduler_action")
    admin.execute("ir.cron", "method_direct_trigger", [cron])

    def to(address):
        return lambda message: address in message["to"]

    markus = smtp_server.wait_for(to(emails["markus"]))
    jana = smtp_server.wait_for(to(emails["jana"]))
    assert len(markus) == 1 and len(jana) == 1
    message = jana[0]["message"]
    assert message["Subject"] == f"Neues zu Solar {tag}"
    body = message.get_body(preferencelist=("html",)).get_content()
    assert f"Sehr geehrte Frau Privat{tag}," in body
    assert "Mit freundlichen Grüßen" in body
    assert UNSUBSCRIBE_RE.search(body)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not smtp_server.wait_for(to(emails["petra"]), timeout=1)
    assert not smtp_server.wait_for(to(emails["bea"]), timeout=1)

    # every recipient's history holds the mail
    history = clerk.execute(
        "mail.message",
        "search_count",
        [
            ("model", "=", "res.partner"),
            ("res_id", "in", partners),
            ("body", "ilike", f"Solar {tag}: Neues zu Solar {tag}"),
        ],
    )
    assert history == 2

    # Jana's mail program unsubscribes her with one click (RFC 8058)
    url = odoo_server["url"] + UNSUBSCRIBE_RE.search(message["List-Unsubscribe"]).group(
        0
    )
    response = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert response.status_code == 200
    assert admin.execute(
        "mail.blacklist", "search_count", [("email", "=", emails["jana"])]
    )
