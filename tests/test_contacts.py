"""The back office keeps contacts over JSON-RPC; letters address each contact in the
contact's language."""

import uuid


def test_salutation_in_contact_language(admin, make_user):
    clerk = make_user(
        ["base.group_user", "base.group_partner_manager"], name="Bea Backoffice"
    )
    german = admin.execute(
        "res.lang", "search", [("code", "=", "de_DE")], context={"active_test": False}
    )
    admin.execute("res.lang", "write", german, {"active": True})
    tag = uuid.uuid4().hex[:6]
    common = {"form_of_address": "ms", "academic_title": "Prof. Dr."}
    ids = clerk.execute(
        "res.partner",
        "create",
        [
            dict(common, firstname="Anna", lastname=f"Schmidt{tag}", lang="de_DE"),
            dict(common, firstname="Jane", lastname=f"Miller{tag}", lang="en_US"),
            {"name": f"Sonnenschein AG {tag}", "is_company": True, "lang": "de_DE"},
        ],
    )
    # the user's own language does not matter: each contact keeps its language
    rows = clerk.execute(
        "res.partner",
        "read",
        ids,
        ["letter_salutation", "letter_address_name"],
        context={"lang": "de_DE"},
    )
    assert [(row["letter_salutation"], row["letter_address_name"]) for row in rows] == [
        (f"Sehr geehrte Frau Prof. Schmidt{tag}", f"Frau Prof. Dr. Anna Schmidt{tag}"),
        (f"Dear Professor Miller{tag}", f"Professor Jane Miller{tag}"),
        ("Sehr geehrte Damen und Herren", f"Sonnenschein AG {tag}"),
    ]
