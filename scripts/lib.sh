# shellcheck shell=bash
# Shared helpers for the project's scripts: clear one-line errors instead of tracebacks.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo}"
VENV="${VENV:-$ROOT/.venv}"
LINT_VENV="${LINT_VENV:-$ROOT/.venv-lint}"
PYTHON="${PYTHON:-python3.11}"
OUR_ADDONS="crm_phases,erp_transfer,mailmerge_letters"
DATA_DIR="${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}"

die() {
    printf 'error: %s\n' "$*" >&2
    exit 2
}

info() {
    printf '==> %s\n' "$*" >&2
}

require_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/odoo/addons/base" ]; then
        die "no Odoo 18 source tree at ODOO_PATH=$ODOO_PATH. Get Odoo 18 either as the docker image (docker compose up, image odoo:18.0) or as a source tree (git clone -b 18.0 --depth 1 https://github.com/odoo/odoo \$ODOO_PATH) and set ODOO_PATH to it."
    fi
    local serie
    serie=$(sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\).*/\1.\2/p" "$ODOO_PATH/odoo/release.py")
    [ "$serie" = "18.0" ] || die "ODOO_PATH=$ODOO_PATH holds Odoo $serie, these addons need Odoo 18.0 (docker image odoo:18.0 or an 18.0 source tree)."
}

require_postgres() {
    command -v psql >/dev/null || die "psql not found: install the PostgreSQL client (apt-get install postgresql-client)."
    psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1 \
        || die "PostgreSQL does not answer on its local socket (PGHOST=${PGHOST:-default}, user ${PGUSER:-$(id -un)}): start it (pg_ctlcluster <version> main start) or set PGHOST/PGPORT/PGUSER."
}

port_free() {
    "$VENV/bin/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo's server does
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

addons_path() {
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    printf '%s' "$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$ROOT/addons,$site/odoo/addons"
}

odoo_bin() {
    PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$ODOO_PATH/odoo-bin" --addons-path="$(addons_path)" --data-dir="$DATA_DIR" "$@"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

db_exists() { [ "$(psql -X -Atq -d postgres -c "select 1 from pg_database where datname='$1'")" = 1 ]; }

drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || die "could not drop database $1 (still in use?)"
    rm -rf "$DATA_DIR/filestore/$1"
}

# prepare_test_db DB LOGDIR: a fresh database DB holding Odoo's modules that our addons
# depend on (not ours). They are installed once into a template database keyed by what
# decides its content (Odoo's commit, the dependencies, requirements.txt); each call
# copies the template and its filestore.
prepare_test_db() {
    local db=$1 logdir=$2 deps odoo_rev key template old
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
    template="crm_phases_tmpl_$key"
    # one run at a time builds or copies templates (parallel runs, other checkouts)
    local lock
    exec {lock}>"${TMPDIR:-/tmp}/crm_phases_template.lock"
    flock "$lock"
    if ! db_exists "$template"; then
        info "building template database $template with $deps (once per Odoo/dependency change)"
        # keep the two newest other templates (other branches/worktrees), drop older ones
        for old in $(psql -X -Atq -d postgres -c "select datname from pg_database where datname like 'crm\_phases\_tmpl\_%' order by oid desc offset 2"); do
            drop_db "$old"
        done
        if ! odoo_bin -d "$template" -i "$deps" --stop-after-init --log-level=warn \
            --http-port="$(free_port)" >"$logdir/template.log" 2>&1 \
            || grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed' "$logdir/template.log"; then
            tail -n 30 "$logdir/template.log" >&2
            drop_db "$template"
            die "installing Odoo's modules ($deps) into $template failed; log: $logdir/template.log"
        fi
    fi
    info "fresh database $db from $template"
    drop_db "$db"
    # another run copying the same template at this moment makes CREATE DATABASE fail
    local try
    for try in $(seq 1 30); do
        createdb -T "$template" "$db" 2>/dev/null && break
        [ "$try" -lt 30 ] || die "could not create database $db from $template (template in use?)"
        sleep 5
    done
    if [ -d "$DATA_DIR/filestore/$template" ]; then
        mkdir -p "$DATA_DIR/filestore"
        cp -a "$DATA_DIR/filestore/$template" "$DATA_DIR/filestore/$db"
    fi
    flock -u "$lock"
}
