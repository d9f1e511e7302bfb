from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL, file_path

from .common import MailmergeLettersCase

MIGRATION = "mailmerge_letters/migrations/18.0.1.2.0/%s-migrate.py"
COLUMNS = [
    "form_of_address",
    "academic_title",
    "letter_salutation",
    "letter_address_name",
]


def _script(stage):
    return load_script(file_path(MIGRATION % stage), f"mailmerge_letters_{stage}_1_2_0")


@tagged("post_install", "-at_install")
class TestMigration(MailmergeLettersCase):
    """Databases of 18.0.1.0.0 (before the install hook): titles carried over and
    salutations filled, equal to what the ORM computes. The columns are dropped
    inside the test transaction, which is rolled back."""

    def test_from_1_0_0(self):
        title = self.env.ref
        company = self.env["res.partner"].create(
            [{"name": "Sonnenschein AG", "is_company": True, "lang": "de_DE"}]
        )
        partners = company | (
            self.create_person(
                "Hans", "Müller", title=title("base.res_partner_title_mister").id
            )
            | self.create_person(
                "Anna", "Schmidt", title=title("base.res_partner_title_doctor").id
            )
            | self.create_person("Eva", "Braun", parent_id=company.id)
            | self.create_person("Peter", "Miller", lang="en_US")
            | self.create_person(
                "Jane",
                "Doe",
                lang="fr_FR",
                title=title("base.res_partner_title_prof").id,
            )
            | self.create_person(False, "Nur", lang=False)
        )
        self.env.flush_all()
        for column in COLUMNS:
            self.env.cr.execute(
                SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(column))
            )
        self.env.invalidate_all()

        _script("pre").migrate(self.env.cr, "18.0.1.0.0")
        _script("post").migrate(self.env.cr, "18.0.1.0.0")

        self.env.invalidate_all()
        stored = [[partner[column] for column in COLUMNS] for partner in partners]
        self.assertEqual(
            stored[:3],
            [
                [False, False, "Sehr geehrte Damen und Herren", "Sonnenschein AG"],
                ["mr", False, "Sehr geehrter Herr Müller", "Herrn Hans Müller"],
                [False, "Dr.", "Sehr geehrte Damen und Herren", "Dr. Anna Schmidt"],
            ],
        )
        for column in COLUMNS[2:]:
            self.env.add_to_compute(partners._fields[column], partners)
        partners.flush_recordset(COLUMNS[2:])
        self.assertEqual(
            stored, [[partner[column] for column in COLUMNS] for partner in partners]
        )

    def test_from_1_1_0_untouched(self):
        """Databases installed with the hook keep what users changed since."""
        partner = self.create_person(
            "Hans", "Müller", title=self.env.ref("base.res_partner_title_mister").id
        )
        self.assertFalse(partner.form_of_address)
        _script("post").migrate(self.env.cr, "18.0.1.1.0")
        self.assertFalse(partner.form_of_address)
