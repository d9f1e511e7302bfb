"""After-sales data of existing databases: business fields, customer status and
purchase data of every contact from the confirmed orders and posted invoices, in SQL
(the same backfill as the post-init hook)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._crm_phases_backfill_purchase_data()
