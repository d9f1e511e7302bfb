from . import test_business_field
from . import test_opportunity_attributes
from . import test_website_request
