"""Benchmarks of the addons against Odoo's native equivalent, in the same run.

Each benchmark measures wall time and SQL queries of our path and of the native
path on the same database, and reports the ratio. Everything runs in a transaction
that is rolled back. Run it through ``make bench`` (scripts/bench.sh), which prepares
the database; results: .benchmark-results/bench.json and a table on stdout.
"""

import argparse
import inspect
import io
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import xlsxwriter

import odoo
from odoo import Command, sql_db
from odoo.tools import SQL, config, split_every

BENCHMARKS = {}


def benchmark(name):
    def register(function):
        BENCHMARKS[name] = function
        return function

    return register


@contextmanager
def measure(result):
    """Wall time and number of SQL queries of the block, added to ``result``."""
    queries = sql_db.sql_counter
    start = time.perf_counter()
    yield
    result.setdefault("seconds", []).append(time.perf_counter() - start)
    result.setdefault("queries", []).append(sql_db.sql_counter - queries)


def summary(runs):
    return {
        "seconds": round(statistics.median(runs["seconds"]), 4),
        "queries": int(statistics.median(runs["queries"])),
    }


def _won_leads(env, count, tag):
    stage = env["crm.stage"].create([{"name": f"Bench open {tag}", "sequence": 1}])
    return env["crm.lead"].create(
        [
            {
                "name": f"Bench {tag} {index}",
                "type": "opportunity",
                "stage_id": stage.id,
                "expected_revenue": 1000 + index,
                "partner_name": f"Kunde {index} GmbH",
            }
            for index in range(count)
        ]
    )


@benchmark("won_batch")
def bench_won_batch(env, repeat):
    """Opportunities won in one write: our hook (task per lead, exactly-once claim)
    against plain crm's write, for batch sizes 20 and 200. The queries we add must
    not grow with the batch size."""
    env = env(context=dict(env.context, tracking_disable=True))
    won_stage = env["crm.stage"].create([{"name": "Bench won", "is_won": True}])
    Lead = env.registry["crm.lead"]
    # warm the caches (rules, activity type, templates) outside the measurement
    _won_leads(env, 5, "warm-up").write({"stage_id": won_stage.id})
    env.flush_all()
    rows = []
    for size in (20, 200):
        ours, native = {}, {}
        for run in range(repeat):
            leads = _won_leads(env, size, f"ours-{size}-{run}")
            env.flush_all()
            with measure(ours):
                leads.write({"stage_id": won_stage.id})
                env.flush_all()
            leads = _won_leads(env, size, f"native-{size}-{run}")
            env.flush_all()
            # plain crm: the same write without our hand-over
            with (
                patch.object(Lead, "_handle_newly_won", lambda self: None),
                measure(native),
            ):
                leads.write({"stage_id": won_stage.id})
                env.flush_all()
        ours, native = summary(ours), summary(native)
        rows.append(
            {
                "case": f"win {size} in one write",
                "ours": ours,
                "native": native,
                "ratio": round(ours["seconds"] / native["seconds"], 2),
                "queries_added": ours["queries"] - native["queries"],
            }
        )
    return rows


@benchmark("pipeline_xlsx")
def bench_pipeline_xlsx(env, repeat, size=20000):
    """The pipeline as XLSX: our export (``crm.pipeline.xlsx``) against Odoo's native
    list export of the same columns (``export_data`` + one ``worksheet.write`` per cell,
    what ``/web/export/xlsx`` does), for 20 000 opportunities."""
    env = env(context=dict(env.context, tracking_disable=True))
    team = env["crm.team"].create([{"name": "Bench XLSX"}])
    partners = env["res.partner"].create(
        [{"name": f"Kunde {index} GmbH", "is_company": True} for index in range(200)]
    )
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Bench XLSX {index}",
                "type": "opportunity",
                "partner_id": partners[index % 200].id,
                "team_id": team.id,
                "expected_revenue": 1000 + index,
                "probability": index % 100,
            }
            for index in range(size)
        ]
    )
    env.flush_all()
    native_fields = [
        "name",
        "partner_id",
        "contact_name",
        "user_id",
        "team_id",
        "stage_id",
        "campaign_id",
        "source_id",
        "date_deadline",
        "expected_revenue",
        "probability",
        "prorated_revenue",
    ]
    native_fields += [
        name
        for name in ("web_reference", "business_field_ids", "revenue_month")
        if name in leads._fields
    ]

    def native_export(records):
        rows = records.export_data(native_fields).get("datas", [])
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet()
        for col, name in enumerate(native_fields):
            sheet.write(0, col, name)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                sheet.write(row_index, col, value)
        workbook.close()
        return output.getvalue()

    ours, native = {}, {}
    for _run in range(repeat):
        env.invalidate_all()
        with measure(ours):
            env["crm.pipeline.xlsx"]._render(leads.browse(leads.ids))
        env.invalidate_all()
        with measure(native):
            native_export(leads.browse(leads.ids))
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"export {size} opportunities",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


def _thank_you_visitors(env, partners, title):
    campaign = env["utm.campaign"].create(
        [{"title": title, "campaign_type": "trade_fair", "place": "Frankfurt am Main"}]
    )
    return env["crm.campaign.activity"].create(
        [{"campaign_id": campaign.id, "partner_id": p.id} for p in partners]
    )


