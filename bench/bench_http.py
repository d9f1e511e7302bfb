"""HTTP benchmarks against a started Odoo server: the quote request form.

- ``form_posts``: N sequential submissions of our form (/angebot-anfordern) against
  N of Odoo's native website_crm contact form (/website/form/crm.lead), each with a
  fresh GET for its tokens, as a browser does; p50 and p95 of the POST latency.
- ``form_concurrent``: C clients posting our form at the same time; every request
  must come back with a reference, and no reference may be lost or doubled.

Run through ``scripts/bench.sh`` (``--http``), which prepares the database.
"""

import argparse
import json
import re
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from odoo_harness import start_odoo_server, stop_odoo_server  # noqa: E402
from odoo_rpc import OdooRPC  # noqa: E402

FORM = "/angebot-anfordern"


def hidden(page, name):
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    return found.group(1) if found else ""


def post_ours(url, product_id, tag):
    browser = requests.Session()
    page = browser.get(url + FORM, timeout=60).text
    data = {
        "csrf_token": hidden(page, "csrf_token"),
        "form_token": hidden(page, "form_token"),
        "homepage": "",
        "contact_name": f"Bench Interessent {tag}",
        "email_from": f"bench-{tag}@kunde.example",
        "city": "Freiburg",
        "description": "Einfamilienhaus, 160 m²",
        "completion_period": "6_months",
        "privacy_consent": "1",
        f"product_qty_{product_id}": "1",
    }
    # the POST alone, like the native form's POST (its thank-you page is another
    # request in both flows)
    start = time.perf_counter()
    response = browser.post(
        url + FORM + "/submit", data=data, timeout=60, allow_redirects=False
    )
    elapsed = time.perf_counter() - start
    if response.is_redirect:
        response = browser.get(url + response.headers["Location"], timeout=60)
    found = re.search(r"WEB-\d{4}-\d{5}", response.text)
    return elapsed, found.group(0) if found else None


def post_native(url, tag):
    browser = requests.Session()
    page = browser.get(url + "/contactus", timeout=60).text
    data = {
        "csrf_token": hidden(page, "csrf_token"),
        "contact_name": f"Bench Kontakt {tag}",
        "email_from": f"bench-native-{tag}@kunde.example",
        "name": f"Anfrage {tag}",
        "description": "Einfamilienhaus, 160 m²",
    }
    start = time.perf_counter()
    response = browser.post(url + "/website/form/crm.lead", data=data, timeout=60)
    elapsed = time.perf_counter() - start
    return elapsed, response.status_code == 200 and "id" in response.text


def percentiles(values):
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
    }


def prepare(admin):
    """Bench settings: no minimum fill time and no rate limit (one client IP)."""
    company = admin.execute("res.users", "read", [admin.uid], ["company_id"])
    admin.execute(
        "res.company",
        "write",
        [company[0]["company_id"][0]],
        {"website_request_min_seconds": 0, "website_request_rate_limit": 0},
    )
    return admin.execute(
        "product.product",
        "create",
        [
            {
                "name": "Bench Wärmepumpe",
                "list_price": 12500.0,
                "sale_ok": True,
                "quote_form_published": True,
            }
        ],
    )[0]


def bench_form_posts(url, admin, product_id, count):
    ours = [post_ours(url, product_id, f"s{i}") for i in range(count)]
    native = [post_native(url, f"s{i}") for i in range(count)]
    assert all(ref for _t, ref in ours), "a submission of our form got no reference"
    assert all(ok for _t, ok in native), "a native submission failed"
    ours_p, native_p = (
        percentiles([t for t, _r in ours]),
        percentiles([t for t, _ in native]),
    )
    return {
        "case": f"{count} sequential form posts",
        "ours": ours_p,
        "native": native_p,
        "ratio_p50": round(ours_p["p50_ms"] / native_p["p50_ms"], 2),
        "ratio_p95": round(ours_p["p95_ms"] / native_p["p95_ms"], 2),
    }


def bench_form_concurrent(url, admin, product_id, clients, per_client):
    tag = uuid.uuid4().hex[:6]

    def client(index):
        return [
            post_ours(url, product_id, f"c{tag}-{index}-{n}") for n in range(per_client)
        ]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [r for batch in pool.map(client, range(clients)) for r in batch]
    elapsed = time.perf_counter() - start
    references = [ref for _t, ref in results]
    stored = admin.execute(
        "crm.lead",
        "search_read",
        [("contact_name", "like", f"Bench Interessent c{tag}-")],
        ["web_reference"],
    )
    return {
        "case": f"{clients} concurrent clients x {per_client} posts",
        "submitted": len(results),
        "answered_with_reference": sum(1 for ref in references if ref),
        "stored": len(stored),
        "unique_references": len({lead["web_reference"] for lead in stored}),
        "seconds": round(elapsed, 2),
        **percentiles([t for t, _r in results]),
    }


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=5)
    parser.add_argument("--out", default=".benchmark-results/bench_http.json")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    process, url = start_odoo_server(args.db, out.parent / "bench-odoo-server.log")
    try:
        admin = OdooRPC(url, args.db, "admin", "admin")
        product_id = prepare(admin)
        post_ours(url, product_id, "warm-up")
        post_native(url, "warm-up")
        results = {
            "form_posts": bench_form_posts(url, admin, product_id, args.posts),
            "form_concurrent": bench_form_concurrent(
                url, admin, product_id, args.clients, args.per_client
            ),
        }
    finally:
        stop_odoo_server(process)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    concurrent = results["form_concurrent"]
    lost = concurrent["submitted"] - concurrent["unique_references"]
    return 1 if lost or concurrent["stored"] != concurrent["submitted"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
