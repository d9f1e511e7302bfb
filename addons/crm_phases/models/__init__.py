from . import crm_business_field
from . import product_category
from . import utm_campaign
from . import crm_campaign_activity
from . import res_partner
