"""A salesperson wins an opportunity over JSON-RPC; the order clerk gets one task and
one e-mail, through a real SMTP server."""

import uuid


def test_won_opportunity_reaches_order_clerk(admin, make_user, order_desk, smtp_server):
    clerk = order_desk
    salesman = make_user(["sales_team.group_sale_salesman"], name="Vera Vertrieb")
    tag = uuid.uuid4().hex[:6]
    customer = admin.execute(
        "res.partner",
        "create",
        [{"name": f"Sonnenschein AG {tag}", "is_company": True}],
    )[0]
    lead = salesman.execute(
        "crm.lead",
        "create",
        [
            {
                "name": f"PV Hallendach {tag}",
                "type": "opportunity",
                "partner_id": customer,
                "user_id": salesman.uid,
                "expected_revenue": 48500,
            }
        ],
    )[0]
    won_stages = salesman.execute(
        "crm.stage", "search", [("is_won", "=", True)], order="sequence"
    )
    open_stage = salesman.execute(
        "crm.stage", "search", [("is_won", "=", False)], order="sequence", limit=1
    )[0]

    # drag and drop to the won column, again, reopened and won once more
    salesman.execute("crm.lead", "write", [lead], {"stage_id": won_stages[0]})
    salesman.execute("crm.lead", "write", [lead], {"stage_id": won_stages[-1]})
    salesman.execute("crm.lead", "write", [lead], {"stage_id": open_stage})
    salesman.execute("crm.lead", "action_set_won", [lead])

    activities = clerk.execute(
        "mail.activity",
        "search_read",
        [("res_model", "=", "crm.lead"), ("res_id", "=", lead)],
        ["activity_type_id", "user_id", "note"],
    )
    create_order = admin.ref("crm_phases.mail_activity_type_create_order")
    assert [(a["activity_type_id"][0], a["user_id"][0]) for a in activities] == [
        (create_order, clerk.uid)
    ]
    assert f"Sonnenschein AG {tag}" in activities[0]["note"]

    # queued once for all these writes; crons are off in this server, so the admin
    # runs the mail queue's scheduled action by hand ("Run Manually")
    queued = admin.execute(
        "mail.mail",
        "search",
        [("model", "=", "crm.lead"), ("res_id", "=", lead), ("state", "=", "outgoing")],
    )
    assert len(queued) == 1
    mail_cron = admin.ref("mail.ir_cron_mail_scheduler_action")
    admin.execute("ir.cron", "method_direct_trigger", [mail_cron])
    subject = f"Won: PV Hallendach {tag} – please create the order"
    received = smtp_server.wait_for(
        lambda m: (
            m["message"]["Subject"] == subject
            and any(clerk.login in address for address in m["to"])
        )
    )
    assert len(received) == 1
    body = received[0]["message"].get_body(preferencelist=("html", "plain"))
    assert f"Sonnenschein AG {tag}" in body.get_content()
