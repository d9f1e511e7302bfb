"""Website request protection (18.0.1.6.0).

- The confirmation e-mail template (``noupdate``) no longer repeats the visitor's
  text: let this update rewrite it, and drop its translated bodies so that the new
  translations are loaded instead of the old ones.
- ``crm.website.request.log`` holds counters per kind and key instead of one row per
  request: its short-lived rows are dropped.
"""

from odoo.tools import SQL
from odoo.tools.sql import table_exists


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET noupdate = false
             WHERE module = 'crm_phases'
               AND name = 'mail_template_website_request_confirmation'
         RETURNING res_id
            """
        )
    )
    template_ids = [row[0] for row in cr.fetchall()]
    if template_ids:
        cr.execute(
            SQL(
                """
                UPDATE mail_template
                   SET body_html = jsonb_build_object('en_US', body_html->>'en_US')
                 WHERE id IN %s
                """,
                tuple(template_ids),
            )
        )
    # versions before the website form (18.0.1.0.0) have no log yet
    if table_exists(cr, "crm_website_request_log"):
        cr.execute(SQL("DELETE FROM crm_website_request_log"))
        cr.execute(
            SQL("ALTER TABLE crm_website_request_log DROP COLUMN IF EXISTS ip_hash")
        )
