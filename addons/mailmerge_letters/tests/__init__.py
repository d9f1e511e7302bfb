from . import test_letter_salutation
from . import test_postal_objection
from . import test_migrations
