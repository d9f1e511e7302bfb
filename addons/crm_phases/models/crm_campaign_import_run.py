import base64
import os

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

from .crm_campaign_activity import contact_type_selection


class CrmCampaignImportRun(models.Model):
    """A visitor list imported in the background (more rows than the setting
    *Import in the Background From*): the file, its mapping, the progress and the
    result. Each queue job imports one slice of rows in its own transaction; the
    slice is claimed on this record, so a retried or repeated job imports nothing
    twice."""

    _name = "crm.campaign.import.run"
    _description = "Visitor List Import in the Background"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "filename"

    # rows per job: each job parses the file again and must end well within the
    # workers' limit_time_real
    _job_rows = 2000

    campaign_id = fields.Many2one(
        "utm.campaign", required=True, ondelete="cascade", readonly=True
    )
    source_id = fields.Many2one("utm.source", readonly=True)
    file = fields.Binary(
        string="Visitor List", attachment=True, required=True, readonly=True
    )
    filename = fields.Char(required=True, readonly=True)
    targets = fields.Json(readonly=True)
    date = fields.Datetime(readonly=True)
    contact_type = fields.Selection(
        selection=contact_type_selection,
        string="Kind of Contact",
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
        ],
        default="queued",
        required=True,
        readonly=True,
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    rows_done = fields.Integer(string="Rows Imported", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    error_rows = fields.Json(readonly=True, help="Reason of each rejected row.")
    error_file = fields.Binary(string="Rejected Rows", attachment=True, readonly=True)
    error_filename = fields.Char(readonly=True)

    @api.depends("row_count", "rows_done")
    def _compute_progress(self):
        for run in self:
            run.progress = 100.0 * run.rows_done / run.row_count if run.row_count else 0

    @api.model
    def _enqueue_import(self, vals):
        """Create the run of ``vals`` and queue the job of its first rows."""
        run = self.create([vals])
        run._delay_import_rows(0)
        return run

    def _delay_import_rows(self, start):
        self.ensure_one()
        self.with_delay(
            description=_(
                "Import visitors %(file)s, rows from %(start)s",
                file=self.filename,
                start=start + 1,
            ),
            identity_key=f"crm.campaign.import.run,{self.id},{start}",
        )._import_rows(start)

    def _prepare_defaults(self):
        return {
            "campaign_id": self.campaign_id.id,
            "date": self.date,
            "contact_type": self.contact_type,
            "user_id": self.user_id.id,
        }

    def _import_rows(self, start):
        """Job: import the rows ``start`` to ``start + _job_rows`` of the list, then
        queue the next rows or, after the last ones, report the result."""
        self.ensure_one()
        end = min(start + self._job_rows, self.row_count)
        if not self._claim_rows(start, end):
            return _(
                "Rows %(start)s to %(end)s were imported before.",
                start=start + 1,
                end=end,
            )
        Import = self.env["crm.campaign.visitor.import"]
        headers, rows, meta = Import._parse_visitor_file(
            base64.b64decode(self.file), self.filename
        )
        vals_list, errors = Import._map_visitor_rows(
            rows[start:end], self.targets, self._prepare_defaults()
        )
        result = Import._import_visitors(vals_list, errors)
        self._add_result(start, result)
        if end < self.row_count:
            self._delay_import_rows(end)
        else:
            self._finish(headers, rows, meta)
        return _(
            "Rows %(start)s to %(end)s: %(created)s created, %(updated)s updated, "
            "%(skipped)s skipped, %(rejected)s rejected.",
            start=start + 1,
            end=end,
            **{
                key: result[key]
                for key in ("created", "updated", "skipped", "rejected")
            },
        )

    def _claim_rows(self, start, end):
        """Mark the rows up to ``end`` as imported, if the rows before ``start``
        are and these are not yet: one ``UPDATE ... WHERE rows_done = start``, in
        the job's transaction, so the claim and the import commit together."""
        self.ensure_one()
        self.flush_recordset(["rows_done", "state"])
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET rows_done = %s, state = 'running' "
                "WHERE id = %s AND COALESCE(rows_done, 0) = %s AND state != 'done' "
                "RETURNING id",
                SQL.identifier(self._table),
                end,
                self.id,
                start,
            )
        )
        claimed = bool(self.env.cr.fetchall())
        self.invalidate_recordset(["rows_done", "state", "progress"])
        return claimed

    def _add_result(self, start, result):
        errors = dict(self.error_rows or {})
        errors.update(
            (str(start + index), reason) for index, reason in result["errors"].items()
        )
        self.write(
            {
                "created_count": self.created_count + result["created"],
                "updated_count": self.updated_count + result["updated"],
                "skipped_count": self.skipped_count + result["skipped"],
                "rejected_count": len(errors),
                "error_rows": errors,
            }
        )

    def _finish(self, headers, rows, meta):
        """Done: the rejected rows file, a message with the result to the user who
        imported the list, and a notification in their open browser."""
        errors = {
            int(index): reason for index, reason in (self.error_rows or {}).items()
        }
        vals = {"state": "done"}
        attachments = []
        if errors:
            content, _mimetype, extension = self.env[
                "crm.campaign.visitor.import"
            ]._rejected_rows_file(headers, rows, errors, meta)
            stem = os.path.splitext(self.filename or "visitors")[0]
            vals["error_filename"] = "{}_{}.{}".format(stem, _("rejected"), extension)
            vals["error_file"] = base64.b64encode(content)
            attachments = [(vals["error_filename"], content)]
        self.write(vals)
        self._notify_result(self._get_result_summary(), attachments)

    def _get_result_summary(self):
        return _(
            "Visitor list %(file)s imported into %(campaign)s: %(created)s created, "
            "%(updated)s updated, %(skipped)s skipped, %(rejected)s rejected.",
            file=self.filename,
            campaign=self.campaign_id.display_name,
            created=self.created_count,
            updated=self.updated_count,
            skipped=self.skipped_count,
            rejected=self.rejected_count,
        )

    def _notify_result(self, summary, attachments=()):
        """The message lands in the importer's inbox (posted by OdooBot: a user is
        not notified of their own messages)."""
        user = self.create_uid
        self.message_post(
            body=Markup("<p>%s</p>") % summary,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=user.partner_id.ids,
            attachments=list(attachments),
            subtype_xmlid="mail.mt_note",
        )
        user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": _("Visitor Import"),
                "message": summary,
                "sticky": True,
            },
        )

    def action_open_campaign_activities(self):
        self.ensure_one()
        return self.campaign_id.action_view_campaign_activities()
