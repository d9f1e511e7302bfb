import csv
import io
import zipfile
from collections import defaultdict
from datetime import date, datetime

import openpyxl
import pytz

from odoo import Command, _, api, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, single_email_re

from odoo.addons.mailmerge_letters.models.mailmerge_export import FORMULA_PREFIXES

from .crm_campaign_import_mapping import header_key

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
]
FORMS_OF_ADDRESS = {
    "herr": "mr",
    "herrn": "mr",
    "mr": "mr",
    "mister": "mr",
    "frau": "ms",
    "ms": "ms",
    "mrs": "ms",
    "miss": "ms",
    "divers": "mx",
    "mx": "mx",
    "keine": "none",
    "keineangabe": "none",
    "none": "none",
    "firma": "none",
}
# Column headers of badge scanners and fair organisers, as header_key() gives them.
HEADER_GUESSES = {
    "firstname": ["vorname", "firstname", "givenname", "first"],
    "lastname": ["nachname", "familienname", "lastname", "surname", "familyname"],
    "name": ["name", "vollername", "fullname", "kontakt", "contact", "besucher"],
    "company_name": [
        "firma",
        "firmenname",
        "unternehmen",
        "company",
        "companyname",
        "organisation",
        "organization",
    ],
    "email": ["email", "mail", "emailadresse", "emailaddress", "mailadresse"],
    "phone": ["telefon", "tel", "telefonnummer", "phone", "telephone", "phonenumber"],
    "mobile": ["mobil", "mobiltelefon", "handy", "mobile", "mobilephone", "cell"],
    "street": ["strasse", "strassehausnummer", "anschrift", "street", "address"],
    "zip": ["plz", "postleitzahl", "zip", "zipcode", "postcode", "postalcode"],
    "city": ["ort", "stadt", "wohnort", "city", "town"],
    "country": ["land", "staat", "country", "countrycode", "laenderkennzeichen"],
    "form_of_address": ["anrede", "salutation", "formofaddress"],
    "academic_title": ["titel", "akademischertitel", "title", "academictitle"],
    "business_fields": [
        "interesse",
        "interessen",
        "geschaeftsfeld",
        "geschaeftsfelder",
        "sparte",
        "businessfield",
        "businessfields",
        "interest",
        "interests",
    ],
    "note": ["notiz", "notizen", "bemerkung", "kommentar", "note", "notes", "comment"],
    "contact_type": ["kontaktart", "art", "kindofcontact", "contacttype"],
    "date": ["datum", "scandatum", "erfasstam", "date", "scandate", "scannedat"],
}
PARTNER_TARGETS = [
    "firstname",
    "lastname",
    "name",
    "company_name",
    "email",
    "phone",
    "mobile",
    "street",
    "zip",
    "city",
    "academic_title",
]


