from unittest.mock import patch

from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import file_path

from .common import CrmPhasesProductCase

MIGRATION = "crm_phases/migrations/18.0.1.6.0/%s-migrate.py"


def _script(stage):
    return load_script(file_path(MIGRATION % stage), f"crm_phases_{stage}_1_6_0")


@tagged("post_install", "-at_install")
class TestMigration(CrmPhasesProductCase):
    """The SQL of the migration to 18.0.1.6.0 fills what the ORM would compute.

    The columns are dropped inside the test transaction (rolled back after it) to
    stand for a database of 18.0.1.0.0."""

    def _recomputed(self, records, fnames):
        """Values of ``fnames`` as the ORM computes them, then the stored ones back."""
        for fname in fnames:
            self.env.add_to_compute(records._fields[fname], records)
        records.flush_recordset(fnames)
        return [[record[fname] for fname in fnames] for record in records]

    def test_pre_migration_partner_keys(self):
        Partner = self.env["res.partner"]
        company = Partner.create([{"name": "Öko  Strom GmbH", "is_company": True}])
        partners = company | Partner.create(
            [
                {"name": "Jürgen  Müller", "parent_id": company.id},
                {"name": "Weiß Hans", "company_name": "Käse & Co KG"},
                {"name": "José Martínez", "company_name": "Énergie Sàrl"},
                {"name": "Ærøskøbing Ltd", "is_company": True},
                {"name": "Anna Schmidt"},
                {"name": "ẞtraße", "company_name": "X"},
            ]
        )
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE res_partner DROP COLUMN name_company_key")
        self.env.invalidate_all()

        _script("pre").fill_name_company_key(self.env.cr)
        left = _script("post").compute_remaining_name_company_keys(self.env)

        self.env.invalidate_all()
        stored = [[partner.name_company_key] for partner in partners]
        self.assertEqual(
            stored[:3],
            [
                ["gmbh oeko strom|"],
                ["juergen mueller|oeko strom gmbh"],
                ["hans weiss|kaese & co kg"],
            ],
        )
        self.assertEqual(stored, self._recomputed(partners, ["name_company_key"]))
        # only what SQL cannot fold exactly is left to Python
        self.assertEqual(
            set(left) & set(partners.ids), set(partners[3:5].ids + partners[6:].ids)
        )

    def test_pre_migration_leads(self):
        with_lines, with_deadline, plain = self.env["crm.lead"].create(
            [
                {
                    "name": "Zeilen",
                    "revenue_date_from": "2026-07-19",
                    "lead_line_ids": [(0, 0, self._line_vals(self.product_module, 2))],
                },
                {"name": "Termin", "date_deadline": "2027-02-11"},
                {"name": "Ohne"},
            ]
        )
        with_lines.lead_line_ids[0].category_id = self.categ_geothermal
        leads = with_lines | with_deadline | plain
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE crm_lead DROP COLUMN revenue_month; "
            "DROP TABLE crm_lead_business_field_rel"
        )
        self.env.invalidate_all()

        _script("pre").migrate(self.env.cr, "18.0.1.0.0")

        self.env.invalidate_all()
        fnames = ["revenue_month", "business_field_ids"]
        stored = [[lead[fname] for fname in fnames] for lead in leads]
        self.assertEqual(
            [(month and str(month), fields.ids) for month, fields in stored],
            [
                ("2026-07-01", (self.field_solar | self.field_geothermal).ids),
                ("2027-02-01", []),
                (False, []),
            ],
        )
        self.assertEqual(stored, self._recomputed(leads, fnames))

    def test_post_migration_won_before(self):
        stage_won = self.env["crm.stage"].create(
            [{"name": "Migration Won", "is_won": True}]
        )
        lead_class = self.registry["crm.lead"]
        with patch.object(lead_class, "_handle_newly_won", lambda leads: None):
            lead = self.env["crm.lead"].create(
                [{"name": "Vor der Installation", "stage_id": stage_won.id}]
            )
            lead.date_closed = "2024-01-02 03:04:05"
        self.assertFalse(lead.won_handled_date)

        _script("post").migrate(self.env.cr, "18.0.1.0.0")

        self.assertEqual(str(lead.won_handled_date), "2024-01-02 03:04:05")
