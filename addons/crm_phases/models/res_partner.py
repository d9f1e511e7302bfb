import unicodedata
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

# re-exported: the masking moved to the mail engine of mailmerge_letters
from odoo.addons.mailmerge_letters.models.mailmerge_mail import mask_email  # noqa: F401

# Folded before accents are stripped, so that "Müller" becomes "mueller", not "muller".
_GERMAN_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_match_text(text):
    """Text as the matching compares it: lower case, umlauts folded (ä → ae, ß → ss),
    accents stripped, whitespace collapsed ("  MÜLLER " → "mueller")."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).lower().translate(_GERMAN_FOLDS)
    text = "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char)
    )
    return " ".join(text.split())


def name_company_key(name, company):
    """Key under which a person at a company is found again; word order of the name
    does not matter ("Müller Hans" is "Hans Mueller"). False without a name."""
    words = sorted(normalize_match_text(name).split())
    if not words:
        return False
    return "{}|{}".format(" ".join(words), normalize_match_text(company))


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the capture, the import and the dedupe find contacts by it and Odoo does not
    # index it (partial: contacts without an e-mail are never looked up by it)
    email_normalized = fields.Char(index="btree_not_null")
    name_company_key = fields.Char(
        string="Name and Company Key",
        compute="_compute_name_company_key",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Normalised name and company: finds an existing contact again when a "
        "visitor is captured or imported.",
    )
    campaign_activity_ids = fields.One2many(
        "crm.campaign.activity", "partner_id", string="Campaign Activities"
    )
    campaign_activity_count = fields.Integer(
        compute="_compute_campaign_activity_count",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends("name", "is_company", "company_name", "parent_id.name")
    def _compute_name_company_key(self):
        for partner in self:
            company = "" if partner.is_company else partner._crm_phases_company_label()
            partner.name_company_key = name_company_key(partner.name, company)

    def _crm_phases_company_label(self):
        self.ensure_one()
        return self.parent_id.name or self.company_name or ""

    def _compute_campaign_activity_count(self):
        """Activities of the contact; a company also counts those of its people."""
        self.campaign_activity_count = 0
        if not self.ids:
            return
        data = self.env["crm.campaign.activity"]._read_group(
            [
                "|",
                ("partner_id", "in", self.ids),
                ("commercial_partner_id", "in", self.ids),
            ],
            ["partner_id", "commercial_partner_id"],
            ["__count"],
        )
        counts = defaultdict(int)
        for partner, commercial_partner, count in data:
            counts[partner.id] += count
            if commercial_partner != partner:
                counts[commercial_partner.id] += count
        for partner in self:
            partner.campaign_activity_count = counts[partner.id]

    def action_view_campaign_activities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_phases.crm_campaign_activity_action"
        )
        action["domain"] = [
            "|",
            ("partner_id", "=", self.id),
            ("commercial_partner_id", "=", self.id),
        ]
        action["context"] = {"default_partner_id": self.id}
        return action

    # Matching (capture at the booth, CSV/XLSX import)

    @api.model
    def _crm_phases_match_key_of_vals(self, vals_list):
        """Name + company key of each input (``name`` or ``firstname``/``lastname``;
        ``company_name`` or ``parent_id``)."""
        parents = self.browse(
            {vals["parent_id"] for vals in vals_list if vals.get("parent_id")}
        )
        parent_names = dict(zip(parents.ids, parents.mapped("name"), strict=True))
        keys = []
        for vals in vals_list:
            name = vals.get("name") or " ".join(
                filter(None, [vals.get("firstname"), vals.get("lastname")])
            )
            company = vals.get("company_name") or parent_names.get(
                vals.get("parent_id")
            )
            keys.append(name_company_key(name, company))
        return keys

    @api.model
    def _crm_phases_find_matches(self, vals_list):
        """Existing contacts for a batch of visitor values, with one search by e-mail
        and one by name + company for the whole batch.

        Returns, per input, ``(partners, reason)``: one partner and ``'email'`` or
        ``'name_company'`` when it is the same person; the candidates and
        ``'ambiguous'`` when the user has to decide; no partner and ``None`` when
        nothing matches. The e-mail is compared normalised (lower case, trimmed) and
        identifies the person; several contacts sharing it are told apart by name +
        company. A name is the same person only together with the same company and
        without a conflicting e-mail: a name without company, or a contact of that
        name and company with another e-mail address, is ambiguous (a stranger must
        not receive the visitor's mails and history). The same name at another
        company is not a match.
        """
        emails = [
            email_normalize(vals.get("email") or "", strict=False) for vals in vals_list
        ]
        keys = self._crm_phases_match_key_of_vals(vals_list)
        by_email = defaultdict(list)
        wanted_emails = list({email for email in emails if email})
        if wanted_emails:
            found = self.search_fetch(
                [("email_normalized", "in", wanted_emails)],
                ["email_normalized", "name_company_key"],
            )
            for partner in found:
                by_email[partner.email_normalized].append(partner.id)
        by_key = defaultdict(list)
        wanted_keys = {
            key
            for key, email in zip(keys, emails, strict=True)
            if key and not by_email.get(email)
        }
        if wanted_keys:
            found = self.search_fetch(
                [("name_company_key", "in", list(wanted_keys))],
                ["name_company_key", "email_normalized"],
            )
            for partner in found:
                by_key[partner.name_company_key].append(partner.id)
        return [
            self._crm_phases_pick_match(
                by_email.get(email, []), by_key.get(key, []), key, email
            )
            for email, key in zip(emails, keys, strict=True)
        ]

    @api.model
    def _crm_phases_pick_match(self, email_ids, key_ids, key, email=False):
        if email_ids:
            candidates = self.browse(email_ids)
            if len(candidates) > 1:
                same_person = candidates.filtered(
                    lambda p: key and p.name_company_key == key
                )
                candidates = same_person if len(same_person) == 1 else candidates
            return (candidates, "email" if len(candidates) == 1 else "ambiguous")
        if key_ids:
            candidates = self.browse(key_ids)
            if len(candidates) == 1 and self._crm_phases_is_same_person(
                candidates, key, email
            ):
                return (candidates, "name_company")
            return (candidates, "ambiguous")
        return (self.browse(), None)

    @api.model
    def _crm_phases_is_same_person(self, partner, key, email):
        """Whether a contact found by name + company is the visitor: only with a
        company in the key, and without two different e-mail addresses."""
        has_company = bool(key and key.partition("|")[2])
        other_email = email and partner.email_normalized not in (False, email)
        return has_company and not other_email

    @api.model
    def _crm_phases_ambiguous_message(self, partners):
        """Why a match is not taken, naming the candidates (at most five)."""
        names = ", ".join(partners[:5].mapped("display_name"))
        if len(partners) > 1:
            return _("Several contacts may be this visitor: %s.", names)
        return _(
            "Not certainly the same person (same name, but without company or with "
            "another e-mail address): %s.",
            names,
        )

    @api.model
    def _crm_phases_visitor_fields(self):
        """Contact fields a visitor capture or import may write (a whitelist)."""
        names = [
            "name",
            "firstname",
            "lastname",
            "email",
            "phone",
            "mobile",
            "function",
            "company_name",
            "parent_id",
            "street",
            "zip",
            "city",
            "country_id",
            "lang",
            "form_of_address",
            "academic_title",
        ]
        return [name for name in names if name in self._fields]

    @api.model
    def _crm_phases_clean_visitor_vals(self, vals):
        allowed = self._crm_phases_visitor_fields()
        return {key: value for key, value in vals.items() if key in allowed and value}

    def _crm_phases_fill_empty_fields(self, vals, overwrite=()):
        """Complete a matched contact with what the visitor gave; never overwrite,
        except the fields of ``overwrite`` the user saw and confirmed (the booth
        capture's form of address and title), and never with an empty value."""
        self.ensure_one()
        identity = {"name", "firstname", "lastname", "parent_id"}
        if self.parent_id:
            identity.add("company_name")
        updates = {
            key: value
            for key, value in self._crm_phases_clean_visitor_vals(vals).items()
            if key not in identity
            and (not self[key] or (key in overwrite and self[key] != value))
        }
        if updates:
            self.write(updates)

    @api.model
    def _crm_phases_prepare_visitor_partners(self, vals_list):
        """Values of new contacts; a person is attached to the existing company of
        that name when there is exactly one."""
        vals_list = [self._crm_phases_clean_visitor_vals(vals) for vals in vals_list]
        company_keys = {
            name_company_key(vals["company_name"], "")
            for vals in vals_list
            if vals.get("company_name") and not vals.get("parent_id")
        }
        companies = defaultdict(list)
        if company_keys:
            found = self.search_fetch(
                [
                    ("is_company", "=", True),
                    ("name_company_key", "in", list(company_keys)),
                ],
                ["name_company_key"],
            )
            for company in found:
                companies[company.name_company_key].append(company.id)
        for vals in vals_list:
            if not (vals.get("name") or vals.get("firstname") or vals.get("lastname")):
                vals["name"] = vals.get("email")
            if vals.get("company_name") and not vals.get("parent_id"):
                company_ids = companies.get(
                    name_company_key(vals["company_name"], ""), []
                )
                if len(company_ids) == 1:
                    vals["parent_id"] = company_ids[0]
                    del vals["company_name"]
        return vals_list

    @api.model
    def _crm_phases_resolve_visitors(self, visitors):
        """The contact of each visitor, in input order: the given ``partner_id``, else
        the match of ``partner_vals`` that is the same person (completed, unless
        ``update_partner`` is false; the ``overwrite_partner_fields`` the user
        confirmed are written in any case), else a new contact (created once per
        e-mail or name + company in the batch; ``create_partner`` skips the
        matching). An ambiguous match raises: the caller lets the user choose."""
        result = [self.browse(visitor.get("partner_id") or []) for visitor in visitors]
        to_match = [
            index
            for index, visitor in enumerate(visitors)
            if not result[index] and not visitor.get("create_partner")
        ]
        matches = self._crm_phases_find_matches(
            [visitors[index].get("partner_vals") or {} for index in to_match]
        )
        for index, (partners, reason) in zip(to_match, matches, strict=True):
            if reason == "ambiguous":
                raise UserError(self._crm_phases_ambiguous_message(partners))
            result[index] = partners
        for partner, visitor in zip(result, visitors, strict=True):
            if not partner:
                continue
            vals = visitor.get("partner_vals") or {}
            overwrite = visitor.get("overwrite_partner_fields") or ()
            if not visitor.get("update_partner", True):
                vals = {key: value for key, value in vals.items() if key in overwrite}
            partner._crm_phases_fill_empty_fields(vals, overwrite)
        missing = [index for index, partner in enumerate(result) if not partner]
        if missing:
            self._crm_phases_create_visitor_partners(visitors, missing, result)
        return result

    @api.model
    def _crm_phases_create_visitor_partners(self, visitors, missing, result):
        vals_list = [visitors[index].get("partner_vals") or {} for index in missing]
        if not all(
            vals.get("name") or vals.get("lastname") or vals.get("email")
            for vals in vals_list
        ):
            raise UserError(
                _("Enter the visitor's name or e-mail address, or choose a contact.")
            )
        emails = [
            email_normalize(vals.get("email") or "", strict=False) for vals in vals_list
        ]
        keys = self._crm_phases_match_key_of_vals(vals_list)
        first_of = {}
        unique = []
        for position, (email, key) in enumerate(zip(emails, keys, strict=True)):
            identity = email or key or position
            if identity not in first_of:
                first_of[identity] = len(unique)
                unique.append(position)
        created = self.create(
            self._crm_phases_prepare_visitor_partners(
                [vals_list[pos] for pos in unique]
            )
        )
        for position, index in enumerate(missing):
            identity = emails[position] or keys[position] or position
            result[index] = created[first_of[identity]]

    # Export of campaign contacts

    @api.model
    def _crm_phases_export_fields(self):
        """``(field name, column label)`` offered by the contact export, in column
        order; the salutation fields of ``mailmerge_letters`` when installed."""
        names = [
            "name",
            "firstname",
            "lastname",
            "commercial_company_name",
            "form_of_address",
            "academic_title",
            "letter_salutation",
            "function",
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "zip",
            "city",
            "country_id",
            "lang",
        ]
        labels = {"commercial_company_name": _("Company")}
        return [
            (name, labels.get(name) or self._fields[name]._description_string(self.env))
            for name in names
            if name in self._fields
        ]

    @api.model
    def _crm_phases_export_default_fields(self):
        """Fields checked by default: what a thank-you letter or mail needs."""
        optional = {"function", "mobile", "street2", "lang"}
        return [
            name
            for name, _label in self._crm_phases_export_fields()
            if name not in optional
        ]

    # Unsubscribe link of the thank-you mail: the names of before the mail engine
    # moved to mailmerge_letters, still used by mail templates and other code

    @api.model
    def _get_thank_you_unsubscribe_validity(self):
        return self._get_mailmerge_unsubscribe_validity()

    def _get_thank_you_unsubscribe_token(self, issued=None):
        return self._get_mailmerge_unsubscribe_token(issued=issued)

    def _get_thank_you_unsubscribe_token_state(self, token):
        return self._get_mailmerge_unsubscribe_token_state(token)

    def _check_thank_you_unsubscribe_token(self, token):
        return self._get_mailmerge_unsubscribe_token_state(token) == "valid"

    def _get_thank_you_unsubscribe_url(self):
        return self._get_mailmerge_unsubscribe_url()

    def _get_thank_you_masked_email(self):
        return self._get_mailmerge_masked_email()
