from . import test_ab_number
from . import test_transfer
from . import test_transfer_concurrency
