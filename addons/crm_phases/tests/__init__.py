from . import test_business_field
