from . import test_postal_objection
