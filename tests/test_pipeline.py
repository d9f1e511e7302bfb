"""A salesperson works the pipeline over JSON-RPC; Odoo's mails reach a real SMTP
server."""

import uuid


def test_salesperson_reads_own_pipeline(admin, make_user):
    salesman = make_user(["sales_team.group_sale_salesman"], name="Vera Vertrieb")
    colleague = make_user(["sales_team.group_sale_salesman"], name="Otto Kollege")
    tag = uuid.uuid4().hex[:6]
    customer = admin.execute(
        "res.partner",
        "create",
        [{"name": f"Sonnenschein AG {tag}", "is_company": True}],
    )[0]
    admin.execute(
        "crm.lead",
        "create",
        [
            {
                "name": f"PV Hallendach {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": salesman.uid,
                "expected_revenue": 48500,
                "probability": 60,
            },
            {
                "name": f"Speicher {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": salesman.uid,
                "expected_revenue": 5400,
                "probability": 50,
            },
            {
                "name": f"Klima {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": colleague.uid,
                "expected_revenue": 7600,
                "probability": 10,
            },
        ],
    )

    mine = salesman.execute(
        "crm.lead",
        "search_read",
        [("type", "=", "opportunity"), ("name", "like", tag)],
        ["name", "stage_id", "expected_revenue", "user_id"],
        order="name",
    )
    # Odoo's own rule: a salesperson with "own documents only" sees their opportunities.
    assert [lead["name"] for lead in mine] == [
        f"PV Hallendach {tag}",
        f"Speicher {tag}",
    ]
    assert all(lead["stage_id"] for lead in mine)

    totals = salesman.execute(
        "crm.lead",
        "read_group",
        [("type", "=", "opportunity"), ("name", "like", tag)],
        ["expected_revenue:sum"],
        ["user_id"],
    )
    assert [(group["user_id"][0], group["expected_revenue"]) for group in totals] == [
        (salesman.uid, 53900.0)
    ]


def test_mail_reaches_smtp_server(admin, make_user, smtp_server):
    salesman = make_user(["sales_team.group_sale_salesman"], name="Vera Vertrieb")
    tag = uuid.uuid4().hex[:6]
    address = f"einkauf-{tag}@sonnenschein.example"
    customer = admin.execute(
        "res.partner", "create", [{"name": f"Anna Schmidt {tag}", "email": address}]
    )[0]
    lead = admin.execute(
        "crm.lead",
        "create",
        [
            {
                "name": f"Angebot Wärmepumpe {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": salesman.uid,
            }
        ],
    )[0]

    salesman.execute(
        "crm.lead",
        "message_post",
        [lead],
        body=f"Vielen Dank für Ihr Interesse, Frau Schmidt ({tag}).",
        partner_ids=[customer],
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )

    received = smtp_server.wait_for(lambda m: address in m["to"])
    assert len(received) == 1, (
        f"no mail for {address}; got {len(smtp_server.messages)} others"
    )
    message = received[0]["message"]
    assert tag in message["Subject"]
    body = message.get_body(preferencelist=("html", "plain")).get_content()
    assert f"Vielen Dank für Ihr Interesse, Frau Schmidt ({tag})." in body
