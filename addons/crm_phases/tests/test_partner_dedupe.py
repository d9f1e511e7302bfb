from odoo.exceptions import UserError
from odoo.tests import tagged, users

from ..models.res_partner import normalize_match_text
from .common import CrmPhasesCampaignCase


@tagged("post_install", "-at_install")
class TestPartnerDedupe(CrmPhasesCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_kaelte = cls.env["res.partner"].create(
            [{"name": "Kältetechnik Weiß Süd GmbH", "is_company": True}]
        )
        cls.partner_weiss = cls.env["res.partner"].create(
            [
                {
                    "firstname": "Jürgen",
                    "lastname": "Weiß",
                    "parent_id": cls.company_kaelte.id,
                }
            ]
        )

    def find(self, vals_list):
        return self.env["res.partner"]._crm_phases_find_matches(vals_list)

    def test_normalize(self):
        for text in ["Müller", "Mueller", "MÜLLER", "  mÜller "]:
            self.assertEqual(normalize_match_text(text), "mueller")
        self.assertEqual(normalize_match_text("Weiß  Straße"), "weiss strasse")
        self.assertEqual(normalize_match_text("Renée Légère"), "renee legere")
        self.assertEqual(normalize_match_text(False), "")

    @users("fair_salesman")
    def test_same_email_other_case(self):
        [(partners, reason)] = self.find(
            [{"name": "H. Müller", "email": "  h.mueller@SONNENSCHEIN-test.example "}]
        )
        self.assertEqual(partners, self.partner_mueller)
        self.assertEqual(reason, "email")

    @users("fair_salesman")
    def test_umlaut_name_and_company(self):
        [(partners, reason)] = self.find(
            [
                {
                    "firstname": "JUERGEN",
                    "lastname": "weiss",
                    "company_name": "Kaeltetechnik  WEISS sued gmbh",
                }
            ]
        )
        self.assertEqual(partners, self.partner_weiss)
        self.assertEqual(reason, "name_company")

    @users("fair_salesman")
    def test_word_order_and_parent(self):
        [(partners, reason)] = self.find(
            [{"name": "Müller Hans", "parent_id": self.company_sonnenschein.id}]
        )
        self.assertEqual((partners, reason), (self.partner_mueller, "name_company"))

    @users("fair_salesman")
    def test_same_name_other_company(self):
        [(partners, reason)] = self.find(
            [{"name": "Hans Müller", "company_name": "Schattenseite GmbH"}]
        )
        self.assertFalse(partners)
        self.assertIsNone(reason)

    @users("fair_salesman")
    def test_ambiguous(self):
        twin = self.env["res.partner"].create(
            [{"name": "Hans Mueller", "company_name": "Sonnenschein Test AG"}]
        )
        [(partners, reason)] = self.find(
            [{"name": "hans müller", "company_name": "Sonnenschein Test AG"}]
        )
        self.assertEqual(reason, "ambiguous")
        self.assertEqual(partners, self.partner_mueller | twin)

    @users("fair_salesman")
    def test_shared_email_told_apart_by_name(self):
        """Two people on one company address: name + company decides."""
        shared = "info@sonnenschein-test.example"
        anna, bernd = self.env["res.partner"].create(
            [
                {
                    "name": "Anna Schmidt",
                    "email": shared,
                    "parent_id": self.company_sonnenschein.id,
                },
                {
                    "name": "Bernd Schulz",
                    "email": shared,
                    "parent_id": self.company_sonnenschein.id,
                },
            ]
        )
        matches = self.find(
            [
                {
                    "name": "Anna Schmidt",
                    "email": "INFO@sonnenschein-test.example",
                    "company_name": "Sonnenschein Test AG",
                },
                {"name": "Carla Neu", "email": shared},
            ]
        )
        self.assertEqual(matches[0], (anna, "email"))
        self.assertEqual(matches[1], (anna | bernd, "ambiguous"))

    @users("fair_salesman")
    def test_name_without_company_is_ambiguous(self):
        """A name alone is never the same person: proposed, not taken."""
        private = self.env["res.partner"].create([{"name": "Petra Sommer"}])
        [(partners, reason)] = self.find([{"name": "Petra Sommer"}])
        self.assertEqual((partners, reason), (private, "ambiguous"))
        [(partners, reason)] = self.find(
            [{"firstname": "Petra", "lastname": "Sommer", "email": "p@sommer.example"}]
        )
        self.assertEqual((partners, reason), (private, "ambiguous"))

    @users("fair_salesman")
    def test_name_and_company_with_other_email_is_ambiguous(self):
        matches = self.find(
            [
                {
                    "name": "Hans Müller",
                    "company_name": "Sonnenschein Test AG",
                    "email": "hans.mueller@privat.example",
                },
                # no e-mail on one side: no conflict
                {"name": "Hans Müller", "company_name": "Sonnenschein Test AG"},
                {
                    "name": "Jürgen Weiß",
                    "company_name": "Kältetechnik Weiß Süd GmbH",
                    "email": "j.weiss@kaelte.example",
                },
            ]
        )
        self.assertEqual(
            matches,
            [
                (self.partner_mueller, "ambiguous"),
                (self.partner_mueller, "name_company"),
                (self.partner_weiss, "name_company"),
            ],
        )

    @users("fair_salesman")
    def test_email_is_the_same_person_whatever_the_name(self):
        [(partners, reason)] = self.find(
            [{"name": "Johann Müller", "email": "H.MUELLER@sonnenschein-test.example"}]
        )
        self.assertEqual((partners, reason), (self.partner_mueller, "email"))

    @users("fair_salesman")
    def test_resolve_never_takes_an_ambiguous_match(self):
        Partner = self.env["res.partner"]
        Partner.create([{"name": "Petra Sommer", "email": "petra@privat.example"}])
        count = Partner.search_count([])
        with self.assertRaisesRegex(UserError, "Petra Sommer"):
            Partner._crm_phases_resolve_visitors(
                [{"partner_vals": {"name": "Petra Sommer", "phone": "+49 1"}}]
            )
        [partner] = Partner._crm_phases_resolve_visitors(
            [{"partner_vals": {"name": "Petra Sommer"}, "create_partner": True}]
        )
        self.assertEqual(Partner.search_count([]), count + 1)
        self.assertFalse(partner.email)

    @users("fair_salesman")
    def test_confirmed_fields_overwrite_but_never_empty(self):
        self.partner_mueller.write({"form_of_address": "mr", "academic_title": "Dr."})
        Partner = self.env["res.partner"]
        overwrite = ["form_of_address", "academic_title"]
        Partner._crm_phases_resolve_visitors(
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "partner_vals": {"form_of_address": False, "academic_title": ""},
                    "overwrite_partner_fields": overwrite,
                }
            ]
        )
        self.assertRecordValues(
            self.partner_mueller, [{"form_of_address": "mr", "academic_title": "Dr."}]
        )
        Partner._crm_phases_resolve_visitors(
            [
                {
                    "partner_id": self.partner_mueller.id,
                    "partner_vals": {"academic_title": "Prof. Dr.", "phone": "+49 2"},
                    "overwrite_partner_fields": overwrite,
                    "update_partner": False,
                }
            ]
        )
        self.assertRecordValues(
            self.partner_mueller,
            [{"academic_title": "Prof. Dr.", "phone": False}],
        )

    @users("fair_salesman")
    def test_no_data_no_match(self):
        self.assertEqual(self.find([{}]), [(self.env["res.partner"], None)])

    def test_key_follows_company_rename(self):
        self.company_sonnenschein.name = "Sonnenschein Neu AG"
        self.assertEqual(
            self.partner_mueller.name_company_key, "hans mueller|sonnenschein neu ag"
        )

    @users("fair_salesman")
    def test_batch_query_count(self):
        """Two searches for the whole list, however long it is (and one read of the
        user's companies for the record rule)."""

        def batch(size):
            rows = [
                {"name": f"Besucher {i}", "email": f"besucher{i}@example.com"}
                for i in range(size)
            ]
            rows[0] = {
                "name": "Hans Müller",
                "email": "h.mueller@sonnenschein-test.example",
            }
            rows[1] = {
                "firstname": "Jürgen",
                "lastname": "Weiß",
                "company_name": "Kältetechnik Weiß Süd GmbH",
            }
            return rows

        self.find(batch(2))  # warm the caches of rules
        self.env.invalidate_all()
        with self.assertQueryCount(fair_salesman=3):
            small = self.find(batch(10))
        self.env.invalidate_all()
        with self.assertQueryCount(fair_salesman=3):
            large = self.find(batch(1000))
        self.assertEqual(len(large), 1000)
        for matches in (small, large):
            self.assertEqual(matches[0], (self.partner_mueller, "email"))
            self.assertEqual(matches[1], (self.partner_weiss, "name_company"))
            self.assertFalse(any(reason for _partners, reason in matches[2:]))

    @users("fair_salesman")
    def test_resolve_links_fills_and_creates_once(self):
        Partner = self.env["res.partner"]
        partners = Partner._crm_phases_resolve_visitors(
            [
                {
                    "partner_vals": {
                        "name": "Hans Mueller",
                        "email": "H.MUELLER@sonnenschein-test.example",
                        "phone": "+49 761 1",
                    }
                },
                {
                    "partner_vals": {
                        "firstname": "Lena",
                        "lastname": "Neu",
                        "email": "lena.neu@example.com",
                        "company_name": "sonnenschein test ag",
                    }
                },
                {"partner_vals": {"name": "Lena Neu", "email": "Lena.Neu@example.com"}},
            ]
        )
        self.assertEqual(partners[0], self.partner_mueller)
        self.assertEqual(self.partner_mueller.phone, "+49 761 1")
        self.assertEqual(self.partner_mueller.name, "Hans Müller")
        self.assertEqual(partners[1], partners[2])
        self.assertRecordValues(
            partners[1],
            [
                {
                    "firstname": "Lena",
                    "lastname": "Neu",
                    "parent_id": self.company_sonnenschein.id,
                }
            ],
        )
