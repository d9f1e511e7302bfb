from . import crm_business_field
from . import product_category
from . import crm_lead
from . import res_company
from . import res_config_settings
from . import crm_pipeline_xlsx