@benchmark("thank_you_mail")
def bench_thank_you_mail(env, repeat):
    """Thank-you mail to 2 000 visitors: our method (skip rules, one mail per
    address, history on the contact, activities thanked) against Odoo's
    mass-mode composer with the same template on the same contacts; both only
    queue the mails (no sending)."""
    env = env(context=dict(env.context, tracking_disable=True))
    size = 2000
    template = env.ref("crm_phases.mail_template_campaign_thank_you")
    partners = env["res.partner"].create(
        [
            {
                "firstname": f"Vorname{index}",
                "lastname": f"Besucher{index}",
                "form_of_address": "mr" if index % 2 else "ms",
                "lang": "de_DE" if index % 3 else "en_US",
                "email": f"besucher{index}@thank-you-bench.example",
            }
            for index in range(size)
        ]
    )
    # warm the template's compiled QWeb in both languages before measuring
    warm = _thank_you_visitors(env, partners[:3], "Bench warm-up")
    template._generate_template(warm.ids, ("subject", "body_html"))
    ours, native = {}, {}
    for run in range(repeat):
        activities = _thank_you_visitors(env, partners, f"Bench ours {run}")
        env.flush_all()
        env.invalidate_all()
        with measure(ours):
            result = activities.campaign_id._send_thank_you_mail(activities, template)
            env.flush_all()
        assert len(result["mails"]) == size
        activities = _thank_you_visitors(env, partners, f"Bench native {run}")
        env.flush_all()
        env.invalidate_all()
        with measure(native):
            composer = env["mail.compose.message"].create(
                [
                    {
                        "composition_mode": "mass_mail",
                        "model": "crm.campaign.activity",
                        "res_ids": repr(activities.ids),
                        "template_id": template.id,
                        "force_send": False,
                    }
                ]
            )
            mails, _messages = composer._action_send_mail()
            env.flush_all()
        assert len(mails) == size
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"thank {size} visitors",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


def _visitor_list(env, size, existing_share, tag):
    """A badge scanner's list of ``size`` rows (CSV, ``;``, UTF-8 with BOM), the
    given share of them contacts that already exist (same e-mail, other case)."""
    existing = int(size * existing_share)
    env["res.partner"].create(
        [
            {
                "firstname": f"Vor{n}",
                "lastname": f"Bekannt {tag}",
                "email": f"bekannt{n}.{tag}@example.com",
            }
            for n in range(existing)
        ]
    )
    rows = [["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"]]
    rows += [
        [f"Vor{n}", f"Bekannt {tag}", "", f"BEKANNT{n}.{tag}@example.com", ""]
        for n in range(existing)
    ]
    rows += [
        [f"Neu{n}", f"Besucher {tag}", f"Firma {n % 50}", f"neu{n}.{tag}@example.com"]
        + [f"+49 30 {n}"]
        for n in range(existing, size)
    ]
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8-sig")


@benchmark("visitor_import")
def bench_visitor_import(env, repeat):
    """5 000 visitor rows, 30 % known contacts: our import (parse, map, match,
    complete or create the contacts, one campaign activity each) against Odoo's own
    ``base_import`` of the same file into res.partner (creates every row, no
    matching, no activity)."""
    if not env["ir.module.module"].search_count(
        [("name", "=", "base_import"), ("state", "=", "installed")]
    ):
        print("visitor_import: base_import is not installed in this database")
        return []
    Import = env["crm.campaign.visitor.import"]
    campaign = env["utm.campaign"].create(
        [{"title": "Bench Import", "campaign_type": "trade_fair"}]
    )
    defaults = {"campaign_id": campaign.id, "contact_type": "booth"}
    ours, native = {}, {}
    for run in range(repeat):
        content = _visitor_list(env, 5000, 0.3, f"ours{run}")
        env.flush_all()
        with measure(ours):
            headers, rows, _meta = Import._parse_visitor_file(content, "list.csv")
            targets = Import._guess_targets(headers)
            vals_list, errors = Import._map_visitor_rows(rows, targets, defaults)
            result = Import._import_visitors(vals_list, errors)
            env.flush_all()
        assert (result["created"], result["updated"]) == (3500, 1500), result
        content = _visitor_list(env, 5000, 0.3, f"native{run}")
        wizard = env["base_import.import"].create(
            [{"res_model": "res.partner", "file": content, "file_type": "text/csv"}]
        )
        env.flush_all()
        with measure(native):
            native_result = wizard.execute_import(
                ["firstname", "lastname", "company_name", "email", "phone"],
                ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"],
                {"separator": ";", "quoting": '"', "has_headers": True},
            )
            env.flush_all()
        assert len(native_result["ids"]) == 5000, native_result["messages"][:3]
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": "5000 rows, 30 % known",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


def _generate_partners(env, count, tag):
    """``count`` contacts with e-mail written by one INSERT (the ORM would take
    minutes for 100 000), the stored e-mail and name keys as the ORM computes
    them; then ANALYZE, as autovacuum would have done on a real database."""
    # importable once the addons path is configured (main)
    from odoo.addons.crm_phases.models.res_partner import name_company_key  # noqa: PLC0415

    firsts = [f"Vorname{n}" for n in range(count)]
    lasts = [f"Kontakt{n % 5000} {tag}" for n in range(count)]
    names = [f"{first} {last}" for first, last in zip(firsts, lasts, strict=True)]
    emails = [f"kontakt{n}.{tag}@example.com" for n in range(count)]
    keys = [name_company_key(name, False) for name in names]
    env.cr.execute(
        SQL(
            """INSERT INTO res_partner (name, complete_name, firstname, lastname,
                   email, email_normalized, name_company_key, active, type,
                   is_company, autopost_bills, create_uid, write_uid, create_date,
                   write_date)
               SELECT n, n, f, l, e, e, k, TRUE, 'contact', FALSE, 'ask', 1, 1,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[],
                             %s::varchar[], %s::varchar[]) AS t(n, f, l, e, k)""",
            names,
            firsts,
            lasts,
            emails,
            keys,
        )
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id "
            "WHERE commercial_partner_id IS NULL"
        )
    )
    env.cr.execute(SQL("ANALYZE res_partner"))
    return emails


