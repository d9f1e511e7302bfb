from . import crm_lead_transfer_again
