from . import mailmerge_export
from . import res_company
from . import res_config_settings
from . import res_partner
from . import mailmerge_letter_template
from . import res_partner_letter
from . import mailmerge_letter_run
from . import mailmerge_letter_run_pdf
