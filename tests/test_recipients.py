"""One recipient per company: the back office marks a company's preferred contact for
mailings, checks whom a mailing addresses and downloads the merge data for Word; a fair
thanks one visitor per company when the company is set so. All over JSON-RPC, the
thank-you mail through a real SMTP server."""

import base64
import codecs
import csv
import io
import uuid

import pytest

from odoo_rpc import OdooRPCError


@pytest.fixture
def weber(make_user):
    """A back-office clerk and a company with three contacts, Petra preferred."""
    clerk = make_user(
        ["base.group_user", "base.group_partner_manager"], name="Bea Backoffice"
    )
    tag = uuid.uuid4().hex[:6]
    company = clerk.execute(
        "res.partner",
        "create",
        [
            {
                "name": f"Weber KG {tag}",
                "is_company": True,
                "email": f"info.{tag}@weber.example",
                "street": "Mühlenweg 12",
                "zip": "79312",
                "city": "Emmendingen",
                "lang": "en_US",
            }
        ],
    )[0]
    contacts = clerk.execute(
        "res.partner",
        "create",
        [
            {
                "firstname": first,
                "lastname": f"{last}{tag}",
                "form_of_address": form,
                "parent_id": company,
                "email": f"{first.lower()}.{tag}@weber.example",
                "lang": "en_US",
            }
            for first, last, form in (
                ("Markus", "Weber", "mr"),
                ("Petra", "Weber", "ms"),
                ("Tobias", "Kern", "mr"),
            )
        ],
    )
    clerk.execute(
        "res.partner", "write", [contacts[1]], {"is_preferred_recipient": True}
    )
    return clerk, tag, company, contacts


def _flags(client, ids):
    rows = client.execute("res.partner", "read", ids, ["is_preferred_recipient"])
    return [row["is_preferred_recipient"] for row in rows]


def test_preferred_contact_check_and_merge_data(weber):
    clerk, tag, company, (markus, petra, tobias) = weber
    # ticking another contact moves the flag; two at once is refused
    clerk.execute("res.partner", "write", [tobias], {"is_preferred_recipient": True})
    assert _flags(clerk, [markus, petra, tobias]) == [False, False, True]
    with pytest.raises(OdooRPCError, match="Only one contact of"):
        clerk.execute(
            "res.partner", "write", [markus, petra], {"is_preferred_recipient": True}
        )
    clerk.execute("res.partner", "write", [petra], {"is_preferred_recipient": True})
    assert _flags(clerk, [markus, petra, tobias]) == [False, True, False]

    # the check before a mailing: the company and two contacts selected, one line
    selection = [(6, 0, [company, markus, tobias])]
    wizard = clerk.execute(
        "mailmerge.recipient.wizard",
        "create",
        [{"partner_ids": selection, "channel": "mail"}],
    )[0]
    lines = clerk.execute(
        "mailmerge.recipient.wizard.line",
        "search_read",
        [("wizard_id", "=", wizard)],
        ["recipient_id", "how", "left_out_names"],
    )
    assert [(line["recipient_id"][0], line["how"]) for line in lines] == [
        (petra, "preferred")
    ]
    assert f"Markus Weber{tag}" in lines[0]["left_out_names"]

    # the merge data of the same selection: one row, the preferred contact
    export = clerk.execute(
        "mailmerge.export.wizard",
        "create",
        [{"partner_ids": selection, "channel": "mail", "file_format": "csv"}],
    )[0]
    action = clerk.execute(
        "mailmerge.export.wizard", "action_export", [export], context={"lang": "en_US"}
    )
    assert action["type"] == "ir.actions.act_url"
    attachment = int(action["url"].split("/")[3].split("?")[0])
    raw = base64.b64decode(
        clerk.execute("ir.attachment", "read", [attachment], ["datas"])[0]["datas"]
    )
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Address Name", "Letter Salutation", "Company"]
    assert len(rows) == 2
    assert rows[1][:3] == [
        f"Ms Petra Weber{tag}",
        f"Dear Ms Weber{tag}",
        f"Weber KG {tag}",
    ]


@pytest.fixture
def thank_one_per_company(admin):
    """Admin sets the thank-you e-mails to one per company; restored afterwards."""
    company_id = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0][
        "company_id"
    ][0]
    before = admin.execute(
        "res.company", "read", [company_id], ["thank_you_recipients"]
    )
    settings = admin.execute(
        "res.config.settings", "create", [{"thank_you_recipients": "company"}]
    )
    admin.execute("res.config.settings", "execute", settings)
    yield
    admin.execute(
        "res.company",
        "write",
        [company_id],
        {"thank_you_recipients": before[0]["thank_you_recipients"]},
    )


def test_thank_you_one_per_company(
    weber, thank_one_per_company, admin, salesperson, make_trade_fair, smtp_server
):
    _clerk, tag, _company, (markus, petra, tobias) = weber
    campaign = make_trade_fair(f"Intersolar {tag}")
    salesperson.execute(
        "crm.campaign.activity",
        "create",
        [{"campaign_id": campaign, "partner_id": p} for p in (markus, petra, tobias)],
    )
    wizard = salesperson.execute(
        "crm.campaign.thank.you.wizard", "create", [{"campaign_id": campaign}]
    )[0]
    preview = salesperson.execute(
        "crm.campaign.thank.you.wizard",
        "read",
        [wizard],
        ["recipient_ids", "skipped_count"],
        context={"lang": "en_US"},
    )[0]
    assert preview["recipient_ids"] == [petra]
    assert preview["skipped_count"] == 2
    salesperson.execute("crm.campaign.thank.you.wizard", "action_send", [wizard])
    cron = admin.ref("mail.ir_cron_mail_scheduler_action")
    admin.execute("ir.cron", "method_direct_trigger", [cron])
    received = smtp_server.wait_for(lambda m: f".{tag}@weber.example" in str(m["to"]))
    assert [m["to"] for m in received] == [[f"petra.{tag}@weber.example"]]
    assert not smtp_server.wait_for(
        lambda m: f"markus.{tag}@weber.example" in m["to"], timeout=1
    )
