from . import test_letter_salutation
from . import test_postal_objection
from . import test_migrations
from . import test_recipient_rule
from . import test_recipient_wizard
from . import test_mailmerge_export
from . import test_letter_template
from . import test_letter_pdf
