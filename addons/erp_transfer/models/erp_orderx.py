import io
import logging
import os
import tempfile
import threading
from importlib import resources

from lxml import etree

from odoo import api, fields, models
from odoo.tools import float_repr, float_round, html2plaintext, mute_logger
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

try:
    import facturx
except ImportError:  # pragma: no cover - declared in external_dependencies
    facturx = None

_logger = logging.getLogger(__name__)

# Order-X 1.0 (SCRDMCCBDACIO message, D20B): the data types are the :128 ones,
# not Factur-X's :100 ones; the library detects flavour and level from them.
ORDERX_NSMAP = {
    "rsm": "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:128",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:128",
}
ORDERX_LEVELS = ("basic", "comfort")
ORDERX_TYPE_CODES = {"order": "220", "order_response": "231"}
SVRL_NS = {"svrl": "http://purl.oclc.org/dsdl/svrl"}

# UN/ECE Recommendation 20 codes of the units Odoo ships (as account_edi_ubl_cii
# maps them; kept here so that this addon does not need the e-invoicing modules).
UOM_UNECE_CODES = {
    "uom.product_uom_unit": "C62",
    "uom.product_uom_dozen": "DZN",
    "uom.product_uom_day": "DAY",
    "uom.product_uom_hour": "HUR",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_millimeter": "MMT",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_cm": "CMT",
    "uom.uom_square_meter": "MTK",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_lb": "LBR",
    "uom.product_uom_oz": "ONZ",
    "uom.product_uom_inch": "INH",
    "uom.product_uom_foot": "FOT",
    "uom.product_uom_yard": "YRD",
    "uom.product_uom_mile": "SMI",
    "uom.uom_square_foot": "FTK",
    "uom.product_uom_floz": "OZA",
    "uom.product_uom_qt": "QT",
    "uom.product_uom_gal": "GLL",
    "uom.product_uom_cubic_inch": "INQ",
    "uom.product_uom_cubic_foot": "FTQ",
}

# compiled schematron per level and thread: compiling takes a while, and an
# XSLT object is best not shared between threads
_schematron_cache = threading.local()


def _qname(tag):
    prefix, name = tag.split(":")
    return f"{{{ORDERX_NSMAP[prefix]}}}{name}"


def _sub(parent, tag, text=None, **attrib):
    """Append <tag> with the given text and attributes to parent and return it."""
    element = etree.SubElement(parent, _qname(tag), attrib)
    if text is not None:
        element.text = str(text)
    return element


