import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Ranks of an academic title that a salutation names, highest first, with the words
# that reveal them in the title as typed ("Prof. Dr.-Ing." holds both).
SALUTATION_RANKS = (
    ("prof", {"prof", "professor"}),
    ("dr", {"dr", "doctor"}),
)


# At most one preferred contact for mailings per company (commercial entity).
PREFERRED_RECIPIENT_INDEX = "res_partner_preferred_recipient_uniq"


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
    is_preferred_recipient = fields.Boolean(
        string="Preferred contact for mailings",
        copy=False,
        tracking=True,
        help="Serial letters, serial e-mails and merge-data exports address this "
        "contact whenever its company or any of its colleagues is selected. At most "
        "one contact per company: ticking another one unticks this one.",
    )

    def init(self):
        res = super().init()
        # the safety net behind write(): also holds against concurrent transactions
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (commercial_partner_id) "
                "WHERE is_preferred_recipient",
                SQL.identifier(PREFERRED_RECIPIENT_INDEX),
                SQL.identifier(self._table),
            )
        )
        return res

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

    # One recipient per company (serial letters, serial e-mails, exports)

    @api.constrains("is_preferred_recipient", "parent_id", "is_company")
    def _check_preferred_recipient(self):
        for partner in self:
            if partner.is_preferred_recipient and (
                partner.is_company or not partner.parent_id
            ):
                raise ValidationError(
                    _(
                        "%s is not a contact of a company: only a company's contact "
                        "can be its preferred contact for mailings.",
                        partner.display_name,
                    )
                )

    @api.onchange("is_preferred_recipient")
    def _onchange_is_preferred_recipient(self):
        """Tell the user ticking the flag which colleague loses it on save."""
        company = self.parent_id.commercial_partner_id
        if not (self.is_preferred_recipient and company):
            return None
        current = self.search(
            [
                ("commercial_partner_id", "=", company.id),
                ("is_preferred_recipient", "=", True),
                ("id", "!=", self._origin.id),
            ],
            limit=1,
        )
        if not current:
            return None
        return {
            "warning": {
                "title": _("Preferred contact for mailings"),
                "message": _(
                    "%(current)s is the preferred contact of %(company)s so far: "
                    "saving makes %(name)s the preferred contact instead.",
                    current=current.name,
                    company=company.name,
                    name=self.name,
                ),
                "type": "notification",
            }
        }

    @api.model_create_multi
    def create(self, vals_list):
        # the flag is written after the insert, where write() unticks the others
        vals_list = [dict(vals) for vals in vals_list]
        flags = [vals.pop("is_preferred_recipient", False) for vals in vals_list]
        partners = super().create(vals_list)
        preferred = self.browse(
            [partner.id for partner, flag in zip(partners, flags, strict=True) if flag]
        )
        if preferred:
            preferred.write({"is_preferred_recipient": True})
        return partners

    def write(self, vals):
        if vals.get("is_preferred_recipient"):
            self._untick_other_preferred_recipients(vals.get("parent_id", None))
        elif "parent_id" in vals and "is_preferred_recipient" not in vals:
            # preferred at the old company does not make it preferred at the new one
            moved = self.filtered(
                lambda p: (
                    p.is_preferred_recipient and p.parent_id.id != vals["parent_id"]
                )
            )
            if moved:
                super(ResPartner, moved).write({"is_preferred_recipient": False})
        return super().write(vals)

    def _untick_other_preferred_recipients(self, parent_id=None):
        """Before ``self`` become the preferred contacts of their companies (or of
        ``parent_id``'s): untick the current ones, archived ones included. Two of
        ``self`` at one company is an error, not a choice to guess."""
        chosen = {}
        for partner in self:
            parent = partner.parent_id if parent_id is None else self.browse(parent_id)
            company = parent.commercial_partner_id
            if not company:
                continue  # the constraint explains
            if company in chosen:
                raise UserError(
                    _(
                        "Only one contact of %(company)s can be the preferred contact "
                        "for mailings, not both %(first)s and %(second)s.",
                        company=company.display_name,
                        first=chosen[company].name,
                        second=partner.name,
                    )
                )
            chosen[company] = partner
        if not chosen:
            return
        # sudo: the user may write self; a colleague hidden by a record rule must
        # still lose the flag, the unique index allows only one per company
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "in", [c.id for c in chosen]),
                    ("is_preferred_recipient", "=", True),
                    ("id", "not in", self.ids),
                ]
            )
        )
        if others:
            others.write({"is_preferred_recipient": False})
            # flushed now: the unique index must never see two at once
            others.flush_recordset(["is_preferred_recipient"])

    @api.model
    def _get_mailing_recipient_fallback(self):
        """``first_contact`` or ``company``: see ``res.company``'s setting."""
        return self.env.company.mailing_recipient_fallback or "first_contact"

    def _is_mailing_reachable(self, channel):
        """Whether a mailing by ``channel`` reaches the partner: ``mail`` needs an
        e-mail address, ``letter`` a postal address (street and zip or city); without
        channel anybody counts. Opt-outs are the mailing's business, not the rule's."""
        self.ensure_one()
        if channel == "mail":
            return bool(self.email_normalized)
        if channel == "letter":
            return bool((self.street or self.street2) and (self.zip or self.city))
        return True

    def _select_mailing_recipients(self, channel=None, within_selection=False):
        """The recipient rule every serial letter, serial e-mail and merge-data
        export applies to the selected partners ``self``: one recipient per company.

        Per company (commercial entity) of the selection: its preferred contact for
        mailings, else the fallback of the company setting (its first contact: the
        selected ones first, then persons before other addresses, by name; or the
        company itself); with ``channel`` (``"mail"`` or ``"letter"``) only partners
        with an e-mail, resp. postal address, count, and when none has one the
        first selected is kept (the mailing then reports it). Contacts without
        company and companies without contacts are their own recipients; archived
        partners are never chosen. ``within_selection`` chooses among the selected
        partners only (e.g. the thank-you mail to the visitors of a fair).

        Returns ``(recipients, left_out)``: the recipients in the order of the
        selection, and ``{partner: reason}`` for each selected partner left out.
        """
        # ids collected, one browse: a union per company would be quadratic
        recipient_ids = {}
        left_out = {}
        for group in self._get_mailing_recipient_groups(channel, within_selection):
            recipient_ids.update(dict.fromkeys(group["recipient"].ids))
            left_out.update(group["left_out"])
        return self.browse(list(recipient_ids)), left_out

    def _get_mailing_recipient_groups(self, channel=None, within_selection=False):
        """The rule of ``_select_mailing_recipients`` per company, for the preview
        wizard: a list of dicts with ``company``, ``selected`` (its partners in
        the selection), ``recipient``, ``how`` (see
        ``_get_mailing_recipient_how_labels``) and ``left_out`` (``{partner:
        reason}``); the archived partners of the selection come as a last group
        without company and recipient."""
        active = self.filtered("active")
        by_company = active.grouped("commercial_partner_id")
        contacts = self.browse()
        if not within_selection and by_company:
            company_ids = [company.id for company in by_company]
            contacts = self.search(
                [
                    ("commercial_partner_id", "in", company_ids),
                    ("id", "not in", company_ids),
                ]
            )
        contacts_by_company = contacts.grouped("commercial_partner_id")
        fallback = self._get_mailing_recipient_fallback()
        groups = []
        for company, selected in by_company.items():
            candidates = selected
            if not within_selection:
                candidates |= contacts_by_company.get(company, self.browse())
                candidates |= company.filtered("active")
            recipient, how = self._choose_mailing_recipient(
                company, selected, candidates, channel, fallback
            )
            groups.append(
                {
                    "company": company,
                    "selected": selected,
                    "recipient": recipient,
                    "how": how,
                    "left_out": {
                        partner: partner._get_mailing_left_out_reason(
                            company, recipient
                        )
                        for partner in selected - recipient
                    },
                }
            )
        archived = self - active
        if archived:
            groups.append(
                {
                    "company": self.browse(),
                    "selected": archived,
                    "recipient": self.browse(),
                    "how": False,
                    "left_out": dict.fromkeys(archived, _("Archived")),
                }
            )
        return groups

    @api.model
    def _choose_mailing_recipient(
        self, company, selected, candidates, channel, fallback
    ):
        """``(recipient, how)`` of one company among its ``candidates``."""
        reachable = candidates.filtered(lambda p: p._is_mailing_reachable(channel))
        if not company.is_company and company in reachable:
            return company, "own"
        persons = reachable.filtered(lambda p: p != company and not p.is_company)
        preferred = persons.filtered("is_preferred_recipient")[:1]
        if preferred:
            return preferred, "preferred"
        if fallback == "company" and company in reachable:
            return company, "company"
        first = persons.sorted(
            lambda p: (
                p not in selected,
                p.type != "contact",
                (p.name or "").lower(),
                p.id,
            )
        )[:1]
        if first:
            return first, "first_contact"
        if company in reachable:
            return company, "company"
        return selected[:1], "unreachable"

    @api.model
    def _get_mailing_recipient_how_labels(self):
        return {
            "own": _("Contact without company"),
            "preferred": _("Preferred contact"),
            "company": _("The company itself"),
            "first_contact": _("First contact"),
            "unreachable": _("Nobody reachable: the first selected"),
            "manual": _("Chosen by you"),
        }

    def _get_mailing_left_out_reason(self, company, recipient):
        """Why the selected ``self`` is left out when ``recipient`` is addressed."""
        self.ensure_one()
        if self == company:
            return _("Its contact %s is addressed", recipient.name)
        if recipient == company:
            return _("The company %s itself is addressed", company.name)
        return _(
            "Another contact of %(company)s is addressed: %(name)s",
            company=company.name,
            name=recipient.name,
        )

    # Merge data for Word and other mail-merge programs

    @api.model
    def _get_mailmerge_export_fields(self):
        """``(field name, column label)`` the merge-data export offers, in column
        order: the whitelist of what may leave the database this way."""
        names = [
            "letter_address_name",
            "letter_salutation",
            "form_of_address",
            "academic_title",
            "firstname",
            "lastname",
            "name",
            "commercial_company_name",
            "function",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "country_id",
            "email",
            "phone",
            "mobile",
            "lang",
            "ref",
        ]
        labels = {"commercial_company_name": _("Company")}
        return [
            (name, labels.get(name) or self._fields[name]._description_string(self.env))
            for name in names
            if name in self._fields
        ]

    @api.model
    def _get_mailmerge_export_default_fields(self):
        """Checked by default: what the address block and salutation of a letter
        need."""
        return [
            "letter_address_name",
            "letter_salutation",
            "commercial_company_name",
            "street",
            "street2",
            "zip",
            "city",
            "country_id",
            "email",
        ]

    def _export_mail_merge_data(self, field_names, file_format="csv"):
        """The partners ``self`` with the chosen fields as CSV (``;``, UTF-8 with
        BOM) or XLSX, one row each in order; returns the ``ir.attachment``."""
        allowed = dict(self._get_mailmerge_export_fields())
        if not field_names or any(name not in allowed for name in field_names):
            raise UserError(_("Choose the fields to export among the offered ones."))
        Export = self.env["mailmerge.export"]
        return Export._export_attachment(
            _("Mail merge data"),
            [allowed[name] for name in field_names],
            Export._export_cells(self, field_names),
            file_format,
        )
