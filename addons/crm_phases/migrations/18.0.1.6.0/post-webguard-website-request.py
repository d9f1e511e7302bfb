"""Protect the rewritten confirmation template from later updates again (see the
pre-migration)."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET noupdate = true
             WHERE module = 'crm_phases'
               AND name = 'mail_template_website_request_confirmation'
            """
        )
    )
