from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import index_exists


@tagged("post_install", "-at_install")
class TestIndexes(TransactionCase):
    def test_lookup_columns_indexed(self):
        """The contact lookups by e-mail and the lines of an opportunity do not scan
        their tables."""
        self.assertTrue(index_exists(self.cr, "res_partner__email_normalized_index"))
        self.assertTrue(index_exists(self.cr, "crm_lead_line__lead_id_index"))
