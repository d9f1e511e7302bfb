from . import crm_lead_transfer_again
from . import erp_outbox_mark_sent