class ErpOrderx(models.AbstractModel):
    """Order-X (ORDER 220 / ORDER_RESPONSE 231) of sales orders: the checks that
    tell a user what is missing, the XML, its validation against the XSD and the
    schematron shipped with the ``factur-x`` library, and the hybrid PDF/A-3."""

    _name = "erp.orderx"
    _description = "Order-X Documents"

    # ------------------------------------------------------------------
    # Master data checks
    # ------------------------------------------------------------------

    @api.model
    def _get_orderx_lines(self, order):
        """The lines that become Order-X line items (no sections, notes or
        down payments)."""
        return order.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    @api.model
    def _get_orderx_unit_codes(self, uoms):
        """UN/ECE Rec. 20 code per unit of measure: {uom: code or False}."""
        xmlids = uoms._get_external_ids()
        codes = {}
        for uom in uoms:
            code = False
            for xmlid in xmlids.get(uom.id, []):
                code = UOM_UNECE_CODES.get(xmlid)
                if code:
                    break
            codes[uom] = code
        return codes

    @api.model
    def _orderx_buyer_vat_required(self, order, level):
        """Comfort carries the VAT breakdown: a business customer must be named
        by its VAT id there. Private customers have none."""
        return level == "comfort" and order.partner_id.commercial_partner_id.is_company

    @api.model
    def _get_orderx_problems(self, order, level=None):
        """What keeps ``order`` from a valid Order-X document at ``level`` (by
        default the company's), as sentences for the user (empty when nothing
        does)."""
        order.ensure_one()
        level = level or order.company_id.orderx_level or "comfort"
        _ = self.env._
        problems = []
        company = order.company_id
        buyer = order.partner_id.commercial_partner_id
        shipping = order.partner_shipping_id
        if not (company.street and company.zip and company.city):
            problems.append(
                _(
                    "The company %s has no complete address (street, ZIP, city).",
                    company.name,
                )
            )
        if not company.country_id:
            problems.append(_("The company %s has no country.", company.name))
        if level == "comfort" and not company.vat:
            problems.append(_("The company %s has no VAT id.", company.name))
        if not buyer.country_id:
            problems.append(_("The customer %s has no country.", buyer.name))
        if self._orderx_buyer_vat_required(order, level) and not buyer.vat:
            problems.append(_("The customer %s has no VAT id.", buyer.name))
        if shipping and not shipping.country_id:
            problems.append(
                _("The delivery address %s has no country.", shipping.display_name)
            )
        if not order.currency_id:
            problems.append(_("The order has no currency."))
        lines = self._get_orderx_lines(order)
        if not lines:
            problems.append(_("The order has no product lines."))
        unit_codes = self._get_orderx_unit_codes(lines.product_uom)
        for uom in lines.product_uom:
            if not unit_codes[uom]:
                problems.append(
                    _(
                        "The unit of measure %s has no UN/ECE code "
                        "(Order-X knows units such as C62 for pieces or HUR for "
                        "hours).",
                        uom.name,
                    )
                )
        if level == "comfort":
            for line in lines:
                taxes = line.tax_id
                if len(taxes) > 1 or taxes.filtered(
                    lambda t: t.amount_type != "percent"
                ):
                    problems.append(
                        _(
                            "The line %s has several taxes or a tax that is not a "
                            "percentage; Order-X carries one VAT rate per line.",
                            line.product_id.display_name or line.name,
                        )
                    )
        return problems

    # ------------------------------------------------------------------
    # XML
    # ------------------------------------------------------------------

    @api.model
    def _get_orderx_number(self, order):
        return order.ab_number or order.name

    @api.model
    def _format_orderx_amount(self, amount, digits):
        return float_repr(float_round(amount, precision_digits=digits), digits)

    @api.model
    def _get_orderx_tax_category(self, order, tax):
        """UNCL 5305 VAT category of a line with ``tax`` (one percentage tax or
        none), following what Odoo's e-invoicing does."""
        if tax and tax.amount:
            return "S"
        seller_country = order.company_id.country_id
        buyer_country = order.partner_id.commercial_partner_id.country_id
        if seller_country == buyer_country:
            return "E"
        eea = self.env.ref("base.europe").country_ids
        if seller_country in eea and buyer_country in eea:
            return "K"
        return "G"

    @api.model
    def _build_orderx_party(self, parent, tag, partner, contact, level, vat=True):
        party = _sub(parent, tag)
        if partner.ref:
            _sub(party, "ram:ID", partner.ref)
        # a person or address of a company is named with the company
        name = partner.name
        if not name or (partner.parent_id and not partner.is_company):
            name = partner.display_name
        _sub(party, "ram:Name", name)
        if contact:
            trade_contact = _sub(party, "ram:DefinedTradeContact")
            _sub(trade_contact, "ram:PersonName", contact.name)
            if contact.phone:
                phone = _sub(trade_contact, "ram:TelephoneUniversalCommunication")
                _sub(phone, "ram:CompleteNumber", contact.phone)
            if contact.email:
                email = _sub(trade_contact, "ram:EmailURIUniversalCommunication")
                _sub(email, "ram:URIID", contact.email)
        address = _sub(party, "ram:PostalTradeAddress")
        if partner.zip:
            _sub(address, "ram:PostcodeCode", partner.zip)
        if partner.street:
            _sub(address, "ram:LineOne", partner.street)
        if partner.street2:
            _sub(address, "ram:LineTwo", partner.street2)
        if partner.city:
            _sub(address, "ram:CityName", partner.city)
        _sub(address, "ram:CountryID", partner.country_id.code)
        if partner.state_id:
            _sub(address, "ram:CountrySubDivisionName", partner.state_id.name)
        if vat and partner.vat:
            registration = _sub(party, "ram:SpecifiedTaxRegistration")
            _sub(registration, "ram:ID", partner.vat, schemeID="VA")
        return party

    @api.model
    def _build_orderx_line(
        self, parent, line, line_number, unit_code, orderx_type, level
    ):
        comfort = level == "comfort"
        order = line.order_id
        currency_digits = order.currency_id.decimal_places
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        qty_digits = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        item = _sub(parent, "ram:IncludedSupplyChainTradeLineItem")
        document_line = _sub(item, "ram:AssociatedDocumentLineDocument")
        _sub(document_line, "ram:LineID", line_number)
        if orderx_type == "order_response":
            # UNCL 1229: 5 = accepted without amendment
            _sub(document_line, "ram:LineStatusCode", "5")
        product = _sub(item, "ram:SpecifiedTradeProduct")
        if line.product_id.default_code:
            _sub(product, "ram:SellerAssignedID", line.product_id.default_code)
        _sub(product, "ram:Name", line.product_id.name or line.name)
        if comfort and line.name and line.name != line.product_id.display_name:
            _sub(product, "ram:Description", line.name)
        agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
        net_price = _sub(agreement, "ram:NetPriceProductTradePrice")
        _sub(
            net_price,
            "ram:ChargeAmount",
            self._format_orderx_amount(
                line.price_unit * (1 - (line.discount or 0.0) / 100.0), price_digits
            ),
        )
        delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
        quantity = self._format_orderx_amount(line.product_uom_qty, qty_digits)
        _sub(delivery, "ram:RequestedQuantity", quantity, unitCode=unit_code)
        if orderx_type == "order_response":
            _sub(delivery, "ram:AgreedQuantity", quantity, unitCode=unit_code)
        settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
        if comfort:
            tax = line.tax_id[:1]
            trade_tax = _sub(settlement, "ram:ApplicableTradeTax")
            _sub(trade_tax, "ram:TypeCode", "VAT")
            _sub(
                trade_tax, "ram:CategoryCode", self._get_orderx_tax_category(order, tax)
            )
            _sub(
                trade_tax,
                "ram:RateApplicablePercent",
                self._format_orderx_amount(tax.amount if tax else 0.0, 2),
            )
        summation = _sub(
            settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"
        )
        _sub(
            summation,
            "ram:LineTotalAmount",
            self._format_orderx_amount(line.price_subtotal, currency_digits),
        )
        return item

    @api.model
    def _build_orderx_xml(self, order, orderx_type="order_response", level="comfort"):
        """Order-X XML of ``order``: the order confirmation (``order_response``,
        231) or the order itself (``order``, 220) at level ``basic`` or
        ``comfort``. Checks nothing: see ``_get_orderx_problems`` and
        ``_check_orderx_xml``."""
        order.ensure_one()
        if orderx_type not in ORDERX_TYPE_CODES:
            raise ValueError(f"Unsupported Order-X type {orderx_type!r}")
        if level not in ORDERX_LEVELS:
            raise ValueError(f"Unsupported Order-X level {level!r}")
        comfort = level == "comfort"
        company = order.company_id
        buyer = order.partner_id.commercial_partner_id
        currency = order.currency_id
        digits = currency.decimal_places
        lines = self._get_orderx_lines(order)
        unit_codes = self._get_orderx_unit_codes(lines.product_uom)

        root = etree.Element(
            _qname("rsm:SCRDMCCBDACIOMessageStructure"), nsmap=ORDERX_NSMAP
        )
        context = _sub(root, "rsm:ExchangedDocumentContext")
        guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
        _sub(guideline, "ram:ID", f"urn:order-x.eu:1p0:{level}")

        document = _sub(root, "rsm:ExchangedDocument")
        _sub(document, "ram:ID", self._get_orderx_number(order))
        _sub(document, "ram:TypeCode", ORDERX_TYPE_CODES[orderx_type])
        issue_date = _sub(document, "ram:IssueDateTime")
        _sub(
            issue_date,
            "udt:DateTimeString",
            fields.Datetime.context_timestamp(order, order.date_order).strftime(
                "%Y%m%d"
            ),
            format="102",
        )
        _sub(document, "ram:PurposeCode", "9")  # UNCL 1225: original
        note = html2plaintext(order.note or "").strip()
        if note:
            _sub(_sub(document, "ram:IncludedNote"), "ram:Content", note)

        transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
        for line_number, line in enumerate(lines, start=1):
            self._build_orderx_line(
                transaction,
                line,
                line_number,
                unit_codes[line.product_uom],
                orderx_type,
                level,
            )

        agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
        self._build_orderx_party(
            agreement,
            "ram:SellerTradeParty",
            company.partner_id,
            order.user_id.partner_id,
            level,
        )
        contact = order.partner_id if order.partner_id != buyer else False
        self._build_orderx_party(
            agreement, "ram:BuyerTradeParty", buyer, contact, level
        )
        if order.client_order_ref:
            buyer_ref = _sub(agreement, "ram:BuyerOrderReferencedDocument")
            _sub(buyer_ref, "ram:IssuerAssignedID", order.client_order_ref)
        quotation_ref = _sub(agreement, "ram:QuotationReferencedDocument")
        _sub(quotation_ref, "ram:IssuerAssignedID", order.name)

        delivery = _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
        if order.partner_shipping_id:
            shipping = order.partner_shipping_id
            self._build_orderx_party(
                delivery, "ram:ShipToTradeParty", shipping, False, level, vat=False
            )
        if order.commitment_date:
            event = _sub(delivery, "ram:RequestedDeliverySupplyChainEvent")
            occurrence = _sub(event, "ram:OccurrenceDateTime")
            _sub(
                occurrence,
                "udt:DateTimeString",
                fields.Datetime.context_timestamp(
                    order, order.commitment_date
                ).strftime("%Y%m%d"),
                format="102",
            )

        settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
        _sub(settlement, "ram:OrderCurrencyCode", currency.name)
        if comfort and order.payment_term_id:
            terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
            _sub(terms, "ram:Description", order.payment_term_id.name)
        summation = _sub(
            settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"
        )
        line_total = sum(lines.mapped("price_subtotal"))
        _sub(
            summation,
            "ram:LineTotalAmount",
            self._format_orderx_amount(line_total, digits),
        )
        _sub(
            summation,
            "ram:TaxBasisTotalAmount",
            self._format_orderx_amount(order.amount_untaxed, digits),
        )
        _sub(
            summation,
            "ram:TaxTotalAmount",
            self._format_orderx_amount(order.amount_tax, digits),
            currencyID=currency.name,
        )
        _sub(
            summation,
            "ram:GrandTotalAmount",
            self._format_orderx_amount(order.amount_total, digits),
        )
        return etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", pretty_print=True
        )

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.model
    def _get_orderx_schematron(self, level):
        """The compiled schematron the library ships, as an lxml XSLT. It is XSLT
        1.0 but for ``document-uri(/)`` (XPath 2.0), used only to label the report."""
        cache = _schematron_cache.__dict__
        if level not in cache:
            path = resources.files("facturx").joinpath(
                "xsd_and_schematron", facturx.facturx.ORDERX_LEVEL2schematron[level]
            )
            source = path.read_bytes().replace(b"document-uri(/)", b"''")
            cache[level] = etree.XSLT(etree.fromstring(source))
        return cache[level]

    @api.model
    def _check_orderx_xml(self, xml_bytes, level):
        """Problems of ``xml_bytes`` against the Order-X XSD and schematron of
        ``level``, as texts (empty when valid)."""
        try:
            # the library logs the failure as an error; the caller gets it instead
            with mute_logger("factur-x"):
                facturx.xml_check_xsd(xml_bytes, flavor="order-x", level=level)
        except Exception as error:  # noqa: BLE001 - the library raises Exception
            return [str(error)]
        report = self._get_orderx_schematron(level)(etree.fromstring(xml_bytes))
        problems = []
        for failed in report.xpath("//svrl:failed-assert", namespaces=SVRL_NS):
            text = " ".join(
                failed.xpath("string(svrl:text)", namespaces=SVRL_NS).split()
            )
            problems.append(f"{failed.get('location')}: {text}")
        return problems

    # ------------------------------------------------------------------
    # PDF
    # ------------------------------------------------------------------

    @api.model
    def _get_orderx_title(self, order, orderx_type="order_response"):
        """Document title in the customer's language: "Auftragsbestätigung AB
        100235" / "Order Confirmation AB 100235"."""
        number = self._get_orderx_number(order)
        _ = self.with_context(lang=order.partner_id.lang or self.env.lang).env._
        if orderx_type == "order_response":
            return _("Order Confirmation %s", number)
        return _("Order %s", number)

    @api.model
    def _get_orderx_pdf_metadata(self, order, orderx_type):
        title = self._get_orderx_title(order, orderx_type)
        return {
            "author": order.company_id.name,
            "title": title,
            "subject": f"{title} – {order.partner_id.commercial_partner_id.name}",
            "keywords": f"Order-X, {orderx_type.upper()}",
        }

    @api.model
    def _embed_orderx(self, pdf_bytes, xml_bytes, order, level, orderx_type):
        """PDF/A-3 ``pdf_bytes`` with ``xml_bytes`` embedded as order-x.xml.

        Odoo's converter first (sRGB OutputIntent, file ID, glyph widths), then
        the library, which adds the file with its /AF relation and the Order-X
        XMP; the other way round the XMP and the attachment would have to
        survive PyPDF2's rewrite."""
        reader = OdooPdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        if not writer.is_pdfa:
            try:
                # fontTools complains about the zero timestamps of the fonts
                # wkhtmltopdf embeds (harmless: it reads them as Unix time)
                with mute_logger("fontTools.ttLib.tables._h_e_a_d"):
                    writer.convert_to_pdfa()
            except Exception:  # noqa: BLE001 - as account_edi_ubl_cii: keep the PDF
                _logger.exception(
                    "Could not convert the PDF of %s to PDF/A", order.name
                )
        buffer = io.BytesIO()
        writer.write(buffer)
        lang = (order.partner_id.lang or self.env.lang or "en_US").replace("_", "-")
        # generate_from_binary writes a broken PDF in factur-x 7.8
        # (akretion/factur-x#24): go through files
        with tempfile.TemporaryDirectory(prefix="orderx-") as tmp_dir:
            output_path = os.path.join(tmp_dir, "order-x.pdf")
            facturx.generate_from_file(
                io.BytesIO(buffer.getvalue()),
                xml_bytes,
                flavor="order-x",
                level=level,
                orderx_type=orderx_type,
                check_xsd=True,
                pdf_metadata=self._get_orderx_pdf_metadata(order, orderx_type),
                lang=lang,
                output_pdf_file=output_path,
            )
            with open(output_path, "rb") as output:
                return output.read()

    @api.model
    def _read_orderx(self, pdf_bytes):
        """The Order-X XML embedded in ``pdf_bytes``, or False."""
        # a PDF without Order-X is an answer here, not a problem to log
        with mute_logger("factur-x"):
            __, xml_bytes = facturx.get_orderx_xml_from_pdf(pdf_bytes, check_xsd=False)
        return xml_bytes or False
