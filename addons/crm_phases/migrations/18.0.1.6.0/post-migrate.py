"""What SQL cannot fill alone, once the models are loaded.

- ``crm.lead.won_handled_date``: opportunities won before the hand-over existed count
  as handed over (otherwise winning one again hands it over a second time).
- ``res.partner.name_company_key`` of the names the pre-migration left to Python
  (characters beyond ASCII and the German umlauts), in chunks.
"""

from odoo import SUPERUSER_ID, api

CHUNK = 10000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.lead"]._backfill_won_handled_date()
    compute_remaining_name_company_keys(env)


def compute_remaining_name_company_keys(env):
    """Compute the keys still empty for contacts with a name."""
    env.cr.execute(
        "SELECT id FROM res_partner "
        "WHERE name_company_key IS NULL AND name ~ '[^[:space:]]' ORDER BY id"
    )
    ids = [row[0] for row in env.cr.fetchall()]
    Partner = env["res.partner"].with_context(active_test=False)
    field = Partner._fields["name_company_key"]
    for start in range(0, len(ids), CHUNK):
        partners = Partner.browse(ids[start : start + CHUNK])
        env.add_to_compute(field, partners)
        partners.flush_recordset(["name_company_key"])
        env.invalidate_all()
    return ids
