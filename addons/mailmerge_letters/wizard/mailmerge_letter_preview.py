# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class MailmergeLetterPreview(models.TransientModel):
    _name = "mailmerge.letter.preview"
    _description = "Letter Preview"

    template_id = fields.Many2one(
        "mailmerge.letter.template", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Recipient")
    preview_subject = fields.Char(compute="_compute_preview", string="Subject")
    preview_html = fields.Html(
        compute="_compute_preview", string="Letter", sanitize=False
    )

    @api.depends("template_id", "partner_id")
    def _compute_preview(self):
        for preview in self:
            partner = preview.partner_id
            if not (preview.template_id and partner):
                preview.preview_subject = False
                preview.preview_html = False
                continue
            preview.preview_subject, preview.preview_html = (
                preview.template_id._render_letter_preview(partner)
            )
