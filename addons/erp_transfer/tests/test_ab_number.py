from odoo.tests import tagged

from .common import ErpTransferCase


@tagged("post_install", "-at_install")
class TestAbNumber(ErpTransferCase):
    def test_confirm_gives_ab_number_once(self):
        order = self._new_order()
        quotation_number = order.name
        order.action_confirm()
        self.assertRegex(order.ab_number, r"^AB \d{6}$")
        self.assertEqual(order.name, quotation_number, "the quotation keeps its number")
        number = order.ab_number
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(order.ab_number, number, "re-confirming keeps the AB number")

    def test_deleted_sequence_is_recreated(self):
        self.company._get_ab_sequence().unlink()
        order = self._new_order()
        order.action_confirm()
        self.assertTrue(order.ab_number.startswith("AB "))
        self.assertTrue(self.company.ab_sequence_id)
