def post_init_hook(env):
    """Opportunities won before the addon was installed are not handed over again;
    contacts know what they bought before (business fields, status, revenue)."""
    env["crm.lead"]._backfill_won_handled_date()
    env["res.partner"]._crm_phases_backfill_purchase_data()
