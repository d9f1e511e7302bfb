from . import test_business_field
from . import test_won_automation
from . import test_pipeline_xlsx
