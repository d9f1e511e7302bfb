"""Unsubscribe links carry their issue date from 18.0.1.6.0 on; the links of mails
sent before have none. They keep working for the validity of a new link, counted
from the upgrade (``crm_phases.unsubscribe_legacy_links_until``)."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            INSERT INTO ir_config_parameter
                (key, value, create_uid, write_uid, create_date, write_date)
            SELECT %(key)s,
                   to_char(
                       (now() AT TIME ZONE 'UTC')::date + COALESCE(
                           (SELECT NULLIF(value, '')::integer
                              FROM ir_config_parameter
                             WHERE key = %(validity_key)s),
                           365
                       ),
                       'YYYY-MM-DD'
                   ),
                   1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            ON CONFLICT (key) DO NOTHING
            """,
            key="crm_phases.unsubscribe_legacy_links_until",
            validity_key="crm_phases.unsubscribe_link_validity_days",
        )
    )
