"""A salesperson imports the badge scanner's visitor list of a fair over JSON-RPC, the
way the "Import Visitors" dialog does: upload, preview, import, download the rejected
rows."""

import base64
import csv
import io
import time
import uuid


def test_salesperson_imports_visitor_list(admin, salesperson, make_trade_fair):
    salesman = salesperson
    tag = uuid.uuid4().hex[:6]
    campaign = make_trade_fair(f"Intersolar {tag}")
    known = admin.execute(
        "res.partner",
        "create",
        [{"name": f"Jörg Östreicher {tag}", "email": f"joerg.{tag}@waerme.example"}],
    )[0]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
        [
            ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"],
            [
                "Jörg",
                f"Östreicher {tag}",
                "",
                f"JOERG.{tag}@waerme.example",
                "+49 69 1",
            ],
            ["Lena", f"Neu {tag}", "Neubau GmbH", f"lena.{tag}@example.com", ""],
            ["Lena", f"Neu {tag}", "Neubau GmbH", f"lena.{tag}@example.com", ""],
            ["Ohne", "Mail", "", "keine-adresse", ""],
        ]
    )
    content = buffer.getvalue().encode("utf-8-sig")

    wizard = salesman.execute(
        "crm.campaign.import.wizard",
        "create",
        [
            {
                "campaign_id": campaign,
                "file": base64.b64encode(content).decode(),
                "filename": "besucher.csv",
            }
        ],
    )[0]
    salesman.execute("crm.campaign.import.wizard", "action_load", [wizard])
    preview = salesman.execute(
        "crm.campaign.import.wizard",
        "read",
        [wizard],
        ["state", "created_count", "updated_count", "skipped_count", "rejected_count"],
    )[0]
    assert preview["state"] == "preview"
    assert (
        preview["created_count"],
        preview["updated_count"],
        preview["skipped_count"],
        preview["rejected_count"],
    ) == (1, 1, 1, 1)
    # the preview wrote nothing
    assert not salesman.execute(
        "crm.campaign.activity", "search", [("campaign_id", "=", campaign)]
    )

    salesman.execute("crm.campaign.import.wizard", "action_import", [wizard])
    result = salesman.execute(
        "crm.campaign.import.wizard",
        "read",
        [wizard],
        ["state", "created_count", "updated_count", "skipped_count", "rejected_count"]
        + ["error_file", "error_filename"],
    )[0]
    assert result["state"] == "done"
    assert (
        result["created_count"],
        result["updated_count"],
        result["skipped_count"],
        result["rejected_count"],
    ) == (1, 1, 1, 1)

    activities = salesman.execute(
        "crm.campaign.activity",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["partner_id"],
    )
    assert len(activities) == 2
    assert known in [activity["partner_id"][0] for activity in activities]
    lena = admin.execute(
        "res.partner",
        "search_read",
        [("email_normalized", "=", f"lena.{tag}@example.com")],
        ["name"],
    )
    assert len(lena) == 1
    joerg = admin.execute("res.partner", "read", [known], ["phone"])[0]
    assert joerg["phone"] == "+49 69 1"

    assert result["error_filename"].endswith(".csv")
    rejected = list(
        csv.reader(
            io.StringIO(base64.b64decode(result["error_file"]).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rejected[0][:5] == ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"]
    assert len(rejected) == 2
    assert rejected[1][3] == "keine-adresse"
    assert "keine-adresse" in rejected[1][5]


def test_long_visitor_list_imported_in_background(admin, salesperson, make_trade_fair):
    """A list longer than the setting is imported by a queue job that the server's
    job runner starts: the dialog answers at once, the import run reports the
    progress and the result."""
    tag = uuid.uuid4().hex[:6]
    campaign = make_trade_fair(f"Hannover Messe {tag}")
    param = "crm_phases.visitor_import_background_rows"
    before = admin.execute("ir.config_parameter", "get_param", param)
    admin.execute("ir.config_parameter", "set_param", param, "3")
    try:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
            [["Vorname", "Nachname", "E-Mail"]]
            + [
                [f"Gast{n}", f"Hintergrund {tag}", f"gast{n}.{tag}@example.com"]
                for n in range(5)
            ]
            + [["Ohne", "Mail", "keine-adresse"]]
        )
        wizard = salesperson.execute(
            "crm.campaign.import.wizard",
            "create",
            [
                {
                    "campaign_id": campaign,
                    "file": base64.b64encode(
                        buffer.getvalue().encode("utf-8-sig")
                    ).decode(),
                    "filename": "hannover.csv",
                }
            ],
        )[0]
        salesperson.execute("crm.campaign.import.wizard", "action_load", [wizard])
        salesperson.execute("crm.campaign.import.wizard", "action_import", [wizard])
    finally:
        admin.execute("ir.config_parameter", "set_param", param, before or "1000")
    wizard_values = salesperson.execute(
        "crm.campaign.import.wizard", "read", [wizard], ["state", "run_id"]
    )[0]
    assert wizard_values["state"] == "background"
    run = wizard_values["run_id"][0]
    fields = ["state", "rows_done", "row_count", "created_count", "rejected_count"]
    deadline = time.monotonic() + 120
    while True:
        values = salesperson.execute("crm.campaign.import.run", "read", [run], fields)[
            0
        ]
        if values["state"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert values["state"] == "done", values
    assert (values["rows_done"], values["row_count"]) == (6, 6)
    assert (values["created_count"], values["rejected_count"]) == (5, 1)
    assert (
        len(
            salesperson.execute(
                "crm.campaign.activity", "search", [("campaign_id", "=", campaign)]
            )
        )
        == 5
    )
