"""A salesperson registers trade-fair visitors over JSON-RPC: known contacts are found
again instead of duplicated, visitors become opportunities and the fair's contact list
leaves as a CSV file for German Excel."""

import base64
import csv
import io
import uuid


def register(client, campaign, **visitor):
    """What the booth's "Register Visitor" dialog does: create the wizard, register."""
    contact_type = visitor.pop("contact_type", "booth")
    wizard = client.execute(
        "crm.campaign.visitor.wizard",
        "create",
        [{"campaign_id": campaign, "contact_type": contact_type, **visitor}],
    )[0]
    action = client.execute("crm.campaign.visitor.wizard", "action_register", [wizard])
    return action["res_id"]


def test_fair_visitors_to_opportunities_and_export(admin, salesperson, make_trade_fair):
    salesman = salesperson
    tag = uuid.uuid4().hex[:6]
    campaign = make_trade_fair(
        f"Intersolar {tag}",
        date_start="2025-06-10",
        date_end="2025-06-13",
        place="München",
    )
    known = admin.execute(
        "res.partner",
        "create",
        [{"name": f"Jörg Östreicher {tag}", "email": f"joerg.{tag}@waerme.example"}],
    )[0]

    first = register(
        salesman,
        campaign,
        firstname="Jörg",
        lastname=f"Östreicher {tag}",
        email=f"  Joerg.{tag.upper()}@WAERME.example ",
        phone="+49 69 123",
    )
    second = register(
        salesman,
        campaign,
        firstname="Lena",
        lastname=f"Neu {tag}",
        email=f"lena.{tag}@example.com",
        company_name=f"Neubau {tag} GmbH",
    )

    activities = salesman.execute(
        "crm.campaign.activity",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["partner_id", "state", "user_id"],
        order="id",
    )
    assert [a["id"] for a in activities] == [first, second]
    assert activities[0]["partner_id"][0] == known
    assert all(a["user_id"][0] == salesman.uid for a in activities)
    # no duplicate of the known contact, whose empty phone was completed
    same_email = admin.execute(
        "res.partner",
        "search_read",
        [("email_normalized", "=", f"joerg.{tag}@waerme.example")],
        ["phone", "category_id"],
    )
    assert [p["id"] for p in same_email] == [known]
    assert same_email[0]["phone"] == "+49 69 123"
    fair_tag = admin.execute(
        "utm.campaign", "read", [campaign], ["partner_category_id"]
    )
    assert fair_tag[0]["partner_category_id"][0] in same_email[0]["category_id"]

    salesman.execute(
        "crm.campaign.activity", "action_create_opportunities", [first, second]
    )
    salesman.execute(
        "crm.campaign.activity", "action_create_opportunities", [first, second]
    )
    leads = salesman.execute(
        "crm.lead",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["partner_id", "type", "user_id"],
    )
    assert len(leads) == 2
    assert {lead["type"] for lead in leads} == {"opportunity"}
    assert {lead["partner_id"][0] for lead in leads} == {
        a["partner_id"][0] for a in activities
    }

    wizard = salesman.execute(
        "crm.campaign.export.wizard",
        "create",
        [{"campaign_id": campaign}],
    )[0]
    action = salesman.execute("crm.campaign.export.wizard", "action_export", [wizard])
    assert action["type"] == "ir.actions.act_url"
    attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
    [attachment] = salesman.execute(
        "ir.attachment", "read", [attachment_id], ["name", "mimetype", "datas"]
    )
    assert attachment["mimetype"] == "text/csv"
    content = base64.b64decode(attachment["datas"])
    assert content.startswith(b"\xef\xbb\xbf")
    # headers are in the user's language: look at the cells
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    cells = [set(row) for row in rows[1:]]
    assert len(cells) == 2
    assert any(f"joerg.{tag}@waerme.example" in row for row in cells)
    assert any(
        {f"lena.{tag}@example.com", f"Neubau {tag} GmbH"} <= row for row in cells
    )
