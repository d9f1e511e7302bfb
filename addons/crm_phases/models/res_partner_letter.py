# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    """Placeholders of letter templates the CRM adds: the business fields the
    contact bought in, and the campaign the letter belongs to."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    letter_business_fields = fields.Char(
        compute="_compute_letter_business_fields",
        help="The business fields of the contact's company, for letters "
        '(e.g. "Solar, Klima").',
    )
    letter_campaign = fields.Char(
        compute="_compute_letter_campaign",
        help="The campaign of the serial letter, else the campaign the contact "
        "was last met at, for letters.",
    )

    @api.depends("commercial_partner_id.business_field_ids")
    @api.depends_context("lang")
    def _compute_letter_business_fields(self):
        for partner in self:
            names = partner.commercial_partner_id.business_field_ids.mapped("name")
            partner.letter_business_fields = ", ".join(names)

    @api.depends("campaign_activity_ids.campaign_id")
    @api.depends_context("mailmerge_campaign_id")
    def _compute_letter_campaign(self):
        # the run's campaign (serial letter from a campaign's activities)
        campaign = self.env["utm.campaign"].browse(
            self.env.context.get("mailmerge_campaign_id")
        )
        if campaign:
            self.letter_campaign = campaign.sudo().title
            return
        # sudo: only the title of the contact's latest campaign is printed
        activities = (
            self.env["crm.campaign.activity"]
            .sudo()
            .search(
                [("partner_id", "in", self._origin.ids)], order="date desc, id desc"
            )
        )
        latest = {}
        for activity in activities:
            latest.setdefault(activity.partner_id.id, activity.campaign_id.title)
        for partner in self:
            partner.letter_campaign = latest.get(partner._origin.id) or ""

    @api.model
    def _get_letter_placeholders(self):
        _ = self.env._
        return super()._get_letter_placeholders() + [
            ("object.letter_business_fields", _("Business fields")),
            ("object.letter_campaign", _("Campaign")),
        ]
