# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter, merge_pdf

from odoo.addons.queue_job.job import identity_exact


def _pad_to_even_pages(pdf):
    """``pdf`` with a blank page appended when its number of pages is odd."""
    reader = PdfFileReader(io.BytesIO(pdf))
    if len(reader.pages) % 2 == 0:
        return pdf
    writer = PdfFileWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_blank_page()
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


class MailmergeLetterRun(models.Model):
    """One serial-letter run: who printed which template for whom, who was left
    out and why, and the combined PDF to print."""

    _name = "mailmerge.letter.run"
    _inherit = ["mail.thread"]
    _description = "Serial Letter Run"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    template_id = fields.Many2one(
        "mailmerge.letter.template", required=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection(
        selection=[
            ("queued", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        tracking=True,
    )
    line_ids = fields.One2many("mailmerge.letter.run.line", "run_id", string="Lines")
    recipient_line_ids = fields.One2many(
        "mailmerge.letter.run.line",
        "run_id",
        domain=[("state", "!=", "skipped")],
        string="Recipients",
    )
    skipped_line_ids = fields.One2many(
        "mailmerge.letter.run.line",
        "run_id",
        domain=[("state", "=", "skipped")],
        string="Left Out",
    )
    recipient_count = fields.Integer(compute="_compute_counts", store=True)
    done_count = fields.Integer(compute="_compute_counts", store=True)
    skipped_count = fields.Integer(compute="_compute_counts", store=True)
    progress = fields.Float(compute="_compute_counts", store=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letters (PDF)", readonly=True
    )
    error = fields.Text(readonly=True)
    duplex = fields.Boolean(
        string="Duplex Printing",
        help="A blank back page after each letter of an odd number of pages, so "
        "that every letter starts on a new sheet.",
    )

    @api.depends("template_id.name", "date")
    def _compute_name(self):
        for run in self:
            run.name = f"{run.template_id.name or ''} {run.date or ''}".strip()

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for run in self:
            states = run.line_ids.mapped("state")
            run.recipient_count = len(states) - states.count("skipped")
            run.done_count = states.count("done")
            run.skipped_count = states.count("skipped")
            run.progress = (
                100.0 * run.done_count / run.recipient_count
                if run.recipient_count
                else 100.0
            )

    @api.model
    def _get_background_threshold(self):
        """More recipients than this: the letters are rendered by background jobs,
        fewer at once."""
        params = self.env["ir.config_parameter"].sudo()
        return int(
            params.get_param("mailmerge_letters.letter_background_recipients", 100) or 0
        )

    @api.model
    def _start(self, template, recipients, skipped, duplex=False):
        """Create the run of ``template`` for ``recipients`` (in order), with
        ``skipped`` (``{partner: reason}``), and render it at once or queue it."""
        lines = [
            fields.Command.create({"partner_id": partner.id, "sequence": index})
            for index, partner in enumerate(recipients)
        ] + [
            fields.Command.create(
                {"partner_id": partner.id, "state": "skipped", "reason": reason}
            )
            for partner, reason in skipped.items()
        ]
        run = self.create(
            [{"template_id": template.id, "line_ids": lines, "duplex": duplex}]
        )
        if len(recipients) > self._get_background_threshold():
            run._delay_next_chunk()
        else:
            while run.state == "queued":
                run._render_next_chunk()
        return run

    def _delay_next_chunk(self):
        self.ensure_one()
        self.with_delay(
            description=self.env._("Serial letter %s", self.display_name),
            identity_key=identity_exact,
        )._render_next_chunk_job()

    def _render_next_chunk_job(self):
        """Job: the next chunk of letters; queues the following one, or finishes
        the run."""
        self.ensure_one()
        self._render_next_chunk()
        if self.state == "queued":
            self._delay_next_chunk()

    def _render_next_chunk(self):
        """Render the letters of the next chunk of recipients, file each in the
        recipient's history; after the last chunk, the combined PDF."""
        self.ensure_one()
        template = self.template_id
        pending = self.recipient_line_ids.filtered(lambda line: line.state == "todo")
        chunk = pending.sorted("sequence")[: template._letter_chunk_size]
        if chunk:
            partners = chunk.partner_id
            pdfs = template._render_letters_by_partner(partners)
            letters = template._render_letters(partners)
            for line in chunk:
                line._file_letter(pdfs[line.partner_id.id], letters[line.partner_id.id])
        if not (pending - chunk):
            self._finish()

    def _finish(self):
        self.ensure_one()
        lines = self.recipient_line_ids.sorted("sequence")
        pdfs = [base64.b64decode(line.attachment_id.datas) for line in lines]
        if self.duplex:
            pdfs = [_pad_to_even_pages(pdf) for pdf in pdfs]
        if pdfs:
            pdf = pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)
            self.attachment_id = self.env["ir.attachment"].create(
                {
                    "name": f"{self.template_id.name}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        self.state = "done"
        url = (
            f"/web/content/{self.attachment_id.id}?download=true"
            if self.attachment_id
            else False
        )
        message = self.env._(
            "Serial letter %(template)s: %(count)s letters, %(skipped)s left out.",
            template=self.template_id.name,
            count=len(lines),
            skipped=self.skipped_count,
        )
        body = (
            Markup('%s <a href="%s">%s</a>') % (message, url, self.env._("Download"))
            if url
            else message
        )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.env._("Serial letter ready"),
                "message": message,
            },
        )

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }


class MailmergeLetterRunLine(models.Model):
    _name = "mailmerge.letter.run.line"
    _description = "Serial Letter Recipient"
    _order = "run_id, state, sequence, id"

    run_id = fields.Many2one(
        "mailmerge.letter.run", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    state = fields.Selection(
        selection=[
            ("todo", "To print"),
            ("done", "Printed"),
            ("skipped", "Left out"),
        ],
        default="todo",
        required=True,
    )
    reason = fields.Char()
    attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True)

    def _file_letter(self, pdf, letter):
        """Post the letter in the recipient's history with its PDF attached."""
        self.ensure_one()
        partner = self.partner_id
        template = self.run_id.template_id
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{template.name} - {partner.name}.pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": partner._name,
                "res_id": partner.id,
            }
        )
        partner.message_post(
            body=self.env._(
                "Serial letter %(template)s: %(subject)s",
                template=template.name,
                subject=letter["subject"],
            ),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.write({"state": "done", "attachment_id": attachment.id})