def _drop_email_index(env):
    """Odoo's own schema: no index on res_partner.email_normalized (rolled back
    with the benchmark's transaction)."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS res_partner__email_normalized_index"))
    env.cr.execute(SQL("ANALYZE res_partner"))


@benchmark("partners_100k")
def bench_partners_100k(env, repeat, size=100000):
    """On 100 000 contacts: the booth capture of one known visitor against
    ``res.partner.find_or_create`` (Odoo's lookup by e-mail), the import of 1 000
    rows (30 % known) against ``base_import``, and the dedupe of 200 typed
    opportunities (``matching_partner_id``) against crm's
    ``_find_matching_partner`` per lead; each with our e-mail index and again
    without it (Odoo's schema)."""
    if not env["ir.module.module"].search_count(
        [("name", "=", "base_import"), ("state", "=", "installed")]
    ):
        print("partners_100k: base_import is not installed in this database")
        return []
    env = env(context=dict(env.context, tracking_disable=True))
    emails = _generate_partners(env, size, "hk")
    env.flush_all()
    Activity = env["crm.campaign.activity"]
    Import = env["crm.campaign.visitor.import"]
    campaign = env["utm.campaign"].create(
        [{"title": "Bench 100k", "campaign_type": "trade_fair"}]
    )
    defaults = {"campaign_id": campaign.id, "contact_type": "booth"}
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Anfrage {n}",
                "type": "opportunity",
                # half known by e-mail, half by name only
                "email_from": emails[n * 400].upper() if n % 2 else False,
                "contact_name": f"Vorname{n * 400} Kontakt{n * 400 % 5000} hk",
            }
            for n in range(200)
        ]
    )
    env.flush_all()

    def capture(email):
        Activity._register_visitors(
            [
                dict(
                    defaults,
                    partner_vals={
                        "firstname": "Vorname",
                        "lastname": "Bekannt",
                        "email": email.upper(),
                    },
                )
            ]
        )

    rows = []
    for label in ("", " (no e-mail index)"):
        if label:
            _drop_email_index(env)
        # warm the caches (rules, plans, buffers) outside the measurement
        capture(emails[size - 1 - len(label)])
        env["res.partner"].find_or_create(emails[size - 3 - len(label)])
        leads[:5].mapped("matching_partner_id")
        for lead in leads[:5]:
            lead._find_matching_partner()
        env.flush_all()
        cases = {"capture": ({}, {}), "import": ({}, {}), "dedupe": ({}, {})}
        for run in range(repeat):
            email = emails[(run + 1) * 997 + len(label)]
            env.invalidate_all()
            ours, native = cases["capture"]
            with measure(ours):
                capture(email)
                env.flush_all()
            env.invalidate_all()
            with measure(native):
                env["res.partner"].find_or_create(email.upper())
                env.flush_all()

            ours, native = cases["import"]
            content = _visitor_list(env, 1000, 0.3, f"hk{run}{len(label)}o")
            env.flush_all()
            env.invalidate_all()
            with measure(ours):
                headers, list_rows, _meta = Import._parse_visitor_file(
                    content, "list.csv"
                )
                targets = Import._guess_targets(headers)
                vals_list, errors = Import._map_visitor_rows(
                    list_rows, targets, defaults
                )
                result = Import._import_visitors(vals_list, errors)
                env.flush_all()
            assert (result["created"], result["updated"]) == (700, 300), result
            content = _visitor_list(env, 1000, 0.3, f"hk{run}{len(label)}n")
            wizard = env["base_import.import"].create(
                [{"res_model": "res.partner", "file": content, "file_type": "text/csv"}]
            )
            env.flush_all()
            env.invalidate_all()
            with measure(native):
                native_result = wizard.execute_import(
                    ["firstname", "lastname", "company_name", "email", "phone"],
                    ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"],
                    {"separator": ";", "quoting": '"', "has_headers": True},
                )
                env.flush_all()
            assert len(native_result["ids"]) == 1000, native_result["messages"][:3]

            ours, native = cases["dedupe"]
            env.invalidate_all()
            with measure(ours):
                matched = leads.mapped("matching_partner_id")
            assert len(matched) == 200, len(matched)
            env.invalidate_all()
            with measure(native):
                for lead in leads:
                    lead._find_matching_partner()
        for case, (ours, native) in cases.items():
            ours, native = summary(ours), summary(native)
            rows.append(
                {
                    "case": {
                        "capture": "capture 1 known visitor",
                        "import": "import 1000 rows, 30 % known",
                        "dedupe": "dedupe 200 opportunities",
                    }[case]
                    + label,
                    "ours": ours,
                    "native": native,
                    "ratio": round(ours["seconds"] / native["seconds"], 2),
                    "queries_added": ours["queries"] - native["queries"],
                }
            )
    return rows


def _confirmed_orders(env, count, tag):
    partner = env["res.partner"].create(
        [
            {
                "name": f"Sonnenschein AG {tag}",
                "is_company": True,
                "street": "Sonnenallee 12",
                "zip": "80331",
                "city": "München",
            }
        ]
    )
    product = env["product.product"].create(
        [{"name": f"PV-Modul {tag}", "type": "consu", "list_price": 189.0}]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 10 + index})
                ],
            }
            for index in range(count)
        ]
    )
    orders.with_context(tracking_disable=True).action_confirm()
    return orders


@benchmark("ab_pdf")
def bench_ab_pdf(env, repeat, size=20):
    """Order confirmations printed: ours (DIN 5008, filed on order and customer,
    Order-X when installed, the filed PDF returned) against Odoo's plain sale order
    PDF of the same confirmed orders (without AB number: Odoo's own path)."""
    Report = env["ir.actions.report"]
    report = "sale.action_report_saleorder"
    orders = _confirmed_orders(env, size, "bench")
    numbers = {order.id: order.ab_number for order in orders}
    # warm the templates and assets outside the measurement
    Report._render_qweb_pdf(report, orders[:1].ids)
    ours, native = {}, {}
    for _run in range(repeat):
        attachments = orders.ab_attachment_id | orders.ab_partner_attachment_id
        attachments.unlink()
        orders.write({"ab_filed_date": False})
        env.flush_all()
        with measure(ours):
            Report._render_qweb_pdf(report, orders.ids)
            env.flush_all()
        orders.write({"ab_number": False})
        env.flush_all()
        with measure(native):
            Report._render_qweb_pdf(report, orders.ids)
            env.flush_all()
        for order in orders:
            order.ab_number = numbers[order.id]
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"print {size} confirmed orders",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


