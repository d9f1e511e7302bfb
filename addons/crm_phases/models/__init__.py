from . import crm_business_field
from . import product_category
from . import crm_lead_attributes
from . import crm_lead_line
from . import crm_lead_website
from . import crm_website_request_log
from . import res_company
from . import res_config_settings
