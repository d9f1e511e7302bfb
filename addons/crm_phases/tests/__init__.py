from . import test_business_field
from . import test_won_automation
from . import test_pipeline_xlsx
from . import test_campaign
from . import test_campaign_activity
from . import test_campaign_export
from . import test_partner_dedupe
from . import test_visitor_import
