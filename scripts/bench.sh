#!/usr/bin/env bash
# Benchmarks (bench/bench.py): our paths against Odoo's native equivalent in the same
# run, with query counts. Fresh database with our addons (no tests), then the script.
# Extra arguments go to bench.py, e.g.: scripts/bench.sh --only won_batch --repeat 5;
# scripts/bench.sh --http [--posts 200 --clients 20] runs the HTTP benchmarks instead.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
DB="${BENCH_DB:-crm_phases_bench}"
RESULTS="$ROOT/.benchmark-results"

require_odoo
require_postgres
"$ROOT/scripts/bootstrap.sh"
mkdir -p "$RESULTS"
prepare_test_db "$DB" "$RESULTS"
info "installing $OUR_ADDONS into $DB"
odoo_bin -d "$DB" -i "$OUR_ADDONS" --stop-after-init --log-level=warn \
    --http-port="$(free_port)" >"$RESULTS/install.log" 2>&1 \
    || die "installing $OUR_ADDONS failed; log: $RESULTS/install.log"
if [ "${1:-}" = "--http" ]; then
    # HTTP benchmarks: a started Odoo server, real requests (bench/bench_http.py)
    shift
    ODOO_PATH="$ODOO_PATH" ODOO_ADDONS_PATH="$(addons_path)" ODOO_DATA_DIR="$DATA_DIR" \
        PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ROOT/bench/bench_http.py" --db "$DB" \
        --out "$RESULTS/bench_http.json" "$@"
    exit
fi
# the external ERP of the outbox benchmark: a second database (Odoo's modules, none of
# ours) that bench.py serves with a started Odoo server
ERP_BENCH_DB="${DB}_erp"
prepare_test_db "$ERP_BENCH_DB" "$RESULTS"
ERP_BENCH_DB="$ERP_BENCH_DB" ODOO_PATH="$ODOO_PATH" ODOO_ADDONS_PATH="$(addons_path)" \
    ODOO_DATA_DIR="$DATA_DIR" \
    PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ROOT/bench/bench.py" --db "$DB" \
    --out "$RESULTS/bench.json" "$@" -- --addons-path="$(addons_path)" \
    --data-dir="$DATA_DIR" --log-level=warn
