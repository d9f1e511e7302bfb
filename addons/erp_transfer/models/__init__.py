from . import res_company
from . import sale_order
from . import res_config_settings
from . import sale_order_filing
from . import account_move
from . import ir_actions_report
