from . import mailmerge_letter_report
