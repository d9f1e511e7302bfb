import base64
import csv
import io
from unittest.mock import patch

import openpyxl
import xlsxwriter

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged, users

from .common import CrmPhasesCampaignCase

GERMAN_HEADERS = [
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "Firma",
    "E-Mail",
    "Straße",
    "PLZ",
    "Ort",
    "Land",
    "Interesse",
    "Bemerkung",
]


def make_csv(rows, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def make_xlsx(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Besucher")
    for row_index, row in enumerate(rows):
        for col, value in enumerate(row):
            sheet.write(row_index, col, value)
    workbook.close()
    return buffer.getvalue()


def read_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@tagged("post_install", "-at_install")
class TestVisitorImport(CrmPhasesCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_scanner = cls.env["utm.source"].create(
            [{"name": "Badge-Scanner Intersolar"}]
        )
        cls.Import = cls.env["crm.campaign.visitor.import"]

    def _wizard(self, content, filename="besucher.csv", source=None):
        wizard = self.env["crm.campaign.import.wizard"].create(
            [
                {
                    "campaign_id": self.campaign.id,
                    "source_id": source and source.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            ]
        )
        wizard.action_load()
        return wizard

    def _activities(self):
        return self.env["crm.campaign.activity"].search(
            [("campaign_id", "=", self.campaign.id)]
        )

    # Formats

    @users("fair_salesman")
    def test_utf8_bom_semicolon_german_headers(self):
        content = make_csv(
            [
                GERMAN_HEADERS,
                [
                    "Frau",
                    "Prof. Dr.",
                    "Jördis",
                    "Weiß",
                    "Wärmepumpen Süd GmbH",
                    "j.weiss@waermepumpen-sued.example",
                    "Hauptstraße 1",
                    "80331",
                    "München",
                    "DE",
                    "Solar, GEO",
                    "Will eine PV-Anlage",
                ],
            ]
        )
        headers, rows, meta = self.Import._parse_visitor_file(content, "list.csv")
        self.assertEqual(headers[6], "Straße")
        self.assertEqual(meta["encoding"], "utf-8-sig")
        self.assertEqual(meta["delimiter"], ";")
        wizard = self._wizard(content)
        self.assertEqual(
            wizard.column_ids.mapped("target"),
            [
                "form_of_address",
                "academic_title",
                "firstname",
                "lastname",
                "company_name",
                "email",
                "street",
                "zip",
                "city",
                "country",
                "business_fields",
                "note",
            ],
        )
        self.assertIn("UTF-8", wizard.file_info)
        wizard.action_import()
        self.assertRecordValues(wizard, [{"created_count": 1, "rejected_count": 0}])
        activity = self._activities()
        self.assertEqual(
            activity.business_field_ids, self.field_solar + self.field_geothermal
        )
        self.assertEqual(activity.note, "Will eine PV-Anlage")
        self.assertRecordValues(
            activity.partner_id,
            [
                {
                    "firstname": "Jördis",
                    "lastname": "Weiß",
                    "form_of_address": "ms",
                    "academic_title": "Prof. Dr.",
                    "email": "j.weiss@waermepumpen-sued.example",
                    "street": "Hauptstraße 1",
                    "zip": "80331",
                    "city": "München",
                    "country_id": self.env.ref("base.de").id,
                }
            ],
        )

    @users("fair_salesman")
    def test_utf8_comma_english_headers(self):
        content = make_csv(
            [
                [
                    "Salutation",
                    "First Name",
                    "Last Name",
                    "Company",
                    "Email",
                    "Country",
                ],
                ["Mr", "John", "Miller", "Heat Ltd", "john@heat.example", "GB"],
            ],
            delimiter=",",
            encoding="utf-8",
        )
        _headers, _rows, meta = self.Import._parse_visitor_file(content, "list.csv")
        self.assertEqual((meta["encoding"], meta["delimiter"]), ("utf-8-sig", ","))
        wizard = self._wizard(content)
        wizard.action_import()
        self.assertRecordValues(
            self._activities().partner_id,
            [
                {
                    "name": "John Miller",
                    "form_of_address": "mr",
                    "country_id": self.env.ref("base.uk").id,
                }
            ],
        )

    @users("fair_salesman")
    def test_cp1252_semicolon_umlauts(self):
        content = make_csv(
            [
                ["Vorname", "Nachname", "Firma", "Ort"],
                ["Jürgen", "Größe", "Ölbrenner Süd", "Nürnberg"],
            ],
            encoding="cp1252",
        )
        headers, rows, meta = self.Import._parse_visitor_file(content, "list.csv")
        self.assertEqual(meta["encoding"], "cp1252")
        self.assertEqual(rows, [["Jürgen", "Größe", "Ölbrenner Süd", "Nürnberg"]])
        wizard = self._wizard(content)
        self.assertIn("Windows-1252", wizard.file_info)
        wizard.action_import()
        self.assertEqual(self._activities().partner_id.name, "Jürgen Größe")

    @users("fair_salesman")
    def test_xlsx(self):
        content = make_xlsx(
            [
                ["Name", "E-Mail", "PLZ", "Datum", "Kontaktart"],
                [
                    "Klara Klima",
                    "klara@klima.example",
                    60311,
                    "12.06.2025",
                    "Telefonat",
                ],
            ]
        )
        wizard = self._wizard(content, filename="scan.xlsx")
        self.assertEqual(
            wizard.column_ids.mapped("target"),
            ["name", "email", "zip", "date", "contact_type"],
        )
        wizard.action_import()
        activity = self._activities()
        self.assertEqual(activity.partner_id.zip, "60311")
        self.assertEqual(activity.contact_type, "phone")
        self.assertEqual(
            str(fields.Datetime.context_timestamp(activity, activity.date).date()),
            "2025-06-12",
        )

    # Mapping

    @users("fair_salesman")
    def test_mapping_remembered_per_source(self):
        rows = [
            ["Badge", "Vorname", "Nachname", "Mail des Besuchers", "Gespräch"],
            ["B-17", "Eva", "Erdwärme", "eva@erdwaerme.example", "Sole-Wasser"],
        ]
        wizard = self._wizard(make_csv(rows), source=self.source_scanner)
        columns = wizard.column_ids
        self.assertEqual(
            columns.mapped("target"), [False, "firstname", "lastname", False, False]
        )
        columns[3].target = "email"
        columns[4].target = "note"
        wizard.action_import()
        self.assertEqual(self._activities().note, "Sole-Wasser")

        rows[1] = ["B-18", "Paul", "Pellet", "paul@pellet.example", "Kessel"]
        again = self._wizard(make_csv(rows), source=self.source_scanner)
        self.assertEqual(
            again.column_ids.mapped("target"),
            [False, "firstname", "lastname", "email", "note"],
        )
        other = self._wizard(make_csv(rows))
        self.assertEqual(other.column_ids[3].target, False)

    @users("fair_salesman")
    def test_missing_name_and_email_columns(self):
        with self.assertRaisesRegex(UserError, "e-mail address or the name"):
            self._wizard(make_csv([["Firma", "Ort"], ["Sonnen GmbH", "Ulm"]]))

    # Preview and matching

    @users("fair_salesman")
    def test_preview_writes_nothing_and_dedupes(self):
        content = make_csv(
            [
                ["Vorname", "Nachname", "Firma", "E-Mail"],
                # the known contact, e-mail in other case
                ["Hans", "Müller", "", "h.mueller@SONNENSCHEIN-test.example"],
                # umlaut spelled "ue", same company: the known contact
                ["Hans", "Mueller", "Sonnenschein Test AG", ""],
                # the same name at another company: a new contact
                ["Hans", "Müller", "Andere Heizung GmbH", "hans@andere.example"],
            ]
        )
        Partner = self.env["res.partner"]
        partner_count = Partner.search_count([])
        wizard = self._wizard(content)
        self.assertEqual(Partner.search_count([]), partner_count)
        self.assertFalse(self._activities())
        self.assertRecordValues(
            wizard.row_ids,
            [
                {"line": 2, "status": "update", "partner_id": self.partner_mueller.id},
                {"line": 3, "status": "update", "partner_id": self.partner_mueller.id},
                {"line": 4, "status": "new", "partner_id": False},
            ],
        )
        wizard.action_import()
        self.assertRecordValues(
            wizard, [{"created_count": 1, "updated_count": 2, "skipped_count": 0}]
        )
        activities = self._activities()
        self.assertEqual(len(activities), 3)
        self.assertEqual(Partner.search_count([]), partner_count + 1)
        self.assertEqual(len(activities.partner_id), 2)

    @users("fair_salesman")
    def test_duplicate_rows_in_file(self):
        content = make_csv(
            [
                ["Name", "E-Mail", "Telefon"],
                ["Lena Licht", "lena@licht.example", ""],
                ["Lena Licht", "LENA@licht.example", "+49 30 1234"],
                ["Lena Licht", "lena@licht.example", ""],
            ]
        )
        wizard = self._wizard(content)
        self.assertEqual(
            wizard.row_ids.mapped("status"), ["new", "duplicate", "duplicate"]
        )
        self.assertIn("row 2", wizard.row_ids[1].message)
        wizard.action_import()
        self.assertRecordValues(
            wizard, [{"created_count": 1, "skipped_count": 2, "rejected_count": 0}]
        )
        partner = self._activities().partner_id
        self.assertEqual(len(self._activities()), 1)
        # the repeated row completed the visitor
        self.assertEqual(partner.phone, "+49 30 1234")

    @users("fair_salesman")
    def test_uncertain_matches_are_rejected(self):
        """A name without company, or with another e-mail than the known contact,
        is not imported onto that contact: the row is rejected with the reason."""
        private = self.env["res.partner"].create([{"name": "Petra Sommer"}])
        content = make_csv(
            [
                ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"],
                ["Petra", "Sommer", "", "", "+49 1"],
                ["Hans", "Müller", "Sonnenschein Test AG", "hm@privat.example", ""],
                ["Hans", "Müller", "Sonnenschein Test AG", "", "+49 2"],
            ]
        )
        wizard = self._wizard(content)
        self.assertEqual(
            wizard.row_ids.mapped("status"), ["ambiguous", "ambiguous", "update"]
        )
        wizard.action_import()
        self.assertRecordValues(
            wizard, [{"created_count": 0, "updated_count": 1, "rejected_count": 2}]
        )
        self.assertEqual(self._activities().partner_id, self.partner_mueller)
        self.assertFalse(private.phone)
        rejected = read_csv(base64.b64decode(wizard.error_file))
        self.assertEqual(len(rejected), 3)
        self.assertIn("Petra Sommer", rejected[1][-1])
        self.assertIn("booth capture", rejected[1][-1])
        self.assertIn("Hans Müller", rejected[2][-1])

    @users("fair_salesman")
    def test_same_list_twice_registers_once(self):
        content = make_csv([["Name", "E-Mail"], ["Max Solar", "max@solar.example"]])
        self._wizard(content).action_import()
        again = self._wizard(content)
        again.action_import()
        self.assertRecordValues(again, [{"created_count": 0, "skipped_count": 1}])
        self.assertEqual(len(self._activities()), 1)

    # Bad input

    @users("fair_salesman")
    def test_rejected_rows_reported_and_downloadable(self):
        content = make_csv(
            [
                ["Name", "E-Mail", "Land", "Datum"],
                ["Gute Zeile", "gut@example.com", "DE", "10.06.2025"],
                ["Falsche Mail", "kein-at-zeichen", "DE", ""],
                ["", "", "DE", ""],
                ["Atlantis Person", "a@atlantis.example", "Atlantis", ""],
                ["Kaputtes Datum", "d@example.com", "", "31.02.2025"],
                ["=HYPERLINK(1)", "zwei@example.com, drei@example.com", "", ""],
            ]
        )
        wizard = self._wizard(content)
        wizard.action_import()
        self.assertRecordValues(
            wizard,
            [
                {
                    "created_count": 1,
                    "updated_count": 0,
                    "skipped_count": 0,
                    "rejected_count": 5,
                }
            ],
        )
        self.assertEqual(self._activities().partner_id.name, "Gute Zeile")
        messages = dict(
            zip(
                wizard.row_ids.mapped("line"),
                wizard.row_ids.mapped("message"),
                strict=True,
            )
        )
        self.assertIn("Invalid e-mail address: kein-at-zeichen", messages[3])
        self.assertIn("Neither a last name nor an e-mail address", messages[4])
        self.assertIn("Country unknown: Atlantis", messages[5])
        self.assertIn("Invalid date: 31.02.2025", messages[6])
        self.assertIn("Invalid e-mail address", messages[7])
        self.assertTrue(wizard.error_filename.endswith(".csv"))
        rejected = read_csv(base64.b64decode(wizard.error_file))
        self.assertEqual(rejected[0], ["Name", "E-Mail", "Land", "Datum", "Error"])
        self.assertEqual(
            [row[0] for row in rejected[1:]],
            ["Falsche Mail", "", "Atlantis Person", "Kaputtes Datum", "'=HYPERLINK(1)"],
        )
        self.assertIn("Atlantis", rejected[3][4])

    @users("fair_salesman")
    def test_rejected_rows_of_xlsx_as_xlsx(self):
        content = make_xlsx(
            [
                ["Name", "E-Mail", "PLZ"],
                ["Ohne Mail", "falsch@", 12345],
                ["Ok", "ok@example.com", 1],
            ]
        )
        wizard = self._wizard(content, filename="scan.xlsx")
        wizard.action_import()
        self.assertTrue(wizard.error_filename.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.error_file))
        ).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("Name", "E-Mail", "PLZ", "Error"))
        self.assertEqual(rows[1][:3], ("Ohne Mail", "falsch@", "12345"))

    @users("fair_salesman")
    def test_empty_file(self):
        with self.assertRaisesRegex(UserError, "empty"):
            self.Import._parse_visitor_file(b"", "list.csv")
        with self.assertRaisesRegex(UserError, "no visitor"):
            self.Import._parse_visitor_file(
                make_csv([["Name", "E-Mail"], ["", ""]]), "list.csv"
            )

    @users("fair_salesman")
    def test_file_too_large(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_phases.visitor_import_max_mb", "1"
        )
        content = make_csv([["Name", "Notiz"]] + [["X", "y" * 1000]] * 1100)
        with (
            patch("csv.reader", side_effect=AssertionError("parsed")),
            self.assertRaisesRegex(UserError, "too large"),
        ):
            self.Import._parse_visitor_file(content, "list.csv")

    @users("fair_salesman")
    def test_too_many_rows(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_phases.visitor_import_max_rows", "3"
        )
        content = make_csv([["Name"]] + [[f"Person {n}"] for n in range(5)])
        with self.assertRaisesRegex(UserError, "more than 3 rows"):
            self.Import._parse_visitor_file(content, "list.csv")

    @users("fair_salesman")
    def test_undecodable_bytes(self):
        content = b"Name;E-Mail\r\nM\x81ller;m@example.com\r\n"
        with self.assertRaisesRegex(UserError, "neither UTF-8 nor Windows-1252"):
            self.Import._parse_visitor_file(content, "list.csv")

    @users("fair_salesman")
    def test_failing_row_does_not_lose_the_chunk(self):
        content = make_csv(
            [["Name", "E-Mail"]]
            + [[f"Person {n}", f"person{n}@example.com"] for n in range(5)]
        )
        Activity = self.env.registry["crm.campaign.activity"]
        register = Activity._register_visitors

        def failing_register(activity_model, visitors):
            if any(
                v["partner_vals"]["email"] == "person3@example.com" for v in visitors
            ):
                raise ValueError("Kaputt")
            return register(activity_model, visitors)

        with patch.object(Activity, "_register_visitors", failing_register):
            wizard = self._wizard(content)
            wizard.action_import()
        self.assertRecordValues(wizard, [{"created_count": 4, "rejected_count": 1}])
        self.assertEqual(
            wizard.row_ids.mapped("message"), ["The row could not be saved: Kaputt"]
        )
        self.assertEqual(len(self._activities()), 4)

    # Volume

    def _bulk_rows(self, count, existing, tag):
        rows = [["Vorname", "Nachname", "Firma", "E-Mail", "Telefon", "PLZ", "Ort"]]
        rows += [
            # known contacts, nothing to complete
            [f"Vor{n}", f"Nach{n}", "", f"bulk{n}@example.com", "", "", ""]
            for n in range(existing)
        ]
        rows += [
            [
                f"Neu{n}",
                f"Besucher{n}",
                f"Firma {n % 50}",
                f"neu{tag}.{n}@example.com",
                f"+49 {n}",
                "10115",
                "Berlin",
            ]
            for n in range(existing, count)
        ]
        return rows

    def test_bulk_import_bounded_queries(self):
        """5 000 rows as the salesman, 30 % known contacts: the queries do not grow
        with the rows, but for the two of each new contact (partner_firstname creates
        contacts one at a time; the account default of each create)."""
        self.env["res.partner"].create(
            [
                {
                    "firstname": f"Vor{n}",
                    "lastname": f"Nach{n}",
                    "email": f"bulk{n}@example.com",
                }
                for n in range(1500)
            ]
        )
        Import = self.Import.with_user(self.user_fair_salesman)
        defaults = {"campaign_id": self.campaign.id, "contact_type": "booth"}
        fixed = []
        for size, existing in ((200, 60), (5000, 1500)):
            headers, rows, _meta = Import._parse_visitor_file(
                make_csv(self._bulk_rows(size, existing, size)), "list.csv"
            )
            vals_list, errors = Import._map_visitor_rows(
                rows, Import._guess_targets(headers), defaults
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            result = Import._import_visitors(vals_list, errors)
            self.env.flush_all()
            fixed.append(self.cr.sql_log_count - start - 2 * result["created"])
            self.assertEqual(
                (result["created"], result["updated"], result["rejected"]),
                (size - existing, existing, 0),
            )
            self.env["crm.campaign.activity"].search([]).unlink()
        # measured: 53 for 200 rows (one chunk), 232 for 5 000 (five chunks of 1 000)
        self.assertLessEqual(fixed[0], 60)
        self.assertLessEqual(fixed[1], 60 + 4 * 50)
