from . import base_comment_template
from . import comment_template
from . import product_category
from . import res_company
from . import res_config_settings
from . import sale_order
from . import account_move
from . import erp_orderx
