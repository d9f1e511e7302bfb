import logging
import re

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

AB_REPORT = "sale.action_report_saleorder"
AB_LAYOUT = "l10n_din5008.external_layout_din5008"
# characters that Windows, macOS or Linux refuse in a file name, control characters
FILENAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
FILENAME_MAX_LENGTH = 120


def sanitize_filename_part(text):
    """``text`` usable in a file name on every file system: forbidden characters
    replaced by "-" (not "_", which separates the parts of the filing name), line
    breaks and tabs by a space, no leading or trailing space or dot (Windows)."""
    text = re.sub(r"[\t\n\r]+", " ", text or "")
    return FILENAME_FORBIDDEN.sub("-", text).strip(" .")


def filing_name(customer, tail, max_length=FILENAME_MAX_LENGTH):
    """``<customer><tail>.pdf``, the customer part shortened so that the whole name
    keeps to ``max_length`` characters; ``tail`` (the numbers) is never cut."""
    customer = sanitize_filename_part(customer)
    room = max(max_length - len(tail) - len(".pdf"), 1)
    customer = customer[:room].rstrip(" .") or "-"
    return f"{customer}{tail}.pdf"


class SaleOrder(models.Model):
    # one file per area of the order (numbers, filing, outbox) on purpose
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # orders per rendering (one wkhtmltopdf call): the patched wkhtmltopdf crashes
    # above about 150 documents per call
    _ab_render_chunk_size = 100

    ab_filed_date = fields.Datetime(
        string="Order Confirmation Filed On",
        copy=False,
        readonly=True,
        help="When the order confirmation was filed as a PDF (once per order).",
    )
    ab_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Filed Order Confirmation",
        copy=False,
        readonly=True,
        help="The filed PDF of the order confirmation on the order; printing the "
        "confirmed order returns it.",
    )
    ab_partner_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Filed Order Confirmation (Customer)",
        copy=False,
        readonly=True,
        help="The same PDF filed on the customer.",
    )

    def action_confirm(self):
        res = super().action_confirm()
        self._schedule_ab_filing()
        return res

    # Title and layout of the order confirmation

    def _is_ab_document(self):
        """Whether the order prints as an order confirmation (Auftragsbestätigung):
        confirmed, with its AB number."""
        self.ensure_one()
        return self.state == "sale" and bool(self.ab_number)

    def _get_ab_document_title(self):
        """ "Order Confirmation AB 100235", in the customer's language."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._(
            "Order Confirmation %s", self.ab_number
        )

    def _get_ab_report_layout(self):
        """Key of the layout an order confirmation is printed with: DIN 5008 whatever
        layout the company chose for its other documents, since the AB is a business
        letter for the window envelope and the customer's files."""
        self.ensure_one()
        return AB_LAYOUT

    # Filing

    def _get_ab_filename(self):
        """``<customer>_AB <number>.pdf``: the name the customers' folders expect."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        return filing_name(
            customer.name or customer.display_name or _("Customer"),
            f"_{sanitize_filename_part(self.ab_number)}",
        )

    def _schedule_ab_filing(self):
        """Queue the filing of the newly confirmed orders' ABs: one job per chunk of
        ``_ab_render_chunk_size`` orders, outside the confirming transaction (a
        rendering error never blocks a confirmation)."""
        orders = self.filtered(
            lambda order: (
                order.company_id.ab_file_on_confirm
                and order._is_ab_document()
                and not order.ab_filed_date
            )
        )
        for chunk in split_every(self._ab_render_chunk_size, orders.ids, self.browse):
            numbers = chunk.mapped("ab_number")
            chunk.with_delay(
                description=_(
                    "File order confirmations %(numbers)s",
                    numbers=" … ".join(dict.fromkeys([numbers[0], numbers[-1]])),
                ),
                identity_key=identity_exact,
            )._file_ab_document_job()

    def _file_ab_document_job(self):
        """Job: file the ABs of the chunk (those filed meanwhile are skipped)."""
        orders = self.exists()
        filed = orders._file_ab_document()
        return _(
            "%(filed)s of %(count)s order confirmations filed.",
            filed=len(filed),
            count=len(orders),
        )

    def _file_ab_document(self, raise_on_error=False):
        """File the AB PDF of the orders that have none yet, on the order and on the
        customer, and return the orders filed now.

        Exactly once: ``_claim_ab_filing`` decides which transaction files an order.
        Rendered in chunks of ``_ab_render_chunk_size`` orders; a chunk that fails is
        filed order by order, an order that fails gets a message and stays unfiled
        (printing it or the next job files it), unless ``raise_on_error``.
        """
        claimed = self._claim_ab_filing()
        failed = self.browse()
        for chunk in split_every(self._ab_render_chunk_size, claimed.ids, self.browse):
            failed |= chunk._file_ab_chunk(raise_on_error)
        if failed:
            failed.ab_filed_date = False
        return claimed - failed

    def _claim_ab_filing(self):
        """Mark the orders to file; return those this transaction marked: one
        ``UPDATE ... WHERE ab_filed_date IS NULL`` (``crm.lead._claim_won_handling``).
        """
        orders = self.filtered(
            lambda order: order._is_ab_document() and not order.ab_filed_date
        )
        if not orders:
            return orders
        orders.flush_recordset(["ab_filed_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET ab_filed_date = %s "
                "WHERE id IN %s AND ab_filed_date IS NULL RETURNING id",
                SQL.identifier(self._table),
                self.env.cr.now(),
                tuple(orders.ids),
            )
        )
        claimed_ids = [row[0] for row in self.env.cr.fetchall()]
        orders.invalidate_recordset(["ab_filed_date"])
        return self.browse(claimed_ids)

    def _file_ab_chunk(self, raise_on_error):
        """Render and store the ABs of ``self``; return the orders that failed."""
        try:
            with self.env.cr.savepoint():
                self._store_ab_documents(self._render_ab_documents())
            return self.browse()
        except Exception as error:  # any rendering error: wkhtmltopdf, template, PDF
            if raise_on_error:
                raise
            if len(self) == 1:
                self._report_ab_filing_error(error)
                return self
            _logger.warning(
                "Filing %s order confirmations together failed, filing them one by "
                "one: %s",
                len(self),
                error,
            )
            failed = self.browse()
            for order in self:
                failed |= order._file_ab_chunk(raise_on_error)
            return failed

    def _report_ab_filing_error(self, error):
        self.ensure_one()
        _logger.warning(
            "Order confirmation %s of %s could not be filed",
            self.ab_number,
            self.name,
            exc_info=error,
        )
        self._message_log(
            body=_(
                "The order confirmation %(number)s could not be filed: %(error)s",
                number=self.ab_number,
                error=str(error),
            )
        )

    def _render_ab_documents(self):
        """The ABs of ``self`` in one rendering (one wkhtmltopdf call):
        ``{order id: bytes}``; Order-X attached when that is installed. In tests
        without ``force_report_rendering`` Odoo renders HTML instead of PDF."""
        report = self.env["ir.actions.report"].with_context(
            erp_transfer_ab_rendering=True
        )
        content, report_type = report._pre_render_qweb_pdf(AB_REPORT, res_ids=self.ids)
        documents = report._get_splitted_report(AB_REPORT, content, report_type)
        missing = self.filtered(lambda order: not documents.get(order.id))
        if missing:
            raise UserError(
                _(
                    "The order confirmations %s could not be separated from the "
                    "rendered PDF.",
                    ", ".join(missing.mapped("ab_number")),
                )
            )
        for order in self:
            pdf = documents[order.id]
            if pdf.startswith(b"%PDF") and hasattr(order, "_attach_orderx"):
                documents[order.id] = order._attach_orderx(pdf)
        return documents

    def _store_ab_documents(self, documents):
        """File ``documents`` (``{order id: bytes}``) on the orders and on their
        customers: two attachments with the same content (one checksum, one file
        in the filestore)."""
        vals_list = []
        for order in self:
            name = order._get_ab_filename()
            for res_model, res_id in (
                ("sale.order", order.id),
                ("res.partner", order.partner_id.commercial_partner_id.id),
            ):
                vals_list.append(
                    {
                        "name": name,
                        "type": "binary",
                        "raw": documents[order.id],
                        "res_model": res_model,
                        "res_id": res_id,
                    }
                )
        # filed by the system for whoever confirms or prints: filing on the customer
        # must not depend on the right to edit the customer
        attachments = self.env["ir.attachment"].sudo().create(vals_list)
        bodies = {}
        for order, (own, customer) in zip(
            self, split_every(2, attachments.ids), strict=True
        ):
            order.write({"ab_attachment_id": own, "ab_partner_attachment_id": customer})
            bodies[order.id] = Markup("%s <b>%s</b>") % (
                _("Order confirmation filed on the order and on the customer:"),
                order.ab_attachment_id.sudo().name,
            )
        self._message_log_batch(bodies=bodies)

    # Renaming when invoiced

    def _append_invoice_to_ab_filename(self, invoice):
        """Append ``_Re <invoice number>`` to the name of the filed ABs of ``self``
        (on the order and on the customer), once per invoice; the content stays as
        it is. Logged in the order's chatter."""
        number = sanitize_filename_part(invoice.name)
        for order in self.filtered("ab_attachment_id"):
            own = order.ab_attachment_id.sudo()
            old_name = own.name
            stem = old_name.removesuffix(".pdf")
            if number in stem.split("_Re ")[1:]:
                continue  # this invoice was appended before (posted again)
            new_name = order._ab_filename_with(stem, f"_Re {number}")
            if not order._claim_ab_rename(own, old_name, new_name):
                continue
            customer_copy = order.ab_partner_attachment_id.sudo()
            if customer_copy and customer_copy.name == old_name:
                customer_copy.name = new_name
            order._message_log(
                body=_(
                    "Invoice %(invoice)s posted: the filed order confirmation "
                    "%(old)s was renamed to %(new)s.",
                    invoice=invoice.name,
                    old=old_name,
                    new=new_name,
                )
            )

    def _ab_filename_with(self, stem, suffix):
        """The filed name ``stem`` with ``suffix`` appended, shortened in its
        customer part when it would grow too long."""
        self.ensure_one()
        marker = f"_{sanitize_filename_part(self.ab_number)}"
        position = stem.find(marker)
        if position < 0:
            return f"{stem}{suffix}.pdf"
        return filing_name(stem[:position], stem[position:] + suffix)

    def _claim_ab_rename(self, attachment, old_name, new_name):
        """Rename ``attachment`` if it still has ``old_name``: one ``UPDATE ... WHERE
        name = old`` decides, so concurrent posts of invoices never lose a suffix."""
        attachment.flush_recordset(["name"])
        self.env.cr.execute(
            SQL(
                "UPDATE ir_attachment SET name = %s WHERE id = %s AND name = %s "
                "RETURNING id",
                new_name,
                attachment.id,
                old_name,
            )
        )
        renamed = bool(self.env.cr.fetchall())
        attachment.invalidate_recordset(["name"])
        return renamed
