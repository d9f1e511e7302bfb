from . import crm_campaign_visitor_wizard
from . import crm_campaign_export_wizard
from . import crm_campaign_export_wizard_line
