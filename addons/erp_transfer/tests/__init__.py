from . import test_ab_number
from . import test_erp_outbox
