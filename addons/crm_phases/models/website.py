from odoo import fields, models

PRIVACY_PAGE_URL = "/privacy"


class Website(models.Model):
    _inherit = "website"

    quote_privacy_url = fields.Char(
        string="Privacy Policy of the Quote Form",
        help="Page the privacy consent of the quote form links to. Empty: the "
        "website's page /privacy if it has one.",
    )

    def _get_quote_privacy_url(self):
        """The configured privacy page, else the website's own /privacy page."""
        self.ensure_one()
        if self.quote_privacy_url:
            return self.quote_privacy_url
        # the public form asks whether the page exists; pages are not theirs to search
        page = (
            self.env["website.page"]
            .sudo()
            .search(
                [("url", "=", PRIVACY_PAGE_URL)]
                + self.website_domain(self.id)
                + [("is_published", "=", True)],
                limit=1,
            )
        )
        return page.url or False
