def post_init_hook(env):
    """Opportunities won before the addon was installed are not handed over again."""
    env["crm.lead"]._backfill_won_handled_date()
