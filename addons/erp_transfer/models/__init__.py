from . import res_company
from . import sale_order
from . import erp_orderx
from . import res_config_settings
