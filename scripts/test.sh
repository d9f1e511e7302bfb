#!/usr/bin/env bash
# The project's test command: fresh database, our addons installed, Odoo's test runner on
# our addons (at_install and post_install), then the end-to-end suite in tests/ against a
# real Odoo server. Ends with "N passed, N failed, N skipped"; exit 1 when anything failed,
# errored or did not run. Results: .test-results/ (JUnit XML, logs, summary with commit).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
DB="${TEST_DB:-crm_phases_test}"
RESULTS="$ROOT/.test-results"
started=$(date +%s)

require_odoo
require_postgres
"$ROOT/scripts/bootstrap.sh" || die "could not build the virtualenv $VENV"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.xml "$RESULTS"/*.log "$RESULTS"/summary.txt

# Odoo's modules we build on, installed once into a template database keyed by what
# decides its content; every run copies it (with its filestore) into a fresh database.
deps=$("$VENV/bin/python" - "$ROOT/addons" "$OUR_ADDONS" <<'PY'
import ast, pathlib, sys
ours = set(sys.argv[2].split(","))
deps = set()
for name in ours:
    manifest = ast.literal_eval((pathlib.Path(sys.argv[1]) / name / "__manifest__.py").read_text())
    deps |= set(manifest.get("depends", [])) - ours
print(",".join(sorted(deps)))
PY
)
odoo_rev=$(git -C "$ODOO_PATH" rev-parse HEAD 2>/dev/null || sed -n 's/^version_info = //p' "$ODOO_PATH/odoo/release.py")
key=$(printf '%s\n' "$odoo_rev" "$deps" "$(cat "$ROOT/requirements.txt")" | sha256sum | cut -c1-12)
TEMPLATE="crm_phases_tmpl_$key"

db_exists() { [ "$(psql -X -Atq -d postgres -c "select 1 from pg_database where datname='$1'")" = 1 ]; }
drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || die "could not drop database $1 (still in use?)"
    rm -rf "$DATA_DIR/filestore/$1"
}

if ! db_exists "$TEMPLATE"; then
    info "building template database $TEMPLATE with $deps (once per Odoo/dependency change)"
    for old in $(psql -X -Atq -d postgres -c "select datname from pg_database where datname like 'crm\_phases\_tmpl\_%'"); do
        drop_db "$old"
    done
    if ! odoo_bin -d "$TEMPLATE" -i "$deps" --stop-after-init --log-level=warn \
        --http-port="$(free_port)" >"$RESULTS/template.log" 2>&1 \
        || grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$RESULTS/template.log"; then
        tail -n 30 "$RESULTS/template.log" >&2
        drop_db "$TEMPLATE"
        die "installing Odoo's modules ($deps) into $TEMPLATE failed; log: $RESULTS/template.log"
    fi
fi

info "fresh database $DB from $TEMPLATE"
drop_db "$DB"
createdb -T "$TEMPLATE" "$DB" || die "could not create database $DB from $TEMPLATE"
if [ -d "$DATA_DIR/filestore/$TEMPLATE" ]; then
    mkdir -p "$DATA_DIR/filestore"
    cp -a "$DATA_DIR/filestore/$TEMPLATE" "$DATA_DIR/filestore/$DB"
fi

tags=$(printf '/%s,' ${OUR_ADDONS//,/ }); tags=${tags%,}
info "Odoo test runner: install $OUR_ADDONS, --test-tags $tags"
odoo_bin -d "$DB" -i "$OUR_ADDONS" --test-tags "$tags" --stop-after-init \
    --http-port="$(free_port)" --log-level=info >"$RESULTS/odoo-tests.log" 2>&1
odoo_rc=$?
read -r o_pass o_fail o_skip < <("$VENV/bin/python" "$ROOT/scripts/odoo_log_junit.py" \
    "$RESULTS/odoo-tests.log" "$RESULTS/junit-odoo.xml")
grep -E 'odoo.tests.result|(ERROR|CRITICAL) ' "$RESULTS/odoo-tests.log" | grep -v '^Traceback' | head -n 40 >&2
if [ "$odoo_rc" -ne 0 ] && [ "$o_fail" -eq 0 ]; then
    o_fail=1
    echo "Odoo's test runner exited with $odoo_rc" >&2
fi
if [ "$o_pass" -eq 0 ]; then
    o_fail=$((o_fail + 1))
    echo "Odoo's test runner ran no passing test: counted as a failure" >&2
fi
info "Odoo runner: $o_pass passed, $o_fail failed, $o_skip skipped (log: $RESULTS/odoo-tests.log)"

info "end-to-end suite (pytest tests/) against a started Odoo server"
ODOO_PATH="$ODOO_PATH" ODOO_TEST_DB="$DB" ODOO_ADDONS_PATH="$(addons_path)" ODOO_DATA_DIR="$DATA_DIR" \
    PATH="$VENV/bin:$PATH" "$VENV/bin/python" -m pytest "$ROOT/tests" -p no:cacheprovider \
    --junitxml="$RESULTS/junit-e2e.xml" -q -rfEs "$@"
read -r e_pass e_fail e_skip < <("$VENV/bin/python" - "$RESULTS/junit-e2e.xml" <<'PY'
import sys
from xml.etree import ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1, 0)
    sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
n = lambda key: sum(int(s.get(key, 0)) for s in suites)
fail = n("failures") + n("errors")
print(n("tests") - fail - n("skipped"), fail, n("skipped"))
PY
)
if [ "$e_pass" -eq 0 ]; then
    e_fail=$((e_fail + 1))
    echo "the end-to-end suite ran no passing test: counted as a failure" >&2
fi

passed=$((o_pass + e_pass)); failed=$((o_fail + e_fail)); skipped=$((o_skip + e_skip))
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit+uncommitted-changes"
line="$passed passed, $failed failed, $skipped skipped"
printf '%s commit %s: %s (odoo runner %s/%s/%s, e2e %s/%s/%s; %ss)\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "$line" \
    "$o_pass" "$o_fail" "$o_skip" "$e_pass" "$e_fail" "$e_skip" "$(($(date +%s) - started))" \
    | tee "$RESULTS/summary.txt" >&2
echo "$line"
[ "$failed" -eq 0 ]
