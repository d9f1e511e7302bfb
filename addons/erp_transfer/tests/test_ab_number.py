from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

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

    def test_recreated_sequence_never_gives_a_number_twice(self):
        first = self._new_order()
        first.action_confirm()
        used = int(first.ab_number.split()[-1])
        self.company.ab_sequence_id.unlink()
        second = self._new_order()
        second.action_confirm()
        self.assertEqual(second.ab_number, f"AB {used + 1:06d}")

    def test_duplicate_gets_its_own_number_on_confirm(self):
        order = self._new_order()
        order.action_confirm()
        copy = order.copy()
        self.assertFalse(copy.ab_number, "a copy is a new quotation")
        copy.action_confirm()
        self.assertTrue(copy.ab_number)
        self.assertNotEqual(copy.ab_number, order.ab_number)

    def test_batch_confirm_numbers_in_order(self):
        orders = self._new_order() | self._new_order() | self._new_order()
        orders.action_confirm()
        numbers = [int(number.split()[-1]) for number in orders.mapped("ab_number")]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 3)))

    def test_number_unique_per_company(self):
        order = self._new_order()
        order.action_confirm()
        other = self._new_order()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            other.write({"ab_number": order.ab_number})
            other.flush_recordset(["ab_number"])

    def test_company_without_any_order_starts_at_100001(self):
        company = self.env["res.company"].create({"name": "ET Neugründung GmbH"})
        sequence = company._get_ab_sequence()
        self.assertEqual(sequence.number_next_actual, 100001)
        self.assertEqual(sequence.prefix, "AB ")
        self.assertEqual(sequence.padding, 6)

    def test_settings_change_prefix_padding_and_next(self):
        self._new_order().action_confirm()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.ab_sequence_prefix, "AB ")
        self.assertEqual(settings.ab_sequence_padding, 6)
        settings.ab_sequence_prefix = "AB-"
        settings.ab_sequence_padding = 7
        settings.ab_sequence_number_next = 2000000
        settings.execute()
        order = self._new_order()
        order.action_confirm()
        self.assertEqual(order.ab_number, "AB-2000000")

    def test_settings_refuse_a_next_number_already_given(self):
        order = self._new_order()
        order.action_confirm()
        used = int(order.ab_number.split()[-1])
        settings = self.env["res.config.settings"].create({})
        settings.ab_sequence_number_next = used
        with self.assertRaisesRegex(ValidationError, "never given twice"):
            settings.execute()
        settings = self.env["res.config.settings"].create({})
        settings.ab_sequence_padding = 0
        with self.assertRaisesRegex(ValidationError, "between 1 and 12"):
            settings.execute()
