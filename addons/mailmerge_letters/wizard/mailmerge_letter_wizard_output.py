# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import fields, models
from odoo.exceptions import UserError


class MailmergeLetterWizard(models.TransientModel):
    """The serial letter for Word users: instead of the PDF, one Word document
    of all letters from a Word template, or the merge data (CSV/XLSX) of the
    same recipients for Word's own mail merge."""

    _inherit = "mailmerge.letter.wizard"  # pylint: disable=consider-merging-classes-inherited

    output = fields.Selection(
        [
            ("pdf", "PDF to print"),
            ("docx", "Word document (DOCX)"),
            ("csv", "Merge data CSV"),
            ("xlsx", "Merge data XLSX"),
        ],
        required=True,
        default="pdf",
        help="PDF: the letters in DIN 5008, filed in each recipient's history. Word "
        "document: all letters in one .docx from a Word template. Merge data: the "
        "recipients' salutation and address for Word's own mail merge (Seriendruck).",
    )
    docx_template = fields.Binary(
        string="Word Template",
        attachment=False,
        help="A Word document (.docx) with placeholders such as {{ salutation }}; "
        "empty: the letter template's Word template.",
    )
    docx_template_filename = fields.Char()
    template_docx_filename = fields.Char(
        related="template_id.docx_template_filename",
        string="Word Template of the Letter Template",
    )

    def action_print(self):
        if self.output != "pdf":
            return self.action_download_letters()
        return super().action_print()

    def action_download_letters(self):
        """The Word document or the merge data of the recipients (after the
        recipient rule and the skips), as a download."""
        self.ensure_one()
        recipients, __ = self._select_recipients()
        if not recipients:
            raise UserError(self.env._("No recipient left to write to."))
        if self.output == "docx":
            attachment = self._make_letters_docx(recipients)
        else:
            attachment = recipients._export_mail_merge_data(
                self._get_merge_data_fields(), self.output
            )
        return self.env["mailmerge.export"]._download_action(attachment)

    def _get_merge_data_fields(self):
        """Columns of the merge data: what the salutation and address of a
        letter need."""
        return self.env["res.partner"]._get_mailmerge_export_default_fields()

    def _make_letters_docx(self, recipients):
        data = base64.b64decode(self.docx_template) if self.docx_template else None
        return self._get_template()._render_letters_docx_attachment(
            recipients, data, self.docx_template_filename if data else None
        )
