from . import crm_business_field
from . import product_category
