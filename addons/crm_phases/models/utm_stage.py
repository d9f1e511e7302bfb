from collections import defaultdict

from odoo import api, fields, models


class UtmStage(models.Model):
    _inherit = "utm.stage"

    campaign_type = fields.Selection(
        selection="_selection_campaign_type",
        help="Campaigns of this type go through this stage. A campaign type with "
        "stages of its own uses only those; the others use the stages without type.",
    )

    @api.model
    def _selection_campaign_type(self):
        """The campaign's types, labels in the user's language."""
        field = self.env["utm.campaign"]._fields["campaign_type"]
        return field._description_selection(self.env)

    @api.model
    def _get_stages_by_campaign_type(self):
        """{campaign type: its stages, in order} (one query); a type without stages
        of its own gets the stages without type."""
        stages = self.search([])
        generic = stages.filtered(lambda stage: not stage.campaign_type)
        by_type = defaultdict(lambda: generic)
        for campaign_type, type_stages in stages.grouped("campaign_type").items():
            if campaign_type:
                by_type[campaign_type] = type_stages
        return by_type
