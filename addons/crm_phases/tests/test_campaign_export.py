import base64
import csv
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestCampaignExport(CrmPhasesCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_mueller.write(
            {
                "phone": "+49 761 123450",
                "city": "Freiburg im Breisgau",
                "country_id": cls.env.ref("base.de").id,
            }
        )
        cls.partner_evil = cls.env["res.partner"].create(
            [
                {
                    "firstname": '=HYPERLINK("http://evil.example";"Klick")',
                    "lastname": "@Angreifer",
                    "city": "-2+3",
                }
            ]
        )
        cls.partner_cancelled = cls.env["res.partner"].create([{"name": "Storniert"}])
        cls.env["crm.campaign.activity"].create(
            [
                {
                    "campaign_id": cls.campaign.id,
                    "partner_id": cls.partner_mueller.id,
                    "user_id": False,
                },
                {"campaign_id": cls.campaign.id, "partner_id": cls.partner_mueller.id},
                {
                    "campaign_id": cls.campaign.id,
                    "partner_id": cls.partner_evil.id,
                    "user_id": cls.user_fair_salesman.id,
                },
                {
                    "campaign_id": cls.campaign.id,
                    "partner_id": cls.partner_cancelled.id,
                    "state": "cancelled",
                },
            ]
        )
        cls.fields = [
            "lastname",
            "firstname",
            "commercial_company_name",
            "email",
            "phone",
            "country_id",
        ]

    def test_offered_fields(self):
        offered = dict(self.env["res.partner"]._crm_phases_export_fields())
        for name in [
            "name",
            "firstname",
            "lastname",
            "commercial_company_name",
            "email",
            "phone",
            "street",
            "zip",
            "city",
            "country_id",
        ]:
            self.assertIn(name, offered)
        self.assertEqual(offered["commercial_company_name"], "Company")
        for name in ["form_of_address", "academic_title", "letter_salutation"]:
            self.assertEqual(name in offered, name in self.env["res.partner"]._fields)

    @users("fair_manager")
    def test_csv(self):
        attachment = self.campaign.with_env(self.env)._export_contacts(
            self.fields, "csv"
        )
        self.assertEqual(attachment.mimetype, "text/csv")
        self.assertEqual(attachment.name, "Intersolar Test contacts.csv")
        raw = attachment.raw
        self.assertTrue(
            raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for German Excel"
        )
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(
            rows[0], ["Last name", "First name", "Company", "Email", "Phone", "Country"]
        )
        self.assertEqual(
            rows[1:],
            [
                [
                    "'@Angreifer",
                    '\'=HYPERLINK("http://evil.example";"Klick")',
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "Müller",
                    "Hans",
                    "Sonnenschein Test AG",
                    "H.Mueller@Sonnenschein-Test.example",
                    "'+49 761 123450",
                    "Germany",
                ],
            ],
        )

    @users("fair_manager")
    def test_xlsx(self):
        attachment = self.campaign.with_env(self.env)._export_contacts(
            ["name", "city", "email"], "xlsx"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual([c.value for c in sheet[1]], ["Name", "City", "Email"])
        self.assertTrue(sheet["A1"].font.bold)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:C3")
        evil_name, evil_city = sheet["A2"], sheet["B2"]
        self.assertEqual(
            evil_name.value, '=HYPERLINK("http://evil.example";"Klick") @Angreifer'
        )
        self.assertEqual(evil_name.data_type, "s")
        self.assertEqual((evil_city.value, evil_city.data_type), ("-2+3", "s"))
        self.assertEqual(
            [c.value for c in sheet[3]],
            [
                "Hans Müller",
                "Freiburg im Breisgau",
                "H.Mueller@Sonnenschein-Test.example",
            ],
        )

    @users("fair_salesman")
    def test_wizard(self):
        """The salesperson exports the contacts they see, with the default fields."""
        wizard = Form(
            self.env["crm.campaign.export.wizard"].with_context(
                default_campaign_id=self.campaign.id
            )
        ).save()
        exported = wizard.line_ids.filtered("export").mapped("field_name")
        self.assertEqual(
            exported[:4], ["name", "firstname", "lastname", "commercial_company_name"]
        )
        self.assertNotIn("mobile", exported)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        content = base64.b64decode(
            self.env["ir.attachment"].browse(attachment_id).datas
        )
        # own and unassigned activities: both contacts, the cancelled one left out
        self.assertIn(b"Angreifer", content)
        self.assertIn("Müller".encode(), content)
        self.assertNotIn(b"Storniert", content)

    @users("fair_salesman")
    def test_unknown_field_refused(self):
        with self.assertRaises(UserError):
            self.campaign.with_env(self.env)._export_contacts(["password"], "csv")
