from odoo.tests import Form, tagged, users

from .common import CrmPhasesCase


@tagged("post_install", "-at_install")
class TestLeadPartnerMatch(CrmPhasesCase):
    """Master data first: an opportunity typed without customer proposes the existing
    contact (same dedupe as the trade-fair capture) or to create it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.partner"].create(
            [{"name": "Sonnenland Test KG", "is_company": True}]
        )
        cls.contact = cls.env["res.partner"].create(
            [
                {
                    "name": "Petra Müller-Lüdenscheidt",
                    "parent_id": cls.company.id,
                    "email": "p.mueller@sonnenland-test.example",
                }
            ]
        )

    @users("salesman")
    def test_match_by_email_case_folded(self):
        with Form(
            self.env["crm.lead"].with_context(default_type="opportunity")
        ) as form:
            form.name = "PV-Anlage"
            form.email_from = "P.Mueller@Sonnenland-Test.example"
            self.assertEqual(form.matching_partner_id.id, self.contact.id)
            self.assertEqual(form.matching_partner_reason, "email")
        lead = form.record
        lead.action_link_matching_partner()
        self.assertEqual(lead.partner_id, self.contact.with_env(self.env))
        self.assertFalse(lead.matching_partner_id)

    @users("salesman")
    def test_match_by_name_and_company_with_umlauts(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "Wärmepumpe",
                    "contact_name": "Petra Mueller-Luedenscheidt",
                    "partner_name": "SONNENLAND TEST KG",
                },
                {
                    "name": "Klima",
                    "contact_name": "Petra Müller-Lüdenscheidt",
                    "partner_name": "Regenwetter GmbH",
                },
            ]
        )
        self.assertRecordValues(
            leads,
            [
                {
                    "matching_partner_id": self.contact.id,
                    "matching_partner_reason": "name_company",
                },
                # the same name at another company is someone else
                {"matching_partner_id": False, "matching_partner_reason": False},
            ],
        )
        leads[1].action_create_customer()
        self.assertEqual(
            leads[1].partner_id.commercial_company_name, "Regenwetter GmbH"
        )
        self.assertNotEqual(leads[1].partner_id, self.contact)

    @users("salesman")
    def test_uncertain_match_is_proposed_never_linked(self):
        private = self.env["res.partner"].sudo().create([{"name": "Karl Winter"}])
        with Form(
            self.env["crm.lead"].with_context(default_type="opportunity")
        ) as form:
            form.name = "Pelletheizung"
            form.contact_name = "Karl Winter"
            self.assertEqual(form.matching_partner_reason, "ambiguous")
            self.assertEqual(form.matching_partner_ids[:], private)
            self.assertEqual(form.matching_partner_id.id, private.id)
        lead = form.record
        self.assertFalse(lead.partner_id)
        lead.action_link_matching_partner()
        self.assertEqual(lead.partner_id, private.with_env(self.env))

    @users("salesman")
    def test_other_email_at_same_company_is_uncertain(self):
        lead = self.env["crm.lead"].create(
            [
                {
                    "name": "Klima",
                    "contact_name": "Petra Müller-Lüdenscheidt",
                    "partner_name": "Sonnenland Test KG",
                    "email_from": "petra@privat.example",
                }
            ]
        )
        self.assertRecordValues(
            lead,
            [
                {
                    "partner_id": False,
                    "matching_partner_reason": "ambiguous",
                    "matching_partner_ids": self.contact.ids,
                }
            ],
        )
        lead.action_create_customer()
        self.assertNotEqual(lead.partner_id, self.contact)
        self.assertEqual(lead.partner_id.email, "petra@privat.example")

    @users("salesman")
    def test_batch_queries(self):
        """One batch of searches for all leads: 10 and 50 leads cost the same."""
        for size in (10, 50):
            leads = self.env["crm.lead"].create(
                [
                    {"name": f"Anfrage {i}", "email_from": f"x{size}-{i}@example.com"}
                    for i in range(size)
                ]
            )
            leads.invalidate_recordset()
            with self.assertQueryCount(salesman=6):
                leads.mapped("matching_partner_id")
