#!/bin/bash
# Wait for PostgreSQL, create the database with our addons and German demo data on the
# first start, then hand over to the official image's entrypoint.
set -e
DB="${ODOO_DB:-crm_phases}"
wait-for-psql.py --db_host "${HOST:-db}" --db_port "${PORT:-5432}" \
    --db_user "${USER:-odoo}" --db_password "${PASSWORD:-odoo}" --timeout=60
python3 /opt/crm_phases/initdb.py --db "$DB" --lang de_DE --country DE -- -c /etc/odoo/odoo.conf
exec /entrypoint.sh "$@" --database "$DB"
