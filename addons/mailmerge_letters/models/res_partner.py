import re

from odoo import api, fields, models
from odoo.tools import SQL

# Ranks of an academic title that a salutation names, highest first, with the words
# that reveal them in the title as typed ("Prof. Dr.-Ing." holds both).
SALUTATION_RANKS = (
    ("prof", {"prof", "professor"}),
    ("dr", {"dr", "doctor"}),
)


def _join(*words):
    return " ".join(word for word in words if word)


class ResPartner(models.Model):
    _inherit = "res.partner"

    postal_objection = fields.Boolean(
        string="Postal Advertising Objection",
        tracking=True,
        help="The contact objected to advertising by post (Werbewiderspruch): "
        "serial letters leave it out, like e-mail opt-outs do for serial e-mails.",
    )
    form_of_address = fields.Selection(
        string="Form of Address",
        selection=[
            ("mr", "Mr"),
            ("ms", "Ms"),
            ("mx", "Diverse"),
            ("none", "None"),
        ],
        help="How letters address the contact: Mr and Ms with the last name, "
        "Diverse with first and last name; with None or empty they open with "
        '"Dear Sir or Madam".',
    )
    academic_title = fields.Char(
        help='As written before the name, e.g. "Dr.", "Prof. Dr.", "Dipl.-Ing.". '
        "The address block shows it in full, the salutation only Prof. or Dr.",
    )
    letter_salutation = fields.Char(
        compute="_compute_letter_salutation",
        store=True,
        help="Formal salutation of letters and e-mails in the contact's language, "
        "without the closing comma.",
    )
    letter_address_name = fields.Char(
        string="Address Name",
        compute="_compute_letter_address_name",
        store=True,
        help="The contact's name line in the address block of a letter, in the "
        "contact's language.",
    )

    @api.depends(
        "lang",
        "is_company",
        "firstname",
        "lastname",
        "form_of_address",
        "academic_title",
    )
    def _compute_letter_salutation(self):
        for partner in self:
            rule = getattr(partner, f"_letter_salutation_{partner._get_letter_lang()}")
            partner.letter_salutation = rule(partner._get_letter_salutation_parts())

    @api.depends(
        "lang",
        "is_company",
        "name",
        "firstname",
        "lastname",
        "form_of_address",
        "academic_title",
    )
    def _compute_letter_address_name(self):
        for partner in self:
            rule = getattr(
                partner, f"_letter_address_name_{partner._get_letter_lang()}"
            )
            partner.letter_address_name = rule(partner._get_letter_salutation_parts())

    def _get_letter_lang(self):
        """Language whose letter rules apply: the contact's, else English.

        A language is supported when both ``_letter_salutation_<code>`` and
        ``_letter_address_name_<code>`` exist, so another addon adds one by
        defining them; de_CH and de_AT use the German rules.
        """
        self.ensure_one()
        code = (self.lang or "").split("_")[0]
        rules = (f"_letter_salutation_{code}", f"_letter_address_name_{code}")
        return code if all(hasattr(self, rule) for rule in rules) else "en"

    def _get_letter_salutation_parts(self):
        """What the letter rules of every language combine.

        ``personal`` is False when a letter cannot name the contact (a company, no
        last name or no form of address); ``rank`` is the highest academic rank a
        salutation names (``prof``, ``dr`` or False).
        """
        self.ensure_one()
        form = self.form_of_address or "none"
        return {
            "personal": not self.is_company and bool(self.lastname) and form != "none",
            "person": not self.is_company and bool(self.lastname),
            "form": form,
            "rank": self._get_salutation_rank(),
            "title": (self.academic_title or "").strip(),
            "firstname": self.firstname or "",
            "lastname": self.lastname or "",
            "name": self.name or "",
        }

    def _get_salutation_rank(self):
        self.ensure_one()
        words = set(re.findall(r"[a-z]+", (self.academic_title or "").lower()))
        return next((rank for rank, marks in SALUTATION_RANKS if words & marks), False)

    def _letter_salutation_de(self, parts):
        if not parts["personal"]:
            return "Sehr geehrte Damen und Herren"
        rank = {"prof": "Prof.", "dr": "Dr."}.get(parts["rank"])
        if parts["form"] == "mx":
            return _join("Guten Tag", rank, parts["firstname"], parts["lastname"])
        greeting = {"mr": "Sehr geehrter Herr", "ms": "Sehr geehrte Frau"}
        return _join(greeting[parts["form"]], rank, parts["lastname"])

    def _letter_salutation_en(self, parts):
        if not parts["personal"]:
            return "Dear Sir or Madam"
        courtesy = self._letter_courtesy_en(parts)
        if courtesy:
            return _join("Dear", courtesy, parts["lastname"])
        return _join("Dear", parts["firstname"], parts["lastname"])

    def _letter_address_name_de(self, parts):
        """DIN 5008: "Herrn" in the address, every title in full."""
        if not parts["person"]:
            return parts["name"]
        courtesy = {"mr": "Herrn", "ms": "Frau"}.get(parts["form"])
        return _join(courtesy, parts["title"], parts["firstname"], parts["lastname"])

    def _letter_address_name_en(self, parts):
        if not parts["person"]:
            return parts["name"]
        return _join(
            self._letter_courtesy_en(parts), parts["firstname"], parts["lastname"]
        )

    def _letter_courtesy_en(self, parts):
        """A doctor's or professor's title replaces Mr and Ms; Mx is not written."""
        courtesy = {"prof": "Professor", "dr": "Dr"}.get(parts["rank"])
        return courtesy or {"mr": "Mr", "ms": "Ms"}.get(parts["form"])

    @api.model
    def _get_title_backfill_values(self):
        """Letter fields implied by Odoo's standard contact titles (by XML id)."""
        return {
            "base.res_partner_title_mister": {"form_of_address": "mr"},
            "base.res_partner_title_madam": {"form_of_address": "ms"},
            "base.res_partner_title_miss": {"form_of_address": "ms"},
            "base.res_partner_title_doctor": {"academic_title": "Dr."},
            "base.res_partner_title_prof": {"academic_title": "Prof."},
        }

    @api.model
    def _backfill_letter_fields_from_title(self):
        """Fill empty letter fields from ``res.partner.title``, gone in Odoo 19.

        Values already entered are kept; titles created by users are left out. In
        SQL (install hook and migration: a database may hold a million contacts);
        the salutations of the contacts changed are recomputed. Returns them.
        """
        self.flush_model(["title", "form_of_address", "academic_title"])
        ids = set()
        for xmlid, values in self._get_title_backfill_values().items():
            title = self.env.ref(xmlid, raise_if_not_found=False)
            if not title:
                continue
            for fname, value in values.items():
                self.env.cr.execute(
                    SQL(
                        "UPDATE %(table)s SET %(field)s = %(value)s "
                        "WHERE title = %(title)s AND COALESCE(%(field)s, '') = '' "
                        "RETURNING id",
                        table=SQL.identifier(self._table),
                        field=SQL.identifier(fname),
                        value=value,
                        title=title.id,
                    )
                )
                ids.update(row[0] for row in self.env.cr.fetchall())
        partners = self.browse(sorted(ids))
        partners.invalidate_recordset(["form_of_address", "academic_title"])
        partners.modified(["form_of_address", "academic_title"])
        return partners
