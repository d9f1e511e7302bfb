from . import res_company
from . import sale_order
from . import erp_transfer_log
from . import crm_lead
from . import crm_lead_line
from . import res_config_settings