@benchmark("ab_pdf_orderx")
def bench_ab_pdf_orderx(env, repeat, lines=20):
    """The order confirmation PDF with its Order-X order response (XML built,
    checked against XSD and schematron, PDF/A-3 conversion and embedding)
    against Odoo's plain sale order PDF of the same confirmed order."""
    env = env(context=dict(env.context, tracking_disable=True))
    germany = env.ref("base.de")
    env.company.write(
        {
            "street": "Industriestraße 7",
            "zip": "70173",
            "city": "Stuttgart",
            "country_id": germany.id,
            "vat": "DE276543216",
            "orderx_embed": True,
            "orderx_level": "comfort",
        }
    )
    customer = env["res.partner"].create(
        [
            {
                "name": "Sonnenschein AG (Bench)",
                "is_company": True,
                "street": "Sonnenallee 12",
                "zip": "80331",
                "city": "München",
                "country_id": germany.id,
                "vat": "DE123456788",
            }
        ]
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench PV-Modul {index}", "list_price": 189.0}
            for index in range(lines)
        ]
    )
    order = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "client_order_ref": "Bench Anfrage",
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": 10,
                            "tax_id": False,
                        },
                    )
                    for product in products
                ],
            }
        ]
    )
    order.action_confirm()
    report = env["ir.actions.report"]
    # warm the report templates and the compiled schematron
    order._attach_orderx(
        report._render_qweb_pdf("sale.action_report_saleorder", order.ids)[0]
    )
    assert not order.orderx_warning, order.orderx_warning
    ours, native = {}, {}
    for _run in range(repeat):
        env.invalidate_all()
        with measure(ours):
            pdf = report._render_qweb_pdf("sale.action_report_saleorder", order.ids)[0]
            hybrid = order._attach_orderx(pdf)
            env.flush_all()
        assert env["erp.orderx"]._read_orderx(hybrid)
        env.invalidate_all()
        with measure(native):
            report._render_qweb_pdf("sale.action_report_saleorder", order.ids)
            env.flush_all()
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"AB PDF, {lines} lines, Order-X",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


def _won_leads_with_lines(env, count, tag, partners, products):
    """``count`` won opportunities with a customer and two product lines each."""
    stage = env["crm.stage"].create([{"name": f"Bench won {tag}", "is_won": True}])
    return env["crm.lead"].create(
        [
            {
                "name": f"Bench transfer {tag} {index}",
                "type": "opportunity",
                "stage_id": stage.id,
                "partner_id": partners[index % len(partners)].id,
                "lead_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": product.name,
                            "product_qty": 1 + index % 7,
                            "price_unit": product.list_price,
                        }
                    )
                    for product in products
                ],
            }
            for index in range(count)
        ]
    )


@benchmark("order_transfer")
def bench_order_transfer(env, repeat, size=1000):
    """1 000 won opportunities to sales orders: our transfer (one call: exactly-once
    claim, transfer log, one ``create`` of all orders, followers, links) against
    sale_crm's own quotation creation for the same opportunities (its "New
    Quotation" defaults, ``_prepare_opportunity_quotation_context``, and the same
    lines, one order per opportunity as the button makes them)."""
    env = env(context=dict(env.context, tracking_disable=True))
    partners = env["res.partner"].create(
        [{"name": f"Kunde {index} GmbH", "is_company": True} for index in range(50)]
    )
    products = env["product.product"].create(
        [
            {"name": "Bench PV-Modul", "type": "consu", "list_price": 189.0},
            {"name": "Bench Wechselrichter", "type": "consu", "list_price": 2400.0},
        ]
    )
    # warm the caches (rules, sequences, pricelists) outside the measurement
    warm = _won_leads_with_lines(env, 3, "warm", partners, products)
    warm.with_context(tracking_disable=False)._transfer_to_order()
    env.flush_all()
    SaleOrder = env["sale.order"].with_context(tracking_disable=False)

    def native(leads):
        for lead in leads:
            SaleOrder.with_context(
                **lead._prepare_opportunity_quotation_context()
            ).create(
                [
                    {
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": line.product_id.id,
                                    "product_uom_qty": line.product_qty,
                                    "price_unit": line.price_unit,
                                    "name": line.name,
                                }
                            )
                            for line in lead.lead_line_ids
                        ]
                    }
                ]
            )

    ours, theirs = {}, {}
    for run in range(repeat):
        leads = _won_leads_with_lines(env, size, f"run{run}", partners, products)
        leads = leads.with_context(tracking_disable=False)
        env.flush_all()
        env.invalidate_all()
        with measure(theirs):
            native(leads)
            env.flush_all()
        env.invalidate_all()
        with measure(ours):
            orders = leads._transfer_to_order()
            env.flush_all()
        assert len(orders) == size, len(orders)
    ours, theirs = summary(ours), summary(theirs)
    return [
        {
            "case": f"transfer {size} won opportunities",
            "ours": ours,
            "native": theirs,
            "ratio": round(ours["seconds"] / theirs["seconds"], 2),
            "queries_added": ours["queries"] - theirs["queries"],
        }
    ]


