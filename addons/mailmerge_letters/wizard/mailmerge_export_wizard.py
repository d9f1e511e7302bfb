from odoo import Command, api, fields, models


class MailmergeExportWizard(models.TransientModel):
    """Merge data of a selection of contacts for Word or another mail-merge
    program: the companies and contacts as selected, or their recipients by the
    recipient rule (one per company)."""

    _name = "mailmerge.export.wizard"
    _description = "Export for Mail Merge"

    partner_ids = fields.Many2many(
        "res.partner",
        "mailmerge_export_wizard_partner_rel",
        "wizard_id",
        "partner_id",
        string="Selection",
        # archived partners stay in the selection: the rule reports them
        context={"active_test": False},
        default=lambda self: self._default_partner_ids(),
    )
    target = fields.Selection(
        [
            ("recipients", "Their recipients (one per company)"),
            ("selected", "The companies and contacts as selected"),
        ],
        string="Export",
        required=True,
        default="recipients",
    )
    channel = fields.Selection(
        [("letter", "Letter"), ("mail", "E-mail")],
        string="For",
        required=True,
        default="letter",
        help="A letter needs a postal address, an e-mail an e-mail address: the "
        "recipient rule prefers the contacts that have one.",
    )
    file_format = fields.Selection(
        [("csv", "CSV (Excel, semicolon)"), ("xlsx", "Excel (XLSX)")],
        string="Format",
        required=True,
        default="csv",
    )
    line_ids = fields.One2many(
        "mailmerge.export.wizard.line",
        "wizard_id",
        string="Fields",
        default=lambda self: self._default_line_ids(),
    )
    export_count = fields.Integer(string="Rows", compute="_compute_export_count")
    left_out_count = fields.Integer(
        string="Left Out",
        compute="_compute_export_count",
        help="Selected contacts and companies another contact of their company "
        "stands for, and archived ones: Check Recipients shows them with reasons.",
    )

    @api.model
    def _default_partner_ids(self):
        context = self.env.context
        if context.get("active_model") != "res.partner":
            return []
        return [Command.set(context.get("active_ids") or [])]

    @api.model
    def _default_line_ids(self):
        Partner = self.env["res.partner"]
        checked = set(Partner._get_mailmerge_export_default_fields())
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
                Partner._get_mailmerge_export_fields()
            )
        ]

    @api.depends("partner_ids", "target", "channel")
    def _compute_export_count(self):
        for wizard in self:
            partners, left_out = wizard._get_export_partners_and_left_out()
            wizard.export_count = len(partners)
            wizard.left_out_count = len(left_out)

    def _get_export_partners_and_left_out(self):
        self.ensure_one()
        partners = self.partner_ids._origin
        if self.target == "recipients":
            return partners._select_mailing_recipients(self.channel)
        return partners, {}

    def _get_export_partners(self):
        return self._get_export_partners_and_left_out()[0]

    def action_export(self):
        self.ensure_one()
        lines = self.line_ids.filtered("export").sorted("sequence")
        attachment = self._get_export_partners()._export_mail_merge_data(
            lines.mapped("field_name"), self.file_format
        )
        return self.env["mailmerge.export"]._download_action(attachment)
