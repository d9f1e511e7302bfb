import base64

from odoo import Command
from odoo.tests import tagged, users

from .common import CrmPhasesCampaignCase
from .test_visitor_import import make_csv

HEADERS = ["Nachname", "E-Mail", "Land", "Interesse", "Kontaktart"]


@tagged("post_install", "-at_install")
class TestVisitorImportLanguages(CrmPhasesCampaignCase):
    """Countries, business fields and kinds of contact are recognised in the
    languages the database has active (and in English), whichever they are."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.germany = cls.env.ref("base.de")
        cls.switzerland = cls.env.ref("base.ch")
        cls.field_pellet = cls.env.ref("crm_phases.business_field_pellet")

    def _keep_only_langs(self, codes):
        """Activate ``codes`` (with their translations) and deactivate every other
        language, as in a database set up with only those."""
        Lang = self.env["res.lang"].with_context(active_test=False)
        for code in codes:
            Lang._activate_lang(code)
        if codes != ["en_US"]:
            self.env["ir.module.module"]._load_module_terms(
                ["base", "crm_phases"], [code for code in codes if code != "en_US"]
            )
        kept = Lang.search([("code", "in", codes)])
        others = Lang.search([("active", "=", True), ("code", "not in", codes)])
        # nobody (no user, contact, website) may speak a language that is deactivated
        self.env["website"].search([]).write(
            {"language_ids": [Command.set(kept.ids)], "default_lang_id": kept[0].id}
        )
        self.env["res.users"].with_context(active_test=False).search(
            [("lang", "in", others.mapped("code"))]
        ).lang = codes[0]
        self.env["res.partner"].with_context(active_test=False).search(
            [("lang", "in", others.mapped("code"))]
        ).lang = codes[0]
        others.active = False
        self.assertEqual(
            sorted(code for code, _name in Lang.get_installed()), sorted(codes)
        )

    def _import(self, rows):
        wizard = self.env["crm.campaign.import.wizard"].create(
            [
                {
                    "campaign_id": self.campaign.id,
                    "file": base64.b64encode(make_csv([HEADERS, *rows])),
                    "filename": "besucher.csv",
                }
            ]
        )
        wizard.action_load()
        wizard.action_import()
        return wizard

    def _activity(self, email):
        return self.env["crm.campaign.activity"].search(
            [("campaign_id", "=", self.campaign.id), ("partner_id.email", "=", email)]
        )

    # the same list (codes and English names) in both databases
    ENGLISH_ROWS = [
        ["Adler", "adler@example.com", "DE", "SOLAR", "booth"],
        [
            "Berg",
            "berg@example.com",
            "Germany",
            "Geothermal Energy",
            "Booth Conversation",
        ],
        ["Christ", "christ@example.com", "Switzerland", "Pellet Heating", ""],
    ]

    def _assert_english_rows(self):
        self.assertRecordValues(
            self._activity("adler@example.com").partner_id,
            [{"country_id": self.germany.id}],
        )
        self.assertEqual(
            self._activity("adler@example.com").business_field_ids, self.field_solar
        )
        self.assertRecordValues(
            self._activity("berg@example.com"), [{"contact_type": "booth"}]
        )
        self.assertEqual(
            self._activity("berg@example.com").business_field_ids,
            self.field_geothermal,
        )
        self.assertRecordValues(
            self._activity("christ@example.com").partner_id,
            [{"country_id": self.switzerland.id}],
        )

    def test_only_english_active(self):
        self._keep_only_langs(["en_US"])
        wizard = self._import(
            [*self.ENGLISH_ROWS, ["Dorn", "dorn@example.com", "Deutschland", "", ""]]
        )
        self.assertRecordValues(
            wizard, [{"state": "done", "created_count": 3, "rejected_count": 1}]
        )
        self._assert_english_rows()
        # German names are unknown where no German is active: a reason, no crash
        self.assertEqual(
            wizard.row_ids.mapped("message"), ["Country unknown: Deutschland"]
        )

    def test_only_swiss_german_active(self):
        self._keep_only_langs(["de_CH"])
        wizard = self._import(
            [
                *self.ENGLISH_ROWS,
                ["Dorn", "dorn@example.com", "Deutschland", "Geothermie", ""],
                ["Egli", "egli@example.com", "Schweiz", "Pellet-Heizungen", ""],
            ]
        )
        self.assertRecordValues(
            wizard, [{"state": "done", "created_count": 5, "rejected_count": 0}]
        )
        self._assert_english_rows()
        self.assertRecordValues(
            self._activity("dorn@example.com").partner_id,
            [{"country_id": self.germany.id}],
        )
        self.assertEqual(
            self._activity("dorn@example.com").business_field_ids,
            self.field_geothermal,
        )
        self.assertRecordValues(
            self._activity("egli@example.com").partner_id,
            [{"country_id": self.switzerland.id}],
        )
        self.assertEqual(
            self._activity("egli@example.com").business_field_ids, self.field_pellet
        )

    @users("fair_salesman")
    def test_lookup_langs_are_the_active_ones(self):
        Import = self.env["crm.campaign.visitor.import"]
        active = [code for code, _name in self.env["res.lang"].get_installed()]
        self.assertEqual(Import._get_lookup_langs()[0], "en_US")
        self.assertEqual(sorted(Import._get_lookup_langs()), sorted({"en_US", *active}))
