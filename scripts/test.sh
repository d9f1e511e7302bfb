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

prepare_test_db "$DB" "$RESULTS"
# the external ERP of erp_transfer's outbox tests: a second database on the same server
# (Odoo's modules with sale_management and demo data, none of ours), reached over the
# test server's own /jsonrpc; the tests fail when ERP_TEST_DB is missing
ERP_TEST_DB="${DB}_erp"
prepare_test_db "$ERP_TEST_DB" "$RESULTS"
export ERP_TEST_DB

tags=$(printf '/%s,' ${OUR_ADDONS//,/ }); tags=${tags%,}
info "Odoo test runner: install $OUR_ADDONS, --test-tags $tags"
odoo_bin -d "$DB" -i "$OUR_ADDONS" --test-tags "$tags" --stop-after-init \
    --http-port="$(free_port)" --log-level=info >"$RESULTS/odoo-tests.log" 2>&1
odoo_rc=$?
read -r o_pass o_fail o_skip < <("$VENV/bin/python" "$ROOT/scripts/odoo_log_junit.py" \
    "$RESULTS/odoo-tests.log" "$RESULTS/junit-odoo.xml")
grep -E 'odoo.tests.result|(WARNING|ERROR|CRITICAL) ' "$RESULTS/odoo-tests.log" | grep -v '^Traceback' | head -n 40 >&2
if [ "$odoo_rc" -ne 0 ] && [ "$o_fail" -eq 0 ]; then
    o_fail=1
    echo "Odoo's test runner exited with $odoo_rc" >&2
fi
if [ "$o_skip" -gt 0 ]; then
    # our tests skip nothing on purpose: a skip is a browser tour that did not run
    # (no Chromium, no websocket-client) or a test that could not start
    o_fail=$((o_fail + o_skip))
    echo "Odoo's test runner skipped $o_skip test(s): counted as failures" >&2
    grep -E ' skipped ' "$RESULTS/odoo-tests.log" | cut -c1-300 >&2
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
