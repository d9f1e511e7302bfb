#!/usr/bin/env bash
# Start Odoo 18 on http://localhost:8069 with the three addons and the German demo data.
# Uses the Odoo source tree at $ODOO_PATH and the local PostgreSQL over its socket.
# queue_job is loaded server-wide: its job runner (a thread) runs the background jobs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
DB="${ODOO_DB:-crm_phases}"
HTTP_PORT="${HTTP_PORT:-8069}"

require_odoo
require_postgres
"$ROOT/scripts/bootstrap.sh"
port_free "$HTTP_PORT" || die "port $HTTP_PORT is already in use (another Odoo?): stop it or set HTTP_PORT=..."

common=(--addons-path="$(addons_path)" --data-dir="$DATA_DIR")
info "preparing database $DB (created with German language and demo data when missing)"
PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ROOT/scripts/initdb.py" --db "$DB" -- "${common[@]}" \
    --log-level=warn || die "could not prepare database $DB (see the log above)"
info "Odoo on http://localhost:$HTTP_PORT (database $DB, login admin / admin)"
exec env PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "${common[@]}" \
    -d "$DB" --db-filter="^${DB}\$" --http-port="$HTTP_PORT" --gevent-port="$((HTTP_PORT + 3))" \
    --load=base,web,queue_job "$@"
