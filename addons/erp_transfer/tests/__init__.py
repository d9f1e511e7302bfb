from . import test_ab_number
