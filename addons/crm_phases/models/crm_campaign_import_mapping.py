from odoo import api, fields, models

from .res_partner import normalize_match_text


def header_key(header):
    """A column header as mappings compare it: "E-Mail-Adresse " → "emailadresse"."""
    return "".join(char for char in normalize_match_text(header) if char.isalnum())


class CrmCampaignImportMapping(models.Model):
    """The column mapping last used for the lists of one source (a badge scanner, a
    fair organiser's export), so that its next list maps itself."""

    _name = "crm.campaign.import.mapping"
    _description = "Visitor List Column Mapping"
    _rec_name = "source_id"

    source_id = fields.Many2one(
        "utm.source", required=True, index=True, ondelete="cascade"
    )
    mapping = fields.Json(help="Column header (normalised) → import target.")

    _sql_constraints = [
        ("source_uniq", "unique (source_id)", "A source has one column mapping."),
    ]

    @api.model
    def _get_mapping(self, source):
        if not source:
            return {}
        record = self.search([("source_id", "=", source.id)], limit=1)
        return record.mapping or {}

    @api.model
    def _remember(self, source, headers, targets):
        """Store the targets chosen for these headers (ignored columns included, so
        that a column left out stays left out)."""
        if not source:
            return
        mapping = self._get_mapping(source) | {
            header_key(header): target or ""
            for header, target in zip(headers, targets, strict=True)
            if header_key(header)
        }
        record = self.search([("source_id", "=", source.id)], limit=1)
        if record:
            record.mapping = mapping
        else:
            self.create([{"source_id": source.id, "mapping": mapping}])
