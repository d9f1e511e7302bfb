from . import erp_outbox_mark_sent
