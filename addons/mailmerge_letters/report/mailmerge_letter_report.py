# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportMailmergeLetter(models.AbstractModel):
    _name = "report.mailmerge_letters.report_letter"
    _description = "Serial Letter Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        template = self.env["mailmerge.letter.template"].browse(
            (data or {}).get("letter_template_id")
        )
        partners = self.env["res.partner"].browse(docids)
        template.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letter_template": template,
            "letters": template._render_letters(partners),
            "company": self.env.company,
        }
