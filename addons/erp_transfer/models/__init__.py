from . import res_company
from . import sale_order
from . import erp_adapter
from . import erp_backend
from . import erp_adapter_odoo
from . import erp_outbox
from . import sale_order_outbox
