# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models, tools


class ResPartner(models.Model):
    _inherit = "res.partner"

    postal_objection_date = fields.Date(
        string="Objection Date",
        help="When the contact objected to advertising by post.",
    )
    postal_objection_source = fields.Selection(
        selection=[
            ("manual", "Entered by hand"),
            ("import", "Import"),
            ("unsubscribe", "Unsubscribe page"),
        ],
        string="Objection Source",
    )
    postal_objection_note = fields.Text(
        string="Objection Note",
        help="How and in which words the contact objected, e.g. the letter or call.",
    )
    letter_date = fields.Char(
        compute="_compute_letter_date",
        help="Today's date in the contact's language, for letters.",
    )

    @api.depends_context("lang")
    def _compute_letter_date(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.letter_date = tools.format_date(
                self.env, today, lang_code=partner.lang or self.env.lang
            )

    @api.model
    def _get_letter_placeholders(self):
        """``(expression, label)`` of the placeholders of letter templates that
        every user may use; other expressions need the group Mail Template Editor."""
        _ = self.env._
        return [
            ("object.letter_salutation", _("Salutation")),
            ("object.letter_address_name", _("Address name")),
            ("object.academic_title", _("Academic title")),
            ("object.firstname", _("First name")),
            ("object.lastname", _("Last name")),
            ("object.name", _("Name")),
            ("object.commercial_company_name", _("Company")),
            ("object.street", _("Street")),
            ("object.street2", _("Street 2")),
            ("object.zip", _("ZIP")),
            ("object.city", _("City")),
            ("object.country_id.name", _("Country")),
            ("object.letter_date", _("Today's date")),
            ("object.user_id.name", _("Salesperson")),
            ("object.user_id.signature", _("Salesperson's signature")),
        ] + self._get_letter_custom_placeholders()

    @api.model
    def _get_letter_custom_placeholders(self):
        """The integrator's custom fields of contacts (``x_…``, made with Odoo
        Studio or in Settings > Technical) as placeholders, by their label."""
        printable = {
            "char": "",
            "text": "",
            "date": "",
            "integer": "",
            "float": "",
            "monetary": "",
            "many2one": ".display_name",
        }
        return sorted(
            (
                (f"object.{name}{printable[field.type]}", field.string or name)
                for name, field in self._fields.items()
                if name.startswith("x_") and field.type in printable
            ),
            key=lambda placeholder: placeholder[1],
        )

    def mail_allowed_qweb_expressions(self):
        return (
            super().mail_allowed_qweb_expressions()
            + self._get_letter_placeholder_expressions()
        )

    @api.model
    @tools.ormcache()
    def _get_letter_placeholder_expressions(self):
        """The expressions of ``_get_letter_placeholders``, once per registry:
        Odoo's rendering asks for every expression of every recipient (a new
        custom field reloads the registry, and with it this cache)."""
        return tuple(expression for expression, __ in self._get_letter_placeholders())

    @api.model
    def _get_postal_objection_source(self):
        """Where an objection being recorded now comes from: the context key
        ``postal_objection_source``, else an import (Odoo's import sets
        ``import_file``), else by hand."""
        context = self.env.context
        if context.get("postal_objection_source"):
            return context["postal_objection_source"]
        return "import" if context.get("import_file") else "manual"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("postal_objection"):
                vals.setdefault(
                    "postal_objection_date", fields.Date.context_today(self)
                )
                vals.setdefault(
                    "postal_objection_source",
                    self._get_postal_objection_source(),
                )
        return super().create(vals_list)

    def write(self, vals):
        if "postal_objection" in vals:
            if vals["postal_objection"]:
                vals = dict(vals)
                vals.setdefault(
                    "postal_objection_date", fields.Date.context_today(self)
                )
                vals.setdefault(
                    "postal_objection_source",
                    self._get_postal_objection_source(),
                )
            else:
                vals = dict(
                    vals, postal_objection_date=False, postal_objection_source=False
                )
        return super().write(vals)

    def _get_letter_address(self):
        """The address field of a letter (DIN 5008) as HTML lines."""
        return Markup("<br/>").join(
            escape(line) for line in self._get_letter_address_lines()
        )

    def _get_letter_address_lines(self):
        """The lines of a letter's address field (DIN 5008): company, name line,
        street, ZIP and city, the country in capitals when abroad."""
        self.ensure_one()
        lines = [self.letter_address_name or self.name or ""]
        if self.parent_id and not self.is_company and self.commercial_company_name:
            lines.insert(0, self.commercial_company_name)
        lines += [self.street, self.street2]
        lines.append(" ".join(part for part in (self.zip, self.city) if part))
        company_country = self.env.company.country_id
        if self.country_id and self.country_id != company_country:
            lines.append((self.country_id.name or "").upper())
        return [line for line in lines if line]

    def _select_letter_recipients(self):
        """The recipient rule for serial letters on the selected partners
        ``self``: ``(recipients, skipped)``, ``skipped`` ``{partner: reason}``
        with the left-out of the rule, the archived, those who objected to
        advertising by post and those without a postal address."""
        recipients, skipped = self._select_mailing_recipients(channel="letter")
        skipped = dict(skipped)
        for partner in recipients:
            if partner.postal_objection:
                skipped[partner] = self.env._("Objected to advertising by post")
            elif not partner._is_mailing_reachable("letter"):
                skipped[partner] = self.env._(
                    "No postal address (street and ZIP or city)"
                )
        return recipients.filtered(lambda p: p not in skipped), skipped
