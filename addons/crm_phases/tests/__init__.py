from . import test_business_field
from . import test_won_automation
