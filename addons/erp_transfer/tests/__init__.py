from . import test_ab_number
from . import test_text_blocks
from . import test_ab_filing
from . import test_orderx
from . import test_transfer
from . import test_transfer_concurrency
from . import test_erp_outbox
from . import test_erp_outbox_orderx
