#!/usr/bin/env bash
# Upgrade test: install the first release of the addons (all three at 18.0.1.0.0) into a
# fresh database, create data with that code (contacts with titles and umlauts, won,
# lost and open opportunities, product lines), update to the current code with
# `-u crm_phases,mailmerge_letters,erp_transfer` and check the migrated values in SQL,
# then that they equal what the ORM computes. Fails loudly (exit 1) on any difference.
#   scripts/test-upgrade.sh            # OLD_REF, UPGRADE_DB, UPGRADE_ROWS override
# UPGRADE_ROWS extra contacts and opportunities (in SQL) make the timing visible.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# last commit before mailmerge_letters left 18.0.1.0.0 (crm_phases, erp_transfer too)
OLD_REF="${OLD_REF:-f059ebf}"
DB="${UPGRADE_DB:-crm_phases_upgrade}"
ROWS="${UPGRADE_ROWS:-20000}"
RESULTS="$ROOT/.test-results"
started=$(date +%s)

require_odoo
require_postgres
mkdir -p "$RESULTS"
OLD=$(mktemp -d "${TMPDIR:-/tmp}/crm_phases_old.XXXXXX")
cleanup() { git -C "$ROOT" worktree remove --force "$OLD" >/dev/null 2>&1; rm -rf "$OLD"; }
trap cleanup EXIT
git -C "$ROOT" worktree add --detach "$OLD" "$OLD_REF" >/dev/null 2>&1 \
    || die "could not check out $OLD_REF into $OLD"
grep -q '"18.0.1.0.0"' "$OLD/addons/crm_phases/__manifest__.py" \
    || die "$OLD_REF is not crm_phases 18.0.1.0.0"

fail() {
    printf 'UPGRADE TEST FAILED: %s\n' "$*" >&2
    exit 1
}