@benchmark("erp_outbox")
def bench_erp_outbox(env, repeat, size=50):
    """Outbox throughput to the external ERP, another Odoo: the second database
    ERP_BENCH_DB (scripts/bench.sh prepares it) served by a started Odoo server.
    Ours: the delivery job of each confirmed order (claim, dedupe lookup, partner
    and product matching, create, write-back); native: a plain JSON-RPC create of
    the same order with known ids, what a synchronous integration without outbox,
    dedupe or matching would send. Queries are those on our side."""
    erp_db = os.environ.get("ERP_BENCH_DB")
    if not erp_db:
        raise SystemExit(
            "ERP_BENCH_DB is not set: run the benchmarks via scripts/bench.sh"
        )
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from odoo_harness import start_odoo_server, stop_odoo_server  # noqa: PLC0415
    from odoo_rpc import OdooRPC  # noqa: PLC0415

    log = Path(".benchmark-results") / "bench-erp-server.log"
    log.parent.mkdir(exist_ok=True)
    process, url = start_odoo_server(erp_db, log)
    try:
        env = env(context=dict(env.context, tracking_disable=True))
        erp = OdooRPC(url, erp_db, "admin", "admin")
        code = f"BENCH-{time.time_ns()}"
        product_values = {"name": f"PV-Modul {code}", "default_code": code}
        product = env["product.product"].create([product_values])
        erp_product = erp.execute("product.product", "create", [product_values])[0]
        customer = env["res.partner"].create(
            [{"name": f"Bench Kunde {code}", "is_company": True, "ref": code}]
        )
        erp_customer = erp.execute(
            "res.partner", "create", [{"name": customer.name, "ref": code}]
        )[0]
        env["erp.backend"].create(
            [
                {
                    "name": "Bench ERP",
                    "adapter": "odoo",
                    "odoo_url": url,
                    "odoo_database": erp_db,
                    "odoo_login": "admin",
                    "odoo_password": "admin",
                }
            ]
        )
        ours, native = {}, {}
        for run in range(repeat + 1):  # the first run warms both servers up
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "order_line": [
                            (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                        ],
                    }
                    for _index in range(size)
                ]
            )
            orders.action_confirm()
            outboxes = orders.erp_outbox_ids
            env.flush_all()
            with measure(ours):
                for outbox in outboxes:
                    outbox._send_job()
                env.flush_all()
            with measure(native):
                for order in orders:
                    erp.execute(
                        "sale.order",
                        "create",
                        [
                            {
                                "partner_id": erp_customer,
                                "client_order_ref": order.name,
                                "order_line": [
                                    (
                                        0,
                                        0,
                                        {
                                            "product_id": erp_product,
                                            "product_uom_qty": 2,
                                        },
                                    )
                                ],
                            }
                        ],
                    )
            assert set(outboxes.mapped("state")) == {"sent"}, outboxes.mapped(
                "last_error"
            )
            if not run:
                ours, native = {}, {}
    finally:
        stop_odoo_server(process)
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"deliver {size} orders",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
            "orders_per_second": round(size / ours["seconds"], 1),
            "native_orders_per_second": round(size / native["seconds"], 1),
            "queries_per_order": round(ours["queries"] / size, 1),
        }
    ]


def _after_sales_products(env, tag):
    """A product per business field (and one of a category without field)."""
    Category = env["product.category"]
    products = env["product.product"]
    for field in env["crm.business.field"].search([]):
        categ = Category.create(
            [{"name": f"Bench {field.name} {tag}", "business_field_id": field.id}]
        )
        products |= env["product.product"].create(
            [
                {
                    "name": f"Bench {field.name} {tag}",
                    "categ_id": categ.id,
                    "list_price": 100.0,
                }
            ]
        )
    service = Category.create([{"name": f"Bench Services {tag}"}])
    products |= env["product.product"].create(
        [{"name": f"Bench Montage {tag}", "categ_id": service.id, "list_price": 50.0}]
    )
    return products


def _after_sales_orders(env, partners, products, tag):
    """One quotation per partner with two lines (a business field's product and the
    service), created in one ``create``."""
    return env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "client_order_ref": f"Bench {tag} {index}",
                "order_line": [
                    (0, 0, {"product_id": products[index % (len(products) - 1)].id}),
                    (0, 0, {"product_id": products[-1].id}),
                ],
            }
            for index, partner in enumerate(partners)
        ]
    )


@benchmark("after_sales_confirm")
def bench_after_sales_confirm(env, repeat, size=1000):
    """Confirming 1 000 orders in one ``action_confirm``: with the after-sales update
    (business fields, revenue, purchase data, status) against the same confirmation
    with it switched off by the context key ``crm_phases_no_after_sales`` (Odoo's own
    confirmation plus every other override, on orders created alike). Two cases:
    1 000 prospects that all become customers (a tracked status write each), and
    1 000 orders of existing customers (SQL only)."""
    products = _after_sales_products(env, "confirm")
    Partner = env["res.partner"]
    rows = []
    for case in ("prospects", "customers"):
        ours, native = {}, {}
        for run in range(max(1, repeat // 3)):  # 1 000 orders per run: slow
            runs = []
            for side in ("ours", "native"):
                partners = Partner.create(
                    [
                        {
                            "name": f"Bench {case} {side} {run} {index} GmbH",
                            "is_company": True,
                        }
                        for index in range(size)
                    ]
                )
                if case == "customers":
                    partners.sudo().write({"customer_status": "customer"})
                orders = _after_sales_orders(
                    env, partners, products, f"{case}{side}{run}"
                )
                env.flush_all()
                env.invalidate_all()
                runs.append((side, orders))
            for side, orders in runs:
                if side == "ours":
                    with measure(ours):
                        orders.action_confirm()
                        env.flush_all()
                else:
                    with measure(native):
                        orders.with_context(
                            crm_phases_no_after_sales=True
                        ).action_confirm()
                        env.flush_all()
        ours, native = summary(ours), summary(native)
        rows.append(
            {
                "case": f"confirm {size} orders, {case}",
                "ours": ours,
                "native": native,
                "ratio": round(ours["seconds"] / native["seconds"], 2),
                "queries_added": ours["queries"] - native["queries"],
                "queries_added_per_order": round(
                    (ours["queries"] - native["queries"]) / size, 3
                ),
            }
        )
    return rows


def _clone_rows(env, table, template_id, values, count):
    """``count`` rows of ``table`` in one INSERT … SELECT generate_series: ``values``
    {column: SQL expression of n}, the other columns copied from the row
    ``template_id``."""
    env.cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = %s AND column_name <> 'id'",
            table,
        )
    )
    copied = [column for (column,) in env.cr.fetchall() if column not in values]
    columns = [*values, *copied]
    expressions = [SQL(expression) for expression in values.values()] + [
        SQL("t.%s", SQL.identifier(column)) for column in copied
    ]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM generate_series(1, %s) AS n, %s AS t"
            " WHERE t.id = %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(expressions),
            count,
            SQL.identifier(table),
            template_id,
        )
    )


