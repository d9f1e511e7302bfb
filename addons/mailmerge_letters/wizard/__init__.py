from . import mailmerge_recipient_wizard
from . import mailmerge_recipient_wizard_line
from . import mailmerge_export_wizard
from . import mailmerge_export_wizard_line
from . import mailmerge_letter_preview
from . import mailmerge_letter_wizard
from . import mailmerge_letter_wizard_output
from . import mailmerge_letter_wizard_mail