prepare_test_db "$DB" "$RESULTS"
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
old_odoo() {  # old_odoo [shell] OPTIONS...
    local cmd=()
    if [ "$1" = shell ]; then cmd=(shell); shift; fi
    PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "${cmd[@]}" \
        --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$OLD/addons,$site/odoo/addons" \
        --data-dir="$DATA_DIR" -d "$DB" --http-port="$(free_port)" "$@"
}
has_errors() { grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |Traceback' "$1"; }

info "install $OUR_ADDONS at $OLD_REF (18.0.1.0.0) into $DB"
old_odoo -i "$OUR_ADDONS" --stop-after-init --log-level=warn >"$RESULTS/upgrade-install.log" 2>&1 \
    && ! has_errors "$RESULTS/upgrade-install.log" \
    || { tail -n 30 "$RESULTS/upgrade-install.log" >&2; fail "installing $OLD_REF"; }

info "data created with the old code ($ROWS extra contacts and opportunities in SQL)"
old_odoo shell --log-level=warn >"$RESULTS/upgrade-data.log" 2>&1 <<PY
ref = env.ref
env["res.lang"]._activate_lang("de_DE")
Partner = env["res.partner"]
company = Partner.create({"name": "Sonnenschein Upgrade AG", "is_company": True, "lang": "de_DE"})
people = Partner.create([
    {"firstname": "Jürgen", "lastname": "Müllerup", "parent_id": company.id, "lang": "de_DE",
     "title": ref("base.res_partner_title_mister").id},
    {"firstname": "Anna", "lastname": "Schmidtup", "lang": "de_DE",
     "title": ref("base.res_partner_title_madam").id},
    {"firstname": "Hans", "lastname": "Weißup", "lang": "de_DE",
     "title": ref("base.res_partner_title_doctor").id},
    {"firstname": "Peter", "lastname": "Millerup", "lang": "en_US",
     "title": ref("base.res_partner_title_prof").id},
    {"firstname": "José", "lastname": "Martínezup", "company_name": "Énergie Sàrl", "lang": "en_US"},
    {"firstname": "Eva", "lastname": "Braunup", "company_name": "  ÖKO  Strom GmbH ", "lang": "de_DE"},
    {"firstname": "Kim", "lastname": "Lee"},
])
stage_won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
stage_open = env["crm.stage"].search([("is_won", "=", False)], limit=1)
field = env["crm.business.field"].create({"name": "Upgrade Solar"})
categ = env["product.category"].create({"name": "Upgrade PV", "business_field_id": field.id})
product = env["product.product"].create({"name": "Upgrade Modul", "categ_id": categ.id})
Lead = env["crm.lead"]
won, won_lost, still_open = Lead.create([
    {"name": "Upgrade gewonnen", "type": "opportunity", "partner_id": people[0].id},
    {"name": "Upgrade gewonnen verloren", "type": "opportunity"},
    {"name": "Upgrade offen", "type": "opportunity", "date_deadline": "2027-03-17",
     "stage_id": stage_open.id},
])
(won | won_lost).action_set_won()
won_lost.action_set_lost()
env["crm.lead.line"].create({"lead_id": still_open.id, "product_id": product.id,
                             "name": "Modul", "product_qty": 2})
env.cr.execute("UPDATE crm_lead SET date_closed = '2024-05-04 10:00:00' WHERE id = %s", [won.id])
order = env["sale.order"].create({"partner_id": people[0].id, "order_line": [
    (0, 0, {"product_id": product.id, "product_uom_qty": 3, "price_unit": 100.0, "tax_id": [(5,)]})]})
order.action_confirm()
def clone(table, template_id, values, count):
    """count rows in SQL: values {column: SQL of n}, NOT NULL columns from the template."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
        [table],
    )
    copied = [c for (c,) in env.cr.fetchall() if c not in values]
    cols = list(values) + copied
    exprs = list(values.values()) + [f"t.{c}" for c in copied]
    env.cr.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)}"
        f" FROM generate_series(1, {int(count)}) AS n, {table} AS t WHERE t.id = {int(template_id)}"
    )
clone("res_partner", people[-1].id, {
    "name": "'Max Mustermann ' || n", "firstname": "'Max'", "lastname": "'Mustermann ' || n",
    "lang": "CASE WHEN n % 2 = 0 THEN 'de_DE' ELSE 'en_US' END", "active": "true",
    "is_company": "false", "title": f"CASE WHEN n % 10 = 0 THEN {ref('base.res_partner_title_mister').id} END",
    "company_name": "CASE WHEN n % 3 = 0 THEN 'Käse & Co KG' END",
}, $ROWS)
clone("crm_lead", still_open.id, {
    "name": "'Massen ' || n", "type": "'opportunity'", "active": "true",
    "stage_id": f"CASE WHEN n % 2 = 0 THEN {stage_won.id} ELSE {stage_open.id} END",
    "date_closed": "CASE WHEN n % 2 = 0 THEN now() - interval '1 day' * n END",
    "date_deadline": "current_date + n",
}, $ROWS)
env.cr.commit()
print("UPGRADE-DATA", won.id, won_lost.id, still_open.id, field.id, order.id, company.id)
PY
grep -q '^UPGRADE-DATA' "$RESULTS/upgrade-data.log" \
    || { tail -n 30 "$RESULTS/upgrade-data.log" >&2; fail "creating the data with the old code"; }
read -r _ WON WON_LOST OPEN FIELD ORDER COMPANY < <(grep '^UPGRADE-DATA' "$RESULTS/upgrade-data.log")

info "update to the current code: -u $OUR_ADDONS"
up_started=$(date +%s)
odoo_bin -d "$DB" -u "$OUR_ADDONS" --stop-after-init --http-port="$(free_port)" \
    --log-level=info >"$RESULTS/upgrade-update.log" 2>&1 \
    && ! has_errors "$RESULTS/upgrade-update.log" \
    || { grep -E 'ERROR|CRITICAL|Traceback' -A5 "$RESULTS/upgrade-update.log" | head -40 >&2; fail "-u $OUR_ADDONS"; }
up_seconds=$(( $(date +%s) - up_started ))
grep -E "Prepare computation of (res\.partner\.(name_company_key|letter_)|crm\.lead\.(revenue_month|business_field_ids))" \
    "$RESULTS/upgrade-update.log" && fail "the ORM computed a field the migration fills in SQL"

q() { psql -X -Atq -d "$DB" -v ON_ERROR_STOP=1 -c "$1"; }
expect() {  # expect LABEL SQL VALUE
    local got
    got=$(q "$2") || fail "$1: query failed"
    [ "$got" = "$3" ] || fail "$1: expected '$3', got '$got'"
    printf '  ok  %s\n' "$1" >&2
}
info "checks (SQL)"
expect "versions" "select string_agg(name || '=' || latest_version, ' ' order by name) from ir_module_module where name in ('crm_phases','mailmerge_letters','erp_transfer')" \
    "crm_phases=18.0.1.8.0 erp_transfer=18.0.1.2.0 mailmerge_letters=18.0.1.4.0"
expect "won lead handed over on its closing date" "select won_handled_date from crm_lead where id = $WON" "2024-05-04 10:00:00"
expect "lost lead not marked" "select count(*) from crm_lead where id = $WON_LOST and won_handled_date is null" "1"
expect "open lead not marked" "select count(*) from crm_lead where id = $OPEN and won_handled_date is null" "1"
expect "mass won leads marked" "select count(*) from crm_lead l join crm_stage s on s.id = l.stage_id where l.name like 'Massen %' and s.is_won and l.won_handled_date is null" "0"
expect "revenue month" "select revenue_month from crm_lead where id = $OPEN" "2027-03-01"
expect "business field from the lines" "select business_field_id from crm_lead_business_field_rel where lead_id = $OPEN" "$FIELD"
expect "Herr from the title" "select form_of_address || ' ' || letter_salutation from res_partner where lastname = 'Müllerup' and firstname = 'Jürgen'" \
    "mr Sehr geehrter Herr Müllerup"
expect "Frau from the title" "select letter_salutation from res_partner where lastname = 'Schmidtup' and firstname = 'Anna'" "Sehr geehrte Frau Schmidtup"
expect "Dr. from the title" "select academic_title || ' ' || letter_salutation from res_partner where lastname = 'Weißup'" "Dr. Sehr geehrte Damen und Herren"
expect "Prof. in English" "select letter_address_name from res_partner where lastname = 'Millerup'" "Professor Peter Millerup"
expect "no title: impersonal, name" "select letter_salutation || ' / ' || letter_address_name from res_partner where lastname = 'Braunup'" \
    "Sehr geehrte Damen und Herren / Eva Braunup"
expect "dedupe key with umlauts" "select name_company_key from res_partner where lastname = 'Müllerup' and firstname = 'Jürgen'" \
    "juergen muellerup|sonnenschein upgrade ag"
expect "dedupe key, spaces collapsed" "select name_company_key from res_partner where lastname = 'Braunup'" "braunup eva|oeko strom gmbh"
expect "dedupe key with accents (Python)" "select name_company_key from res_partner where lastname = 'Martínezup'" "jose martinezup|energie sarl"
expect "customer from the order confirmed before the upgrade" "select customer_status || ' ' || customer_since_ref || ' ' || purchase_order_count from res_partner where id = $COMPANY" \
    "customer sale.order,$ORDER 1"
expect "its business field and revenue" "select business_field_id || ' ' || round(amount)::int from res_partner_business_field_revenue where partner_id = $COMPANY" "$FIELD 300"
expect "no contact left without key or salutation" "select count(*) from res_partner where (name_company_key is null and name ~ '[^[:space:]]') or letter_salutation is null" "0"

info "checks (the stored values equal what the ORM computes)"
PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ODOO_PATH/odoo-bin" shell --addons-path="$(addons_path)" \
    --data-dir="$DATA_DIR" -d "$DB" --log-level=warn >"$RESULTS/upgrade-check.log" 2>&1 <<'PY'
Partner = env["res.partner"].with_context(active_test=False)
partners = Partner.search([])
fields_ = ["name_company_key", "letter_salutation", "letter_address_name"]
stored = {p.id: [p[f] for f in fields_] for p in partners}
leads = env["crm.lead"].with_context(active_test=False).search([])
stored_leads = {l.id: (l.revenue_month, l.business_field_ids.ids) for l in leads}
env.invalidate_all()
for fname in fields_:
    env.add_to_compute(Partner._fields[fname], partners)
for fname in ["revenue_month", "business_field_ids"]:
    env.add_to_compute(leads._fields[fname], leads)
env.flush_all()
env.invalidate_all()
bad = [(p.id, stored[p.id], [p[f] for f in fields_]) for p in partners if [p[f] for f in fields_] != stored[p.id]]
bad += [(l.id, stored_leads[l.id]) for l in leads if (l.revenue_month, l.business_field_ids.ids) != stored_leads[l.id]]
print("UPGRADE-CHECK", len(partners), len(leads), "differences:", bad[:10], len(bad))
env.cr.rollback()
PY
grep -q '^UPGRADE-CHECK .* 0$' "$RESULTS/upgrade-check.log" \
    || { tail -n 20 "$RESULTS/upgrade-check.log" >&2; fail "stored values differ from the ORM's"; }
grep '^UPGRADE-CHECK' "$RESULTS/upgrade-check.log" | cut -c1-200 >&2

drop_db "$DB"
info "upgrade test passed: $OLD_REF → $(git -C "$ROOT" rev-parse --short HEAD) (update $up_seconds s, total $(( $(date +%s) - started )) s; logs: $RESULTS/upgrade-*.log)"
