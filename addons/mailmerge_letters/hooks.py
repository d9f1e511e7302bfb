def post_init_hook(env):
    """Existing databases: take form of address and title from ``res.partner.title``."""
    env["res.partner"]._backfill_letter_fields_from_title()
