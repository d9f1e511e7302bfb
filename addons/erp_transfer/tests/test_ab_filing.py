import subprocess

from odoo import Command
from odoo.tests import HttpCase, tagged, users
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_phases.tests.queue_job_helpers import trap_jobs

from .common import ErpTransferCase

AB_REPORT = "sale.action_report_saleorder"


@tagged("post_install", "-at_install")
class TestAbFiling(HttpCase, ErpTransferCase):
    """The order confirmation (AB) filed once as a PDF on the order and on the
    customer, named ``<customer>_AB <number>.pdf``, renamed with each posted invoice."""

    # an HttpCase: wkhtmltopdf loads the report's CSS and fonts from the test
    # server (report.url), which serves them through the test's cursor

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ab_file_on_confirm": True, "invoice_plain_number": False})
        cls.Report = cls.env["ir.actions.report"]

    def _customer(self, name):
        return self.env["res.partner"].create(
            [{"name": name, "is_company": True, "street": "Hauptstraße 1"}]
        )

    def _confirmed_order(self, partner=None, **values):
        order = self._new_order(partner=partner, **values)
        with trap_jobs():
            order.action_confirm()
        return order

    def _filed(self, record):
        return self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def _print(self, orders, **context):
        return self.Report.with_context(**context)._render_qweb_pdf(
            AB_REPORT, orders.ids
        )

    def _invoice(self, order, quantity):
        """A posted customer invoice of ``quantity`` of the order's first line."""
        line = order.order_line[:1]
        invoice = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": order.partner_id.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "quantity": quantity,
                                "price_unit": line.price_unit,
                                "sale_line_ids": [Command.link(line.id)],
                            }
                        )
                    ],
                }
            ]
        )
        invoice.action_post()
        return invoice

    # Names

    def test_filename_replaces_forbidden_characters_keeps_umlauts(self):
        order = self._confirmed_order(self._customer("Müller/Söhne: Wärme & Co"))
        self.assertEqual(
            order._get_ab_filename(), f"Müller-Söhne- Wärme & Co_{order.ab_number}.pdf"
        )
        order = self._confirmed_order(self._customer('A*B?"C<D>E|F\\G\tH.'))
        self.assertEqual(
            order._get_ab_filename(), f"A-B--C-D-E-F-G H_{order.ab_number}.pdf"
        )

    def test_long_customer_name_is_shortened_never_the_number(self):
        order = self._confirmed_order(self._customer("Sonnenschein " + "x" * 187))
        order._file_ab_document()
        name = order.ab_attachment_id.name
        self.assertLessEqual(len(name), 120)
        self.assertTrue(name.startswith("Sonnenschein xxx"))
        self.assertTrue(name.endswith(f"_{order.ab_number}.pdf"))
        invoice = self._invoice(order, 10)
        renamed = order.ab_attachment_id.name
        self.assertLessEqual(len(renamed), 120)
        self.assertTrue(
            renamed.endswith(
                f"_{order.ab_number}_Re {invoice.name.replace('/', '-')}.pdf"
            )
        )

    def test_title_and_print_name(self):
        quotation = self._new_order()
        self.assertFalse(quotation._is_ab_document())
        order = self._confirmed_order()
        title = f"Order Confirmation {order.ab_number}"
        self.assertEqual(order._get_ab_document_title(), title)
        report = self.env.ref(AB_REPORT)
        self.assertEqual(safe_eval(report.print_report_name, {"object": order}), title)
        self.assertEqual(
            safe_eval(report.print_report_name, {"object": quotation}),
            f"Quotation - {quotation.name}",
        )
        # the order confirmation is laid out per DIN 5008 whatever the company's
        # layout, the quotation in the company's layout
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        html = self._print(order)[0].decode()
        self.assertIn(title, html)
        self.assertIn("din_page", html)
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        html = self._print(quotation)[0].decode()
        self.assertNotIn("din_page", html)
        self.assertNotIn("Order Confirmation", html)

    # Filing once, on the order and on the customer

    def test_confirm_files_once_on_order_and_customer(self):
        order = self._new_order()
        with trap_jobs() as trap:
            order.action_confirm()
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        name = f"Sonnenschein AG_{order.ab_number}.pdf"
        on_order, on_customer = self._filed(order), self._filed(self.customer)
        self.assertEqual(on_order.mapped("name"), [name])
        self.assertEqual(on_customer.filtered(lambda a: a.name == name), on_customer)
        self.assertEqual(len(on_customer), 1)
        self.assertEqual(on_order.checksum, on_customer.checksum)
        self.assertEqual(order.ab_attachment_id, on_order)
        self.assertEqual(order.ab_partner_attachment_id, on_customer)
        # printing twice, filing again, the job again: still the one document
        self._print(order)
        self._print(order)
        self.assertFalse(order._file_ab_document())
        order._file_ab_document_job()
        self.assertEqual(self._filed(order), on_order)
        self.assertEqual(self._filed(self.customer), on_customer)

    def test_print_files_before_the_job(self):
        order = self._new_order(partner=self.contact)
        with trap_jobs() as trap:
            order.action_confirm()
            self.assertFalse(order.ab_attachment_id)
            self._print(order)
            self._print(order)
            trap.perform_enqueued_jobs()  # the job of the confirmation comes later
        self.assertEqual(len(self._filed(order)), 1)
        # filed on the commercial partner, not on the contact
        self.assertEqual(len(self._filed(self.customer)), 1)
        self.assertFalse(self._filed(self.contact))
        self.assertIn("Order confirmation filed", order.message_ids[0].body)

    @users("et_salesman")
    def test_salesman_confirms_and_files_on_customer(self):
        order = self._new_order(user_id=self.user_salesman.id).with_env(self.env)
        with trap_jobs() as trap:
            order.action_confirm()
            trap.perform_enqueued_jobs()
        self.assertEqual(order.ab_attachment_id.sudo().res_model, "sale.order")
        on_customer = order.ab_partner_attachment_id.sudo()
        self.assertEqual(
            (on_customer.res_model, on_customer.res_id),
            ("res.partner", self.customer.id),
        )
        self.assertEqual(on_customer.name, f"Sonnenschein AG_{order.ab_number}.pdf")

    def test_title_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.customer.lang = "de_DE"
        order = self._confirmed_order()
        self.assertEqual(
            order._get_ab_document_title(), f"Auftragsbestätigung {order.ab_number}"
        )

    def test_quotation_and_cancelled_order_are_not_filed(self):
        quotation = self._new_order()
        self._print(quotation)
        self.assertFalse(self._filed(quotation))
        order = self._confirmed_order()
        order._action_cancel()
        self.assertFalse(order._file_ab_document())
        self.assertFalse(self._filed(order))

    def test_setting_off_does_not_file_on_confirm(self):
        self.company.ab_file_on_confirm = False
        order = self._new_order()
        with trap_jobs() as trap:
            order.action_confirm()
            trap.assert_jobs_count(0)
        self.assertTrue(order.ab_number)
        self.assertFalse(order.ab_attachment_id)

    # Rendering

    def test_rendered_pdf_shows_number_and_address(self):
        order = self._confirmed_order()
        pdf, report_type = self._print(order, force_report_rendering=True)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(pdf, order.ab_attachment_id.raw, "the print is the filed PDF")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        self.assertIn(f"Order Confirmation {order.ab_number}", text)
        self.assertIn("Sonnenschein AG", text)
        self.assertIn("Sonnenallee 12", text)
        self.assertIn("80331 München", text)

    def test_chunks_of_confirmed_orders(self):
        self.patch(type(self.env["sale.order"]), "_ab_render_chunk_size", 2)
        renderings = []
        render = type(self.env["sale.order"])._render_ab_documents

        def counting_render(orders):
            renderings.append(len(orders))
            return render(orders)

        self.patch(
            type(self.env["sale.order"]), "_render_ab_documents", counting_render
        )
        orders = self._new_order() | self._new_order() | self._new_order()
        with trap_jobs() as trap:
            orders.action_confirm()
            trap.assert_jobs_count(2)
            trap.perform_enqueued_jobs()
        self.assertEqual(renderings, [2, 1])
        self.assertTrue(all(orders.mapped("ab_attachment_id")))
        # filing five at once renders 2 + 2 + 1
        renderings.clear()
        more = self._new_order() | self._new_order() | self._new_order()
        more |= self._new_order() | self._new_order()
        with trap_jobs():
            more.action_confirm()
        self.assertEqual(more._file_ab_document(), more)
        self.assertEqual(renderings, [2, 2, 1])

    @mute_logger("odoo.addons.erp_transfer.models.sale_order_filing")
    def test_render_failure_does_not_block_confirm(self):
        def broken_render(orders):
            if self.customer in orders.partner_id.commercial_partner_id:
                raise OSError("wkhtmltopdf crashed")
            return {order.id: b"%PDF-1.4 test" for order in orders}

        self.patch(type(self.env["sale.order"]), "_render_ab_documents", broken_render)
        good = self._new_order(partner=self._customer("Regen GmbH"))
        bad = self._new_order()
        with trap_jobs() as trap:
            (good | bad).action_confirm()
            trap.perform_enqueued_jobs()
        self.assertEqual((good | bad).mapped("state"), ["sale", "sale"])
        # the chunk failed, the orders were filed one by one: only the bad one failed
        self.assertTrue(good.ab_attachment_id)
        self.assertFalse(bad.ab_attachment_id)
        self.assertFalse(bad.ab_filed_date, "left to be filed by the next print")
        self.assertIn("could not be filed", bad.message_ids[0].body)
        self.assertIn("wkhtmltopdf crashed", bad.message_ids[0].body)
        # printing reports the error to the user
        with self.assertRaises(OSError):
            self._print(bad)

    # Renaming with the invoices

    def test_invoices_append_their_numbers_content_unchanged(self):
        order = self._confirmed_order()
        order._file_ab_document()
        own, on_customer = order.ab_attachment_id, order.ab_partner_attachment_id
        checksum = own.checksum
        stem = f"Sonnenschein AG_{order.ab_number}"
        first = self._invoice(order, 4)
        first_number = first.name.replace("/", "-")
        self.assertEqual(own.name, f"{stem}_Re {first_number}.pdf")
        self.assertEqual(on_customer.name, own.name)
        second = self._invoice(order, 6)
        second_number = second.name.replace("/", "-")
        expected = f"{stem}_Re {first_number}_Re {second_number}.pdf"
        self.assertEqual((own | on_customer).mapped("name"), [expected, expected])
        self.assertEqual((own | on_customer).mapped("checksum"), [checksum, checksum])
        renames = order.message_ids.filtered(lambda m: "was renamed" in (m.body or ""))
        self.assertEqual(len(renames), 2)
        # posting an invoice again after resetting it to draft appends nothing
        second.button_draft()
        second.action_post()
        self.assertEqual(own.name, expected)
        self.assertEqual(len(self._filed(order)), 1)

    def test_invoice_before_filing_renames_nothing(self):
        order = self._confirmed_order()
        self._invoice(order, 10)  # invoiced before its AB was filed: nothing to rename
        order._file_ab_document()
        name = order.ab_attachment_id.name
        self.assertEqual(name, f"Sonnenschein AG_{order.ab_number}.pdf")

    # Plain invoice numbers

    def _sale_journal(self, code):
        income = self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self.company),
                ("account_type", "=", "income"),
            ],
            limit=1,
        )
        return self.env["account.journal"].create(
            [
                {
                    "name": f"Sales {code}",
                    "code": code,
                    "type": "sale",
                    "default_account_id": income.id,
                }
            ]
        )

    def _journal_invoice(self, journal, move_type="out_invoice"):
        invoice = self.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "journal_id": journal.id,
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Montage", "price_unit": 100.0})
                    ],
                }
            ]
        )
        invoice.action_post()
        return invoice

    def test_plain_invoice_numbers(self):
        before = self._sale_journal("TPA")
        old_style = self._journal_invoice(before)
        self.assertRegex(old_style.name, r"^TPA/\d{4}/\d+$")
        self.company.invoice_plain_number = True
        self.assertEqual(
            [self._journal_invoice(before).name, self._journal_invoice(before).name],
            ["000001", "000002"],
            "switching the option on starts the plain series in a used journal",
        )
        journal = self._sale_journal("TPB")
        first = self._journal_invoice(journal)
        self.assertEqual(first.name, "000001")
        first.button_draft()
        first.name = "000523"
        first.action_post()
        self.assertEqual(self._journal_invoice(journal).name, "000524")
        refund = self._journal_invoice(journal, "out_refund")
        self.assertRegex(refund.name, r"^RTPB/\d{4}/\d+$", "credit notes keep theirs")
        self.assertEqual(self._journal_invoice(journal).name, "000525")
