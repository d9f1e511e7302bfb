import base64
import os

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.crm_campaign_activity import contact_type_selection

PREVIEW_ROWS = 20


class CrmCampaignImportWizard(models.TransientModel):
    """Import a badge scanner's or fair organiser's visitor list into a campaign:
    upload, check the column mapping and the preview, import, download the rejected
    rows. The work is done by ``crm.campaign.visitor.import``."""

    _name = "crm.campaign.import.wizard"
    _description = "Import Campaign Visitors"

    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("preview", "Preview"),
            ("background", "In the Background"),
            ("done", "Done"),
        ],
        default="upload",
        required=True,
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        required=True,
        default=lambda self: self.env[
            "crm.campaign.visitor.wizard"
        ]._default_campaign_id(),
    )
    source_id = fields.Many2one(
        "utm.source",
        help="Where the list comes from (e.g. the badge scanner of the fair): its "
        "column mapping is remembered for its next list.",
    )
    file = fields.Binary(string="Visitor List", attachment=False, required=True)
    filename = fields.Char()
    file_info = fields.Char(string="File", readonly=True)
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="Date of the visits whose row gives none.",
    )
    contact_type = fields.Selection(
        selection=contact_type_selection,
        string="Kind of Contact",
        required=True,
        default="booth",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    column_ids = fields.One2many(
        "crm.campaign.import.wizard.column", "wizard_id", string="Columns"
    )
    row_ids = fields.One2many("crm.campaign.import.wizard.row", "wizard_id")
    created_count = fields.Integer(string="New", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    error_file = fields.Binary(string="Rejected Rows", attachment=False, readonly=True)
    error_filename = fields.Char()
    run_id = fields.Many2one(
        "crm.campaign.import.run", string="Background Import", readonly=True
    )

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "upload"

    def _parse(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose the file of the visitor list."))
        return self.env["crm.campaign.visitor.import"]._parse_visitor_file(
            base64.b64decode(self.file), self.filename
        )

    def _get_targets(self, headers):
        targets = dict(self.column_ids.mapped(lambda c: (c.column_index, c.target)))
        return [targets.get(index) or False for index in range(len(headers))]

    def _prepare_defaults(self):
        return {
            "campaign_id": self.campaign_id.id,
            "date": self.date,
            "contact_type": self.contact_type,
            "user_id": self.user_id.id,
        }

    def action_load(self):
        """Read the file, propose the mapping (remembered for the source, else
        guessed from the headers) and show the preview."""
        headers, rows, meta = self._parse()
        remembered = self.env["crm.campaign.import.mapping"]._get_mapping(
            self.source_id
        )
        targets = self.env["crm.campaign.visitor.import"]._guess_targets(
            headers, remembered
        )
        self.column_ids = [Command.clear()] + [
            Command.create(
                {
                    "column_index": index,
                    "header": header,
                    "sample": rows[0][index],
                    "target": target,
                }
            )
            for index, (header, target) in enumerate(zip(headers, targets, strict=True))
        ]
        return self._show_preview(headers, rows, meta)

    def action_preview(self):
        return self._show_preview(*self._parse())

    def _show_preview(self, headers, rows, meta):
        """The expected counts of the whole list and the first rows with what will
        happen to them; nothing is written but the wizard."""
        Import = self.env["crm.campaign.visitor.import"]
        targets = self._get_targets(headers)
        vals_list, errors = Import._map_visitor_rows(
            rows, targets, self._prepare_defaults()
        )
        statuses = Import._classify_visitors(vals_list)
        kinds = [status and status[0] for status in statuses]
        self.write(
            {
                "state": "preview",
                "file_info": self._describe_file(meta, len(rows)),
                "created_count": kinds.count("new"),
                "updated_count": kinds.count("update"),
                "skipped_count": kinds.count("duplicate") + kinds.count("registered"),
                "rejected_count": len(errors) + kinds.count("ambiguous"),
                "row_ids": [Command.clear()]
                + self._prepare_rows(
                    rows,
                    targets,
                    meta,
                    statuses,
                    errors,
                    range(len(rows))[:PREVIEW_ROWS],
                ),
            }
        )
        return self._reopen()

    def action_import(self):
        """Import the list with the mapping shown, remember the mapping for the
        source and show the result; a list longer than the setting is imported by
        background jobs, which report to the user when done."""
        headers, rows, meta = self._parse()
        Import = self.env["crm.campaign.visitor.import"]
        targets = self._get_targets(headers)
        if len(rows) > Import._get_background_threshold():
            Import._check_targets(targets)
            run = self.env["crm.campaign.import.run"]._enqueue_import(
                self._prepare_run_values(targets, len(rows))
            )
            self.write({"state": "background", "run_id": run.id})
        else:
            vals_list, errors = Import._map_visitor_rows(
                rows, targets, self._prepare_defaults()
            )
            result = Import._import_visitors(vals_list, errors)
            self._write_result(headers, rows, meta, targets, result)
        self.env["crm.campaign.import.mapping"]._remember(
            self.source_id, headers, targets
        )
        return self._reopen()

    def _prepare_run_values(self, targets, row_count):
        return {
            "campaign_id": self.campaign_id.id,
            "source_id": self.source_id.id,
            "file": self.file,
            "filename": self.filename or "visitors.csv",
            "targets": targets,
            "date": self.date,
            "contact_type": self.contact_type,
            "user_id": self.user_id.id,
            "row_count": row_count,
        }

    def action_open_run(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.campaign.import.run",
            "res_id": self.run_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _write_result(self, headers, rows, meta, targets, result):
        errors = result["errors"]
        vals = {
            "state": "done",
            "created_count": result["created"],
            "updated_count": result["updated"],
            "skipped_count": result["skipped"],
            "rejected_count": result["rejected"],
            "error_file": False,
            "row_ids": [Command.clear()]
            + self._prepare_rows(rows, targets, meta, None, errors, sorted(errors)),
        }
        if errors:
            content, _mimetype, extension = self.env[
                "crm.campaign.visitor.import"
            ]._rejected_rows_file(headers, rows, errors, meta)
            stem = os.path.splitext(self.filename or "visitors")[0]
            vals["error_file"] = base64.b64encode(content)
            vals["error_filename"] = "{}_{}.{}".format(stem, _("rejected"), extension)
        self.write(vals)

    def _prepare_rows(self, rows, targets, meta, statuses, errors, indexes):
        """Lines of the preview (``statuses`` given) or of the rejected rows."""
        lines = []
        for index in indexes:
            cells = dict(zip(targets, rows[index], strict=True))
            status, partners, message = (statuses and statuses[index]) or (
                "rejected",
                None,
                errors.get(index, ""),
            )
            if status == "duplicate":
                message = _("Same visitor as row %s", meta["lines"][message])
            lines.append(
                Command.create(
                    {
                        "line": meta["lines"][index],
                        "name": cells.get("name")
                        or " ".join(
                            filter(
                                None, [cells.get("firstname"), cells.get("lastname")]
                            )
                        ),
                        "email": cells.get("email"),
                        "company_name": cells.get("company_name"),
                        "status": "rejected" if index in errors else status,
                        "partner_id": partners.id
                        if partners and len(partners) == 1
                        else False,
                        "message": errors.get(index) or message,
                    }
                )
            )
        return lines

    def _describe_file(self, meta, count):
        if meta["format"] == "xlsx":
            return _("XLSX, %s rows", count)
        return _(
            "CSV, encoding %(encoding)s, separator %(delimiter)s, %(count)s rows",
            encoding="UTF-8" if meta["encoding"] == "utf-8-sig" else "Windows-1252",
            delimiter="Tab" if meta["delimiter"] == "\t" else meta["delimiter"],
            count=count,
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Import Visitors"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