class CrmCampaignVisitorImport(models.AbstractModel):
    """Import of visitor lists (badge scanners, fair organisers): parse CSV or XLSX,
    map the columns, match the rows against the contacts as the booth capture does,
    register them as campaign activities and report each rejected row."""

    _name = "crm.campaign.visitor.import"
    _description = "Visitor List Import"

    _chunk_size = 1000

    @api.model
    def _get_targets(self):
        """``(target, label)`` a column may be mapped to (the whitelist)."""
        return [
            ("firstname", _("First Name")),
            ("lastname", _("Last Name")),
            ("name", _("Full Name")),
            ("company_name", _("Company")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("mobile", _("Mobile")),
            ("street", _("Street")),
            ("zip", _("ZIP")),
            ("city", _("City")),
            ("country", _("Country")),
            ("form_of_address", _("Form of Address")),
            ("academic_title", _("Academic Title")),
            ("business_fields", _("Business Interest")),
            ("note", _("Note")),
            ("contact_type", _("Kind of Contact")),
            ("date", _("Date")),
        ]

    @api.model
    def _get_limits(self):
        """``(max bytes, max rows)`` of a list; system parameters, read with sudo as
        salespeople may not read system parameters."""
        params = self.env["ir.config_parameter"].sudo()
        max_mb = int(params.get_param("crm_phases.visitor_import_max_mb", 20) or 20)
        max_rows = int(
            params.get_param("crm_phases.visitor_import_max_rows", 50000) or 50000
        )
        return max_mb * 1024 * 1024, max_rows

    @api.model
    def _get_background_threshold(self):
        """Lists with more rows are imported by background jobs
        (``crm.campaign.import.run``), smaller ones at once."""
        params = self.env["ir.config_parameter"].sudo()
        return int(
            params.get_param("crm_phases.visitor_import_background_rows", 1000) or 0
        )

    # Parsing

    @api.model
    def _parse_visitor_file(self, content, filename):
        """``(headers, rows, meta)`` of a CSV or XLSX file: text cells, rows without
        any value left out, each row with its line number in ``meta['lines']``;
        ``meta`` also tells the format, encoding and delimiter found."""
        max_bytes, max_rows = self._get_limits()
        if not content:
            raise UserError(_("The file is empty."))
        if len(content) > max_bytes:
            raise UserError(
                _(
                    "The file is too large (%(size)s MB, at most %(max)s MB): split "
                    "the list into several files.",
                    size=round(len(content) / 1024 / 1024, 1),
                    max=max_bytes // 1024 // 1024,
                )
            )
        if self._is_xlsx(content, filename):
            table, meta = self._read_xlsx(content, max_rows), {"format": "xlsx"}
        else:
            table, meta = self._read_csv(content, max_rows)
        numbered = [
            (line, row)
            for line, row in enumerate(table, start=1)
            if any(cell for cell in row)
        ]
        if len(numbered) < 2:
            raise UserError(_("The file holds no visitor below its header row."))
        if len(numbered) - 1 > max_rows:
            raise UserError(
                _("The file has more than %s rows: split the list.", max_rows)
            )
        headers = numbered[0][1]
        width = len(headers)
        rows = [(row + [""] * width)[:width] for _line, row in numbered[1:]]
        meta["lines"] = [line for line, _row in numbered[1:]]
        return headers, rows, meta

    @api.model
    def _is_xlsx(self, content, filename):
        if (filename or "").lower().endswith((".xls", ".ods")):
            raise UserError(_("Save the list as XLSX or CSV and import it again."))
        return content[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(
            ".xlsx"
        )

    @api.model
    def _decode(self, content):
        """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else cp1252,
        the encoding of German Excel's "CSV (Trennzeichen-getrennt)"."""
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text, encoding
        raise UserError(
            _(
                "The file is neither UTF-8 nor Windows-1252 (cp1252) text: save it "
                "from Excel as CSV UTF-8 or as XLSX."
            )
        )

    @api.model
    def _read_csv(self, content, max_rows):
        text, encoding = self._decode(content)
        first_line = text.split("\n", 1)[0]
        delimiter = max([";", ",", "\t"], key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        table = []
        try:
            for row in reader:
                table.append([self._clean_cell(cell) for cell in row])
                # header + rows + a few empty lines: enough to know it is too long
                if len(table) > max_rows + 100:
                    break
        except csv.Error as error:
            raise UserError(_("The CSV file cannot be read: %s", error)) from error
        return table, {"format": "csv", "encoding": encoding, "delimiter": delimiter}

    @api.model
    def _clean_cell(self, value):
        """Cell text without surrounding spaces and without the apostrophe our own
        exports put before formula-like values."""
        value = value.strip()
        if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_PREFIXES:
            value = value[1:]
        return value

    @api.model
    def _read_xlsx(self, content, max_rows):
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise UserError(_("The XLSX file cannot be read: %s", error)) from error
        try:
            table = []
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                table.append([self._xlsx_cell(value) for value in values])
                if len(table) > max_rows + 100:
                    break
        finally:
            workbook.close()
        return table

    @api.model
    def _xlsx_cell(self, value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return self._clean_cell(str(value))

    # Mapping

    @api.model
    def _guess_targets(self, headers, remembered=None):
        """Target of each column: the one remembered for its header, else guessed
        from German and English header names; a target is given once."""
        remembered = remembered or {}
        guesses = {
            alias: target
            for target, aliases in HEADER_GUESSES.items()
            for alias in aliases
        }
        keys = [header_key(header) for header in headers]
        if any(guesses.get(key) == "firstname" for key in keys):
            # "Name" beside "Vorname" is the last name
            guesses["name"] = "lastname"
        targets, taken = [], set()
        for key in keys:
            target = remembered[key] if key in remembered else guesses.get(key)
            targets.append(target if target and target not in taken else False)
            taken.add(target)
        return targets

    @api.model
    def _check_targets(self, targets):
        allowed = dict(self._get_targets())
        chosen = [target for target in targets if target]
        if unknown := set(chosen) - set(allowed):
            raise UserError(_("Unknown import targets: %s", ", ".join(unknown)))
        if len(chosen) != len(set(chosen)):
            raise UserError(_("Each target may be chosen for one column only."))
        if not {"email", "name", "lastname", "firstname"} & set(chosen):
            raise UserError(
                _(
                    "The list needs a column for the e-mail address or the name of "
                    "the visitors: map one."
                )
            )

    @api.model
    def _map_visitor_rows(self, rows, targets, defaults):
        """Visitor values (as ``crm.campaign.activity._register_visitors`` takes
        them) and errors of the rows: ``(vals_list, errors)``, a rejected row has
        ``None`` and its reason in ``errors[index]``. ``defaults``: campaign, date,
        kind of contact and salesperson of the rows that do not say."""
        self._check_targets(targets)
        lookups = self._prepare_lookups()
        vals_list, errors = [], {}
        for index, row in enumerate(rows):
            record = {
                target: value
                for target, value in zip(targets, row, strict=True)
                if target and value
            }
            try:
                vals_list.append(self._map_visitor_row(record, lookups, defaults))
            except UserError as error:
                vals_list.append(None)
                errors[index] = error.args[0]
        return vals_list, errors

    @api.model
    def _map_visitor_row(self, record, lookups, defaults):
        partner_vals = {key: record[key] for key in PARTNER_TARGETS if key in record}
        self._check_row_identity(partner_vals)
        if "country" in record:
            partner_vals["country_id"] = self._lookup(
                lookups["country"], record["country"], _("Country")
            )
        if "form_of_address" in record:
            partner_vals["form_of_address"] = self._lookup(
                FORMS_OF_ADDRESS, record["form_of_address"], _("Form of address")
            )
        visitor = dict(defaults, partner_vals=partner_vals)
        if "business_fields" in record:
            field_ids = self._map_business_fields(record["business_fields"], lookups)
            visitor["business_field_ids"] = [Command.set(field_ids)]
        if "contact_type" in record:
            visitor["contact_type"] = self._lookup(
                lookups["contact_type"], record["contact_type"], _("Kind of contact")
            )
        if "date" in record:
            visitor["date"] = self._parse_date(record["date"])
        if "note" in record:
            visitor["note"] = record["note"]
        return visitor

    @api.model
    def _check_row_identity(self, partner_vals):
        email = partner_vals.get("email")
        if email:
            normalized = email_normalize(email, strict=True)
            if not normalized or not single_email_re.match(email):
                raise UserError(_("Invalid e-mail address: %s", email))
        if not (email or partner_vals.get("name") or partner_vals.get("lastname")):
            raise UserError(_("Neither a last name nor an e-mail address."))

    @api.model
    def _lookup(self, table, value, what):
        key = header_key(value)
        if key not in table:
            raise UserError(_("%(what)s unknown: %(value)s", what=what, value=value))
        return table[key]

    @api.model
    def _map_business_fields(self, value, lookups):
        names = [name for name in value.replace(";", ",").split(",") if name.strip()]
        return [
            self._lookup(lookups["business_field"], name, _("Business interest"))
            for name in names
        ]

    @api.model
    def _parse_date(self, value):
        """A date or date and time of the list in the user's time zone, as UTC."""
        for date_format in DATE_FORMATS:
            try:
                moment = datetime.strptime(value, date_format)
            except ValueError:
                continue
            timezone = pytz.timezone(
                self.env.context.get("tz") or self.env.user.tz or "UTC"
            )
            return timezone.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
        raise UserError(_("Invalid date: %s (expected e.g. 12.09.2025)", value))

    @api.model
    def _get_lookup_langs(self):
        """Languages whose names of countries, business fields and kinds of contact
        a list may use: the active ones (German only where a German variant is
        active: de_DE, de_AT, de_CH) and the English source terms."""
        return ["en_US"] + [
            code
            for code, _name in self.env["res.lang"].get_installed()
            if code != "en_US"
        ]

    @api.model
    def _prepare_lookups(self):
        """Countries, business fields and kinds of contact by every name a list may
        give them (code and the name in each language of ``_get_lookup_langs``),
        with one query per model and language."""
        lookups = defaultdict(dict)
        for lang in self._get_lookup_langs():
            countries = self.env["res.country"].with_context(lang=lang).search([])
            for country in countries:
                lookups["country"][header_key(country.name)] = country.id
                lookups["country"][header_key(country.code)] = country.id
            fields_ = self.env["crm.business.field"].with_context(lang=lang).search([])
            for field in fields_:
                lookups["business_field"][header_key(field.name)] = field.id
                if field.code:
                    lookups["business_field"][header_key(field.code)] = field.id
            Activity = self.env["crm.campaign.activity"].with_context(lang=lang)
            for key, label in Activity._fields["contact_type"]._description_selection(
                Activity.env
            ):
                lookups["contact_type"][header_key(label)] = key
                lookups["contact_type"][header_key(key)] = key
        return lookups

    # Matching and registering

    @api.model
    def _classify_visitors(self, vals_list):
        """Per visitor ``(status, partner, message)`` without writing anything:
        ``'new'``, ``'update'`` (the matched contact), ``'duplicate'`` (of an earlier
        row of the list, merged into it), ``'registered'`` (already registered for
        the campaign) or ``'ambiguous'``; ``None`` stays ``None``."""
        Partner = self.env["res.partner"]
        present = [index for index, vals in enumerate(vals_list) if vals]
        partner_vals = [vals_list[index]["partner_vals"] for index in present]
        matches = Partner._crm_phases_find_matches(partner_vals)
        identities = self._visitor_identities(partner_vals)
        result = [None] * len(vals_list)
        first_of = {}
        for index, (partners, reason), identity in zip(
            present, matches, identities, strict=True
        ):
            identity = identity or index
            if identity in first_of:
                result[index] = (
                    "duplicate",
                    partners if reason in ("email", "name_company") else Partner,
                    first_of[identity],
                )
                continue
            first_of[identity] = index
            if reason == "ambiguous":
                result[index] = (
                    "ambiguous",
                    partners,
                    self._ambiguous_message(partners),
                )
            else:
                result[index] = ("update" if partners else "new", partners, "")
        self._mark_registered(vals_list, result)
        return result

    @api.model
    def _visitor_identities(self, partner_vals):
        """Who a row is, within the list: its normalised e-mail, else its name and
        company (as the creation of contacts tells new visitors apart)."""
        keys = self.env["res.partner"]._crm_phases_match_key_of_vals(partner_vals)
        return [
            email_normalize(vals.get("email") or "", strict=False) or key
            for vals, key in zip(partner_vals, keys, strict=True)
        ]

    @api.model
    def _ambiguous_message(self, partners):
        """A list cannot say which contact is meant: the row is rejected."""
        return _(
            "%s Choose the contact in the booth capture (Register Visitor) or fix "
            "the list (e-mail address, company).",
            self.env["res.partner"]._crm_phases_ambiguous_message(partners),
        )

    @api.model
    def _mark_registered(self, vals_list, result):
        """Visitors whose contact is already registered for the campaign (the same
        list imported twice) are not registered again."""
        matched = [
            (vals["campaign_id"], status[1].id)
            for vals, status in zip(vals_list, result, strict=True)
            if status and status[0] == "update"
        ]
        if not matched:
            return
        existing = self.env["crm.campaign.activity"].search_fetch(
            [
                ("campaign_id", "in", list({pair[0] for pair in matched})),
                ("partner_id", "in", list({pair[1] for pair in matched})),
                ("state", "!=", "cancelled"),
            ],
            ["campaign_id", "partner_id"],
        )
        pairs = {
            (activity.campaign_id.id, activity.partner_id.id) for activity in existing
        }
        for index, (vals, status) in enumerate(zip(vals_list, result, strict=True)):
            if (
                status
                and status[0] == "update"
                and (vals["campaign_id"], status[1].id) in pairs
            ):
                result[index] = ("registered", status[1], "")

    @api.model
    def _import_visitors(self, vals_list, errors=None):
        """Register the visitors in chunks, each in a savepoint; a failing chunk is
        retried row by row so that one bad row does not lose the others.

        Returns ``{'created', 'updated', 'skipped', 'rejected': counts, 'errors':
        {index: reason}}``; ``errors`` are the reasons already known (mapping)."""
        errors = dict(errors or {})
        classified = self._classify_visitors(vals_list)
        todo, skipped = [], 0
        for index, status in enumerate(classified):
            if not status:
                continue
            kind, partners, message = status
            if kind == "ambiguous":
                errors[index] = message
            elif kind in ("duplicate", "registered"):
                skipped += 1
                if kind == "duplicate":
                    self._merge_duplicate(vals_list[message], vals_list[index])
            else:
                todo.append(index)
        visitors = {
            index: self._prepare_registration(vals_list[index], classified[index])
            for index in todo
        }
        self._prefetch_matched_partners(classified)
        done = self._register_in_chunks(visitors, errors)
        return {
            "created": sum(1 for index in done if classified[index][0] == "new"),
            "updated": sum(1 for index in done if classified[index][0] == "update"),
            "skipped": skipped,
            "rejected": len(errors),
            "errors": errors,
        }

    @api.model
    def _prefetch_matched_partners(self, classified):
        """Read the known contacts at once: they are completed one by one."""
        Partner = self.env["res.partner"]
        matched = Partner.browse(
            {status[1].id for status in classified if status and status[0] == "update"}
        )
        matched.fetch(Partner._crm_phases_visitor_fields())

    @api.model
    def _merge_duplicate(self, first, duplicate):
        """The data of a repeated row completes the first row of the visitor."""
        for key, value in duplicate["partner_vals"].items():
            first["partner_vals"].setdefault(key, value)

    @api.model
    def _prepare_registration(self, vals, status):
        kind, partners, _message = status
        if kind == "update":
            return dict(vals, partner_id=partners.id)
        return dict(vals, create_partner=True)

    @api.model
    def _register_in_chunks(self, visitors, errors):
        """Indexes registered; the reason of each row that failed goes to
        ``errors``."""
        Activity = self._get_activity_model()
        indexes = list(visitors)
        done = []
        for start in range(0, len(indexes), self._chunk_size):
            chunk = indexes[start : start + self._chunk_size]
            try:
                with self.env.cr.savepoint():
                    Activity._register_visitors([visitors[index] for index in chunk])
                done += chunk
            except Exception:  # noqa: BLE001 - retried row by row below
                done += self._register_one_by_one(visitors, chunk, errors)
        return done

    @api.model
    def _get_activity_model(self):
        """The campaign activity is the history of an imported contact: no
        "created" note on each, and the importing user does not follow them all."""
        return self.env["crm.campaign.activity"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )

    @api.model
    def _register_one_by_one(self, visitors, chunk, errors):
        Activity = self._get_activity_model()
        done = []
        for index in chunk:
            try:
                with self.env.cr.savepoint():
                    Activity._register_visitors([visitors[index]])
                done.append(index)
            except Exception as error:  # noqa: BLE001 - reported for the row
                errors[index] = self._error_message(error)
        return done

    @api.model
    def _error_message(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        return _("The row could not be saved: %s", error)

    # Rejected rows

    @api.model
    def _rejected_rows_file(self, headers, rows, errors, meta):
        """The rejected rows in the format of the list, with the column "Error"
        added: ``(content, mimetype, extension)``."""
        header = [*headers, _("Error")]
        rejected = [[*rows[index], errors[index]] for index in sorted(errors)]
        Export = self.env["mailmerge.export"]
        if meta.get("format") == "xlsx":
            return Export._export_xlsx(header, rejected), XLSX_MIMETYPE, "xlsx"
        return Export._export_csv(header, rejected), "text/csv", "csv"
