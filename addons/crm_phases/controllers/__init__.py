from . import main
from . import unsubscribe
from . import website_form
