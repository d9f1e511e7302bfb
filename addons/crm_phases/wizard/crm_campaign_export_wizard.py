from odoo import Command, api, fields, models


class CrmCampaignExportWizard(models.TransientModel):
    """Export a campaign's contacts for an e-mail program or Word (level 2)."""

    _name = "crm.campaign.export.wizard"
    _description = "Export Campaign Contacts"

    campaign_id = fields.Many2one("utm.campaign", required=True)
    file_format = fields.Selection(
        [("csv", "CSV (Excel, semicolon)"), ("xlsx", "Excel (XLSX)")],
        string="Format",
        required=True,
        default="csv",
    )
    line_ids = fields.One2many(
        "crm.campaign.export.wizard.line",
        "wizard_id",
        string="Fields",
        default=lambda self: self._default_line_ids(),
    )

    @api.model
    def _default_line_ids(self):
        Partner = self.env["res.partner"]
        checked = set(Partner._crm_phases_export_default_fields())
        return [
            Command.create(
                {
                    "sequence": sequence,
                    "field_name": name,
                    "label": label,
                    "export": name in checked,
                }
            )
            for sequence, (name, label) in enumerate(
                Partner._crm_phases_export_fields()
            )
        ]

    def action_export(self):
        self.ensure_one()
        lines = self.line_ids.filtered("export").sorted("sequence")
        attachment = self.campaign_id._export_contacts(
            lines.mapped("field_name"), self.file_format
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
