import io

import facturx
import pypdf
from lxml import etree

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import OdooPdfFileReader

from odoo.addons.erp_transfer.models.erp_orderx import ORDERX_NSMAP

from .common import ErpTransferCase


@tagged("post_install", "-at_install")
class TestOrderx(HttpCase, ErpTransferCase):
    # an HttpCase: wkhtmltopdf loads the report's CSS and fonts from the test
    # server (report.url), which serves them through the test's cursor

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.germany = cls.env.ref("base.de")
        cls.company.write(
            {
                "street": "Industriestraße 7",
                "zip": "70173",
                "city": "Stuttgart",
                "country_id": cls.germany.id,
                "vat": "DE276543216",
                "orderx_embed": True,
                "orderx_level": "comfort",
            }
        )
        cls.customer.vat = "DE123456788"
        tax_group = cls.env["account.tax.group"].create(
            [
                {
                    "name": "USt. 19 %",
                    "country_id": cls.germany.id,
                    "company_id": cls.company.id,
                }
            ]
        )
        cls.tax_19 = cls.env["account.tax"].create(
            [
                {
                    "name": "USt. 19 % (Order-X test)",
                    "amount": 19.0,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "country_id": cls.germany.id,
                    "company_id": cls.company.id,
                    "tax_group_id": tax_group.id,
                }
            ]
        )
        cls.orderx = cls.env["erp.orderx"]

    @classmethod
    def _confirmed_order(cls, **values):
        order = cls._new_order(
            lines=[(cls.product_module, 70), (cls.product_heat_pump, 1)],
            partner=cls.contact,
            client_order_ref="Anfrage PV Hallendach",
            **values,
        )
        order.order_line.tax_id = cls.tax_19
        order.action_confirm()
        return order

    def _xpath(self, xml_bytes, path):
        return etree.fromstring(xml_bytes).xpath(path, namespaces=ORDERX_NSMAP)

    def test_xml_valid_for_every_level_and_type(self):
        order = self._confirmed_order()
        for level in ("basic", "comfort"):
            self.assertEqual(self.orderx._get_orderx_problems(order, level), [])
            for orderx_type in ("order_response", "order"):
                with self.subTest(level=level, orderx_type=orderx_type):
                    xml_bytes = self.orderx._build_orderx_xml(order, orderx_type, level)
                    self.assertEqual(
                        self.orderx._check_orderx_xml(xml_bytes, level), []
                    )
                    root = etree.fromstring(xml_bytes)
                    self.assertEqual(facturx.get_level(root, "order-x"), level)
                    self.assertEqual(facturx.get_orderx_type(root), orderx_type)

    def test_xml_values_read_back(self):
        order = self._confirmed_order()
        xml_bytes = self.orderx._build_orderx_xml(order, "order_response", "comfort")
        doc = "/rsm:SCRDMCCBDACIOMessageStructure/rsm:"
        self.assertEqual(
            self._xpath(xml_bytes, f"string({doc}ExchangedDocument/ram:ID)"),
            order.ab_number,
        )
        self.assertEqual(
            self._xpath(xml_bytes, f"string({doc}ExchangedDocument/ram:TypeCode)"),
            "231",
        )
        agreement = (
            f"{doc}SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        )
        self.assertEqual(
            self._xpath(
                xml_bytes,
                f"string({agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID)",
            ),
            "Anfrage PV Hallendach",
        )
        self.assertEqual(
            self._xpath(xml_bytes, f"string({agreement}/ram:BuyerTradeParty/ram:Name)"),
            "Sonnenschein AG",
        )
        self.assertEqual(
            self._xpath(
                xml_bytes,
                f"string({agreement}/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID)",
            ),
            "DE123456788",
        )
        self.assertEqual(
            self._xpath(
                xml_bytes,
                f"count({doc}SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem)",
            ),
            2,
        )
        self.assertEqual(
            self._xpath(xml_bytes, "//ram:RequestedQuantity/@unitCode"), ["C62", "C62"]
        )
        self.assertEqual(
            self._xpath(xml_bytes, "//ram:CategoryCode/text()"), ["S", "S"]
        )
        settlement = (
            f"{doc}SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
        )
        self.assertEqual(
            self._xpath(xml_bytes, f"string({settlement}/ram:OrderCurrencyCode)"),
            order.currency_id.name,
        )
        summation = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
        for tag, amount in (
            ("LineTotalAmount", order.amount_untaxed),
            ("TaxBasisTotalAmount", order.amount_untaxed),
            ("TaxTotalAmount", order.amount_tax),
            ("GrandTotalAmount", order.amount_total),
        ):
            self.assertAlmostEqual(
                float(self._xpath(xml_bytes, f"string({summation}/ram:{tag})")), amount
            )
        self.assertAlmostEqual(order.amount_untaxed, 70 * 189.0 + 14900.0)
        self.assertAlmostEqual(order.amount_tax, order.amount_untaxed * 0.19, places=2)

    def test_order_type_for_the_erp(self):
        order = self._confirmed_order()
        xml_bytes = self.orderx._build_orderx_xml(order, "order", "basic")
        self.assertEqual(
            self._xpath(xml_bytes, "string(//rsm:ExchangedDocument/ram:TypeCode)"),
            "220",
        )
        self.assertFalse(self._xpath(xml_bytes, "//ram:AgreedQuantity"))
        self.assertFalse(
            self._xpath(xml_bytes, "//ram:ApplicableTradeTax"),
            "basic has no VAT per line",
        )

    def test_filed_order_confirmation_carries_orderx(self):
        order = self._confirmed_order()
        order.with_context(force_report_rendering=True)._file_ab_document(
            raise_on_error=True
        )
        self.assertFalse(order.orderx_warning)
        xml_bytes = self.orderx._read_orderx(order.ab_attachment_id.raw)
        self.assertTrue(xml_bytes, "the filed AB is a hybrid PDF")
        self.assertEqual(
            self._xpath(xml_bytes, "string(//rsm:ExchangedDocument/ram:ID)"),
            order.ab_number,
        )
        self.assertEqual(
            order.ab_partner_attachment_id.checksum, order.ab_attachment_id.checksum
        )

    def test_embed_in_rendered_pdf_and_read_back(self):
        order = self._confirmed_order()
        # a PDF without Order-X: the filed one already carries it
        order.company_id.orderx_embed = False
        pdf_bytes, __ = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("sale.action_report_saleorder", order.ids)
        )
        self.assertFalse(self.orderx._read_orderx(pdf_bytes))
        order.company_id.orderx_embed = True
        hybrid = order._attach_orderx(pdf_bytes)
        self.assertFalse(order.orderx_warning)
        self.assertNotEqual(hybrid, pdf_bytes)

        filename, xml_bytes = facturx.get_orderx_xml_from_pdf(hybrid, check_xsd=True)
        self.assertEqual(filename, "order-x.xml")
        self.assertEqual(
            facturx.get_orderx_type(etree.fromstring(xml_bytes)), "order_response"
        )
        self.assertEqual(self.orderx._read_orderx(hybrid), xml_bytes)
        self.assertEqual(
            self._xpath(xml_bytes, "string(//rsm:ExchangedDocument/ram:ID)"),
            order.ab_number,
        )

        reader = pypdf.PdfReader(io.BytesIO(hybrid))
        self.assertEqual(
            len(reader.pages), len(pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages)
        )
        root = reader.trailer["/Root"]
        self.assertIn("/OutputIntents", root, "Odoo's PDF/A conversion survived")
        self.assertIn("/AF", root)
        self.assertIn(order.ab_number, reader.metadata.title)
        self.assertEqual(reader.metadata.author, self.company.name)
        self.assertIn(b"ORDER_RESPONSE", reader.xmp_metadata.stream.get_data())

        odoo_reader = OdooPdfFileReader(io.BytesIO(hybrid), strict=False)
        self.assertGreaterEqual(odoo_reader.getNumPages(), 1)
        self.assertEqual(
            [name for name, __ in odoo_reader.getAttachments()], ["order-x.xml"]
        )

    def test_customer_without_vat(self):
        self.customer.vat = False
        order = self._confirmed_order()
        problems = self.orderx._get_orderx_problems(order, "comfort")
        self.assertEqual(len(problems), 1)
        self.assertIn("Sonnenschein AG", problems[0])
        self.assertEqual(
            self.orderx._get_orderx_problems(order, "basic"),
            [],
            "basic needs no VAT id",
        )

        pdf_bytes = b"%PDF-1.4 not even a real PDF"
        messages = order.message_ids
        self.assertEqual(order._attach_orderx(pdf_bytes), pdf_bytes)
        self.assertIn("Sonnenschein AG", order.orderx_warning)
        posted = order.message_ids - messages
        self.assertEqual(len(posted), 1)
        order._attach_orderx(pdf_bytes)
        self.assertEqual(order.message_ids - messages, posted, "posted once")

        self.company.orderx_level = "basic"
        self.assertEqual(
            self.orderx._check_orderx_xml(
                self.orderx._build_orderx_xml(order, "order_response", "basic"), "basic"
            ),
            [],
        )

    def test_unit_without_code(self):
        package = self.env["uom.uom"].create(
            [
                {
                    "name": "Paket (Order-X test)",
                    "category_id": self.env.ref("uom.product_uom_categ_unit").id,
                    "uom_type": "bigger",
                    "factor_inv": 4.0,
                }
            ]
        )
        order = self._confirmed_order()
        order.order_line[0].product_uom = package
        problems = self.orderx._get_orderx_problems(order, "comfort")
        self.assertEqual(len(problems), 1)
        self.assertIn("Paket (Order-X test)", problems[0])
        pdf_bytes = b"%PDF-1.4 placeholder"
        self.assertEqual(order._attach_orderx(pdf_bytes), pdf_bytes)
        self.assertIn("Paket (Order-X test)", order.orderx_warning)

    def test_company_without_country_and_warning_cleared(self):
        order = self._confirmed_order()
        order.company_id.country_id = False
        pdf_bytes = b"%PDF-1.4 placeholder"
        self.assertEqual(order._attach_orderx(pdf_bytes), pdf_bytes)
        self.assertTrue(order.orderx_warning)
        order.company_id.country_id = self.germany
        order._set_orderx_warning([])
        self.assertFalse(order.orderx_warning)

    def test_schematron_reports_structure_errors(self):
        order = self._confirmed_order()
        xml_bytes = self.orderx._build_orderx_xml(order, "order_response", "comfort")
        root = etree.fromstring(xml_bytes)
        for total in root.xpath("//ram:TaxTotalAmount", namespaces=ORDERX_NSMAP):
            del total.attrib["currencyID"]
        problems = self.orderx._check_orderx_xml(etree.tostring(root), "comfort")
        self.assertEqual(len(problems), 1)
        self.assertIn("currencyID", problems[0])

    def test_embedding_disabled(self):
        self.customer.vat = False
        self.company.orderx_embed = False
        order = self._confirmed_order()
        pdf_bytes = b"%PDF-1.4 placeholder"
        self.assertEqual(order._attach_orderx(pdf_bytes), pdf_bytes)
        self.assertFalse(order.orderx_warning)

    def test_xsd_errors_reported(self):
        order = self._confirmed_order()
        root = etree.fromstring(
            self.orderx._build_orderx_xml(order, "order_response", "basic")
        )
        transaction = root.find("rsm:SupplyChainTradeTransaction", ORDERX_NSMAP)
        # line items must come before the header agreement
        transaction.append(transaction[0])
        problems = self.orderx._check_orderx_xml(etree.tostring(root), "basic")
        self.assertEqual(len(problems), 1)
        self.assertIn("IncludedSupplyChainTradeLineItem", problems[0])

    def test_broken_pdf_keeps_pdf_and_warns(self):
        order = self._confirmed_order()
        pdf_bytes = b"%PDF-1.4 not a PDF at all"
        with self.assertLogs(
            "odoo.addons.erp_transfer.models.sale_order", level="WARNING"
        ):
            self.assertEqual(order._attach_orderx(pdf_bytes), pdf_bytes)
        self.assertIn("Order-X PDF", order.orderx_warning)

    def test_private_customer_needs_no_vat(self):
        private = self.env["res.partner"].create(
            [
                {
                    "name": "Jonas Weber",
                    "street": "Lindenweg 3",
                    "zip": "79098",
                    "city": "Freiburg",
                    "country_id": self.germany.id,
                }
            ]
        )
        order = self._new_order(partner=private)
        order.action_confirm()
        self.assertEqual(self.orderx._get_orderx_problems(order), [])
        xml_bytes = self.orderx._build_orderx_xml(order)
        self.assertEqual(self.orderx._check_orderx_xml(xml_bytes, "comfort"), [])
        self.assertEqual(
            self._xpath(xml_bytes, "string(//ram:ShipToTradeParty/ram:Name)"),
            "Jonas Weber",
        )

    def test_title_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.contact.lang = "de_DE"
        order = self._confirmed_order()
        self.assertEqual(
            self.orderx._get_orderx_title(order),
            f"Auftragsbestätigung {order.ab_number}",
        )
        self.contact.lang = "en_US"
        self.assertEqual(
            self.orderx._get_orderx_title(order.with_context(lang="de_DE")),
            f"Order Confirmation {order.ab_number}",
        )

    def test_warning_as_salesman(self):
        self.customer.vat = False
        order = self._confirmed_order(user_id=self.user_salesman.id)
        messages = order.message_ids
        pdf_bytes = b"%PDF-1.4 placeholder"
        result = order.with_user(self.user_salesman)._attach_orderx(pdf_bytes)
        self.assertEqual(result, pdf_bytes)
        self.assertIn("Sonnenschein AG", order.orderx_warning)
        posted = order.message_ids - messages
        self.assertEqual(posted.author_id, self.user_salesman.partner_id)

    def test_settings_and_banner(self):
        settings = self.env["res.config.settings"].create(
            [{"orderx_embed": False, "orderx_level": "basic"}]
        )
        settings.execute()
        self.assertRecordValues(
            self.company, [{"orderx_embed": False, "orderx_level": "basic"}]
        )
        arch = self.env["sale.order"].get_view(view_type="form")["arch"]
        self.assertIn('name="orderx_warning"', arch)