@benchmark("after_sales_search")
def bench_after_sales_search(env, repeat, partners=100000, lines=300000):
    """ "Bought Solar since 2024" on 100 000 companies with 300 000 order lines
    (150 000 confirmed orders of 2 lines, dates 2019-2025, generated in SQL in the
    benchmark's database and rolled back): our search on the revenue lines against
    Odoo's native way (``sale.report`` grouped by customer, category child of
    Solar's, since the date); then the install backfill over those lines."""
    products = _after_sales_products(env, "search")
    template_partner = env["res.partner"].create(
        [{"name": "Bench Vorlage GmbH", "is_company": True}]
    )
    template = env["sale.order"].create(
        [
            {
                "partner_id": template_partner.id,
                "order_line": [(0, 0, {"product_id": products[0].id})],
            }
        ]
    )
    env.flush_all()
    env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM res_partner"))
    first_partner = env.cr.fetchone()[0] + 1
    _clone_rows(
        env,
        "res_partner",
        template_partner.id,
        {
            "name": "'Bench Kunde ' || n || ' GmbH'",
            "complete_name": "'Bench Kunde ' || n || ' GmbH'",
            "is_company": "TRUE",
            "active": "TRUE",
            "customer_status": "'prospect'",
        },
        partners,
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id "
            "WHERE id >= %s AND commercial_partner_id IS DISTINCT FROM id",
            first_partner,
        )
    )
    orders = lines // 2
    env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM sale_order"))
    first_order = env.cr.fetchone()[0] + 1
    partner_of = f"{first_partner} + mod(n * 7919, {partners})"
    _clone_rows(
        env,
        "sale_order",
        template.id,
        {
            "name": "'BENCH' || n",
            "partner_id": partner_of,
            "partner_invoice_id": partner_of,
            "partner_shipping_id": partner_of,
            "state": "'sale'",
            "date_order": "timestamp '2019-01-01' + mod(n, 2500) * interval '1 day'",
            "currency_rate": "1.0",
        },
        orders,
    )
    product_ids = products.ids
    fields_products = ", ".join(str(pid) for pid in product_ids[:-1])
    _clone_rows(
        env,
        "sale_order_line",
        template.order_line.id,
        {
            "order_id": f"{first_order} + (n - 1) / 2",
            "product_id": f"CASE WHEN mod(n, 2) = 0 THEN {product_ids[-1]} ELSE "
            f"(ARRAY[{fields_products}])[1 + mod(n / 2, {len(product_ids) - 1})] END",
            "price_subtotal": "100 + mod(n, 900)",
            "price_unit": "100 + mod(n, 900)",
            "product_uom_qty": "1",
            "display_type": "NULL",
            "is_downpayment": "FALSE",
            "state": "'sale'",
        },
        lines,
    )
    for table in ("res_partner", "sale_order", "sale_order_line"):
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    Partner = env["res.partner"]
    rows = []
    backfill = {}
    with measure(backfill):
        count = Partner._crm_phases_backfill_purchase_data()
        env.flush_all()
    env.cr.execute(SQL("ANALYZE res_partner_business_field_revenue"))
    backfill = summary(backfill)
    rows.append(
        {
            "case": f"install backfill, {lines} lines",
            "ours": backfill,
            "native": {"seconds": 0.0, "queries": 0},
            "ratio": 0.0,
            "queries_added": backfill["queries"],
            "customers": count,
        }
    )
    solar = env.ref("crm_phases.business_field_solar")
    solar_categ = env["product.category"].search([("business_field_id", "=", solar.id)])
    since = "2024-01-01"
    ours, native = {}, {}
    for _run in range(repeat):
        env.invalidate_all()
        with measure(ours):
            found = Partner.search(Partner._search_bought_business_field(solar, since))
        env.invalidate_all()
        with measure(native):
            groups = env["sale.report"]._read_group(
                [
                    ("categ_id", "child_of", solar_categ.ids),
                    ("date", ">=", since),
                    ("state", "=", "sale"),
                ],
                ["partner_id"],
            )
            native_found = Partner.browse(partner.id for (partner,) in groups)
    assert set(found.ids) == set(native_found.commercial_partner_id.ids), (
        len(found),
        len(native_found),
    )
    ours, native = summary(ours), summary(native)
    rows.append(
        {
            "case": f"bought Solar since 2024 ({len(found)} of {partners})",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    )
    return rows


@contextmanager
def _report_server(env, name):
    """A started Odoo server on the benchmark's database, from which wkhtmltopdf
    loads the reports' CSS and fonts (report.url), as in production."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from odoo_harness import start_odoo_server, stop_odoo_server  # noqa: PLC0415

    log = Path(".benchmark-results") / f"bench-{name}-server.log"
    log.parent.mkdir(exist_ok=True)
    process, url = start_odoo_server(env.cr.dbname, log)
    try:
        env["ir.config_parameter"].sudo().set_param("report.url", url)
        yield
    finally:
        stop_odoo_server(process)


def _letter_recipients(env, count, tag):
    env = env(context=dict(env.context, tracking_disable=True))
    template = env["mailmerge.letter.template"].create(
        [
            {
                "name": f"Bench {tag}",
                "subject": "Neues zu Solar",
                "body_html": "<p>wir informieren Sie über Solar vom eigenen Dach.</p>",
                "closing": "Mit freundlichen Grüßen",
            }
        ]
    )
    env["res.lang"]._activate_lang("de_DE")
    partners = env["res.partner"].create(
        [
            {
                "firstname": "Anna",
                "lastname": f"Bench{tag}{index:05d}",
                "form_of_address": "ms",
                "lang": "de_DE",
                "street": f"Sonnenweg {index + 1}",
                "zip": "79100",
                "city": "Freiburg",
            }
            for index in range(count)
        ]
    )
    env.flush_all()
    return template, partners


def _plain_partner_report(env):
    """A plain Odoo report of contacts (their address on the company's layout):
    Odoo has none on res.partner, so the benchmark defines one."""
    view = env["ir.ui.view"].create(
        [
            {
                "name": "bench_partner_address",
                "type": "qweb",
                "key": "mailmerge_letters.bench_partner_address",
                "arch": """<t t-name="mailmerge_letters.bench_partner_address">
                    <t t-call="web.html_container">
                        <t t-foreach="docs" t-as="o">
                            <t t-call="web.external_layout">
                                <div class="page">
                                    <h2 t-field="o.name"/>
                                    <div t-field="o.street"/>
                                    <div><t t-out="o.zip"/> <t t-out="o.city"/></div>
                                    <p>wir informieren Sie über Solar.</p>
                                </div>
                            </t>
                        </t>
                    </t>
                </t>""",
            }
        ]
    )
    return env["ir.actions.report"].create(
        [
            {
                "name": "Bench partner address",
                "model": "res.partner",
                "report_type": "qweb-pdf",
                "report_name": view.key,
            }
        ]
    )


def _pages(pdf):
    from odoo.tools.pdf import PdfFileReader  # noqa: PLC0415

    return PdfFileReader(io.BytesIO(pdf)).getNumPages()


@benchmark("letters_pdf")
def bench_letters_pdf(env, repeat, size=500):
    """500 serial letters to one PDF: pages per second of our run (chunks of 100,
    each letter filed in its recipient's history, the combined PDF) against the
    raw wkhtmltopdf on the same HTML (our report's HTML rendered once, then only
    ``_run_wkhtmltopdf`` with the same header, footer and paper format, in the
    same chunks; goal: ours >= 0.8x) and against Odoo's ``_render_qweb_pdf`` of
    a plain contacts report (chunks of 100, merged by Odoo's ``merge_pdf``)."""
    from odoo.tools.pdf import merge_pdf  # noqa: PLC0415

    Report = env["ir.actions.report"]
    Run = env["mailmerge.letter.run"]
    chunk = env["mailmerge.letter.template"]._letter_chunk_size
    # the whole run in this process, chunk after chunk (no job runner here)
    env["ir.config_parameter"].sudo().set_param(
        "mailmerge_letters.letter_background_recipients", size
    )
    report = env.ref("mailmerge_letters.action_report_letter")
    plain = _plain_partner_report(env)
    rows = []
    with _report_server(env, "letters"):
        template, partners = _letter_recipients(env, size, "pdf")
        # warm the templates and assets up outside the measurement
        Run._start(template, partners[:1], {})
        Report._render_qweb_pdf(plain, partners[:1].ids)
        ours, raw, native = {}, {}, {}
        pages = {}
        for _run in range(repeat):
            env.flush_all()
            with measure(ours):
                run = Run._start(template, partners, {})
                env.flush_all()
            pages["ours"] = _pages(run.attachment_id.raw)
            # raw wkhtmltopdf: the HTML prepared outside the measurement
            data = {"letter_template_id": template.id}
            prepared = []
            for ids in split_every(chunk, partners.ids):
                html = Report.with_context(debug=False)._render_qweb_html(
                    report, list(ids), data=dict(data, debug=False)
                )[0]
                prepared.append(
                    report.with_context(debug=False)._prepare_html(
                        html, report_model=report.model
                    )
                )
            raw_pdfs = []
            with measure(raw):
                for bodies, _html_ids, header, footer, paperformat_args in prepared:
                    raw_pdfs.append(
                        Report._run_wkhtmltopdf(
                            bodies,
                            report_ref=report,
                            header=header,
                            footer=footer,
                            landscape=env.context.get("landscape"),
                            specific_paperformat_args=paperformat_args,
                            set_viewport_size=env.context.get("set_viewport_size"),
                        )
                    )
            pages["raw"] = sum(_pages(pdf) for pdf in raw_pdfs)
            with measure(native):
                pdfs = [
                    Report._render_qweb_pdf(plain, list(ids))[0]
                    for ids in split_every(chunk, partners.ids)
                ]
                pdf = merge_pdf(pdfs)
            pages["native"] = _pages(pdf)
    ours, raw, native = summary(ours), summary(raw), summary(native)
    for name, other in (("raw wkhtmltopdf", raw), ("plain report", native)):
        rows.append(
            {
                "case": f"{size} letters vs {name}",
                "ours": ours,
                "native": other,
                "ratio": round(ours["seconds"] / other["seconds"], 2),
                "queries_added": ours["queries"] - other["queries"],
                "pages": pages,
                "pages_per_second": round(pages["ours"] / ours["seconds"], 1),
                "native_pages_per_second": round(
                    pages["raw" if other is raw else "native"] / other["seconds"], 1
                ),
                "speed_vs_native": round(
                    (pages["ours"] / ours["seconds"])
                    / (pages["raw" if other is raw else "native"] / other["seconds"]),
                    2,
                ),
            }
        )
    return rows


@benchmark("letters_5000")
def bench_letters_5000(env, repeat, size=5000):
    """5 000 serial letters through the run's background jobs (chunks of 100):
    peak memory (tracemalloc peak per chunk and for the final merge, ru_maxrss of
    this process and of the wkhtmltopdf children) and queries per chunk, which
    must not grow with the run."""
    import resource  # noqa: PLC0415
    import tracemalloc  # noqa: PLC0415

    Run = env["mailmerge.letter.run"]
    with _report_server(env, "letters5000"):
        template, partners = _letter_recipients(env, size, "big")
        Run._start(template, partners[:1], {})  # warm-up, at once
        env.flush_all()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        chunk_queries, chunk_peaks = [], []
        start = time.perf_counter()
        queries_start = sql_db.sql_counter
        tracemalloc.start()
        run = Run._start(template, partners, {})
        while run.state == "queued":
            # each job runs in a transaction of its own, with empty caches
            env.invalidate_all()
            tracemalloc.reset_peak()
            queries = sql_db.sql_counter
            run._render_next_chunk_job()
            env.flush_all()
            chunk_queries.append(sql_db.sql_counter - queries)
            chunk_peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        seconds = time.perf_counter() - start
        total_queries = sql_db.sql_counter - queries_start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        assert run.state == "done", run.error
        pages = _pages(run.attachment_id.raw)
    mib = 1024 * 1024
    result = {"seconds": round(seconds, 1), "queries": total_queries}
    return [
        {
            "case": f"{size} letters in chunks",
            "ours": result,
            "native": result,
            "ratio": 1.0,
            "queries_added": 0,
            "pages": pages,
            "chunks": len(chunk_queries),
            "pages_per_second": round(pages / seconds, 1),
            "queries_per_chunk": {
                "first": chunk_queries[0],
                "median": int(statistics.median(chunk_queries)),
                "max (without the last)": max(chunk_queries[:-1] or [0]),
                "last (with the merge)": chunk_queries[-1],
            },
            "tracemalloc_peak_mib": {
                "first chunk": round(chunk_peaks[0] / mib, 1),
                "max chunk (without the last)": round(
                    max(chunk_peaks[:-1] or [0]) / mib, 1
                ),
                "last chunk (with the merge)": round(chunk_peaks[-1] / mib, 1),
            },
            "tracemalloc_peak_mib_per_chunk": [
                round(peak / mib, 1) for peak in chunk_peaks
            ],
            "queries_of_each_chunk": chunk_queries,
            "ru_maxrss_mib": {
                "before": round(rss_before / 1024, 1),
                "after": round(rss_after / 1024, 1),
                "children (wkhtmltopdf, server)": round(children / 1024, 1),
            },
            "pdf_mib": round(run.attachment_id.file_size / mib, 1),
        }
    ]


@benchmark("serial_email")
def bench_serial_email(env, repeat, size=2000):
    """Serial e-mail to 2 000 contacts: our run (recipient rule, skip reasons,
    one mail per recipient with the rendered letter, unsubscribe link and
    headers, history message, run record) against Odoo's mass-mode composer with
    a ``mail.template`` of the same subject and body on the same contacts; both
    only queue the mails (no sending)."""
    env = env(context=dict(env.context, tracking_disable=True))
    env["ir.config_parameter"].set_param(
        "mailmerge_letters.mail_background_recipients", size + 1
    )
    letter = env.ref("mailmerge_letters.letter_template_solar_de")
    partners = env["res.partner"].create(
        [
            {
                "firstname": f"Vorname{index}",
                "lastname": f"Empfänger{index}",
                "form_of_address": "mr" if index % 2 else "ms",
                "lang": "de_DE" if index % 3 else "en_US",
                "email": f"empfaenger{index}@serial-email-bench.example",
            }
            for index in range(size)
        ]
    )
    template = env["mail.template"].create(
        [
            {
                "name": "Bench serial e-mail",
                "model_id": env["ir.model"]._get_id("res.partner"),
                "subject": letter.subject,
                "body_html": '<p><t t-out="object.letter_salutation"/>,</p>'
                + str(letter.body_html)
                + f"<p>{letter.closing}</p>",
                "email_from": "{{ user.email_formatted }}",
            }
        ]
    )
    # warm both renderings (compiled QWeb, translations) before measuring
    letter._render_letter_mails(partners[:3])
    template._generate_template(partners[:3].ids, ("subject", "body_html"))
    Run = env["mailmerge.letter.run"]
    ours, native = {}, {}
    for _run in range(repeat):
        env.flush_all()
        env.invalidate_all()
        with measure(ours):
            recipients, skipped = partners._select_mail_recipients()
            run = Run._start_mail(letter, recipients, skipped)
            env.flush_all()
        assert run.state == "done" and run.done_count == size, run.read()
        env.invalidate_all()
        with measure(native):
            composer = env["mail.compose.message"].create(
                [
                    {
                        "composition_mode": "mass_mail",
                        "model": "res.partner",
                        "res_ids": repr(partners.ids),
                        "template_id": template.id,
                        "force_send": False,
                    }
                ]
            )
            mails, _messages = composer._action_send_mail()
            env.flush_all()
        assert len(mails) == size
    ours, native = summary(ours), summary(native)
    return [
        {
            "case": f"serial e-mail to {size}",
            "ours": ours,
            "native": native,
            "ratio": round(ours["seconds"] / native["seconds"], 2),
            "queries_added": ours["queries"] - native["queries"],
        }
    ]


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=list(BENCHMARKS))
    parser.add_argument("--out", default=".benchmark-results/bench.json")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the size of the benchmarks that have one (e.g. 0.02 for a "
        "quick check of letters_5000 with 100 letters)",
    )
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    config.parse_config([a for a in args.odoo_args if a != "--"], setup_logging=True)
    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for name in args.only:
            function = BENCHMARKS[name]
            kwargs = {}
            size = inspect.signature(function).parameters.get("size")
            if size is not None and args.scale != 1.0:
                kwargs["size"] = max(1, round(size.default * args.scale))
            results[name] = function(env, args.repeat, **kwargs)
            cr.rollback()
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(
        f"{'benchmark':<34} {'ours s':>8} {'native s':>9} {'ratio':>6} "
        f"{'ours q':>7} {'native q':>9} {'added q':>8}"
    )
    for name, rows in results.items():
        for row in rows:
            print(
                f"{name + ': ' + row['case']:<34} {row['ours']['seconds']:>8.3f} "
                f"{row['native']['seconds']:>9.3f} {row['ratio']:>6.2f} "
                f"{row['ours']['queries']:>7} {row['native']['queries']:>9} "
                f"{row['queries_added']:>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
