from . import crm_campaign_visitor_wizard
from . import crm_campaign_export_wizard
from . import crm_campaign_export_wizard_line
from . import crm_campaign_thank_you_wizard
from . import crm_campaign_import_wizard
from . import crm_campaign_import_wizard_column
from . import crm_campaign_import_wizard_row
from . import crm_bought_business_field_wizard
