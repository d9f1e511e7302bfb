from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users

from odoo.addons.mailmerge_letters.hooks import post_init_hook

from .common import MailmergeLettersCase

HANS = {"firstname": "Hans", "lastname": "Müller"}
ANNA = {"firstname": "Anna", "lastname": "Schmidt"}
ALEX = {"firstname": "Alex", "lastname": "Beispiel"}
ROBERT = {"firstname": "Robert", "lastname": "Miller"}
JANE = {"firstname": "Jane", "lastname": "Miller"}
COMPANY = {"name": "Sonnenschein AG", "is_company": True}

# lang, contact, form of address, academic title -> salutation, address-block name
CASES = [
    ("de_DE", HANS, "mr", "", "Sehr geehrter Herr Müller", "Herrn Hans Müller"),
    (
        "de_DE",
        HANS,
        "mr",
        "Dr.",
        "Sehr geehrter Herr Dr. Müller",
        "Herrn Dr. Hans Müller",
    ),
    (
        "de_DE",
        ANNA,
        "ms",
        "Dr.",
        "Sehr geehrte Frau Dr. Schmidt",
        "Frau Dr. Anna Schmidt",
    ),
    (
        "de_DE",
        ANNA,
        "ms",
        "Prof. Dr.",
        "Sehr geehrte Frau Prof. Schmidt",
        "Frau Prof. Dr. Anna Schmidt",
    ),
    (
        "de_DE",
        HANS,
        "mr",
        "Prof. Dr.",
        "Sehr geehrter Herr Prof. Müller",
        "Herrn Prof. Dr. Hans Müller",
    ),
    (
        "de_DE",
        HANS,
        "mr",
        "Prof.",
        "Sehr geehrter Herr Prof. Müller",
        "Herrn Prof. Hans Müller",
    ),
    (
        "de_DE",
        HANS,
        "mr",
        "Dipl.-Ing.",
        "Sehr geehrter Herr Müller",
        "Herrn Dipl.-Ing. Hans Müller",
    ),
    (
        "de_DE",
        HANS,
        "mr",
        "Dr.-Ing.",
        "Sehr geehrter Herr Dr. Müller",
        "Herrn Dr.-Ing. Hans Müller",
    ),
    ("de_DE", ANNA, "ms", "", "Sehr geehrte Frau Schmidt", "Frau Anna Schmidt"),
    ("de_DE", ALEX, "mx", "", "Guten Tag Alex Beispiel", "Alex Beispiel"),
    ("de_DE", ALEX, "mx", "Dr.", "Guten Tag Dr. Alex Beispiel", "Dr. Alex Beispiel"),
    ("de_DE", HANS, "none", "Dr.", "Sehr geehrte Damen und Herren", "Dr. Hans Müller"),
    ("de_DE", HANS, False, "", "Sehr geehrte Damen und Herren", "Hans Müller"),
    (
        "de_DE",
        {"firstname": "Hans", "lastname": False},
        "mr",
        "Dr.",
        "Sehr geehrte Damen und Herren",
        "Hans",
    ),
    ("de_DE", COMPANY, "mr", "", "Sehr geehrte Damen und Herren", "Sonnenschein AG"),
    (
        "de_CH",
        ANNA,
        "ms",
        "Dr.",
        "Sehr geehrte Frau Dr. Schmidt",
        "Frau Dr. Anna Schmidt",
    ),
    ("de_AT", HANS, "mr", "", "Sehr geehrter Herr Müller", "Herrn Hans Müller"),
    ("en_US", ROBERT, "mr", "", "Dear Mr Miller", "Mr Robert Miller"),
    ("en_US", JANE, "ms", "", "Dear Ms Miller", "Ms Jane Miller"),
    ("en_US", ROBERT, "mr", "Dr.", "Dear Dr Miller", "Dr Robert Miller"),
    ("en_US", JANE, "ms", "Dr.", "Dear Dr Miller", "Dr Jane Miller"),
    ("en_US", JANE, "ms", "Prof.", "Dear Professor Miller", "Professor Jane Miller"),
    (
        "en_US",
        JANE,
        "ms",
        "Prof. Dr.",
        "Dear Professor Miller",
        "Professor Jane Miller",
    ),
    ("en_US", ROBERT, "mr", "Dipl.-Ing.", "Dear Mr Miller", "Mr Robert Miller"),
    ("en_US", ALEX, "mx", "", "Dear Alex Beispiel", "Alex Beispiel"),
    ("en_US", ROBERT, "none", "", "Dear Sir or Madam", "Robert Miller"),
    ("en_US", ROBERT, False, "Dr.", "Dear Sir or Madam", "Dr Robert Miller"),
    (
        "en_US",
        {"firstname": "Robert", "lastname": False},
        "mr",
        "",
        "Dear Sir or Madam",
        "Robert",
    ),
    ("en_US", COMPANY, False, "", "Dear Sir or Madam", "Sonnenschein AG"),
    ("fr_FR", HANS, "mr", "Dr.", "Dear Dr Müller", "Dr Hans Müller"),
    ("fr_FR", ANNA, "ms", "", "Dear Ms Schmidt", "Ms Anna Schmidt"),
    (False, ROBERT, "mr", "", "Dear Mr Miller", "Mr Robert Miller"),
]


@tagged("post_install", "-at_install")
class TestLetterSalutation(MailmergeLettersCase):
    @users("clerk")
    def test_rules(self):
        """Every rule of the German and English letter conventions, and fallbacks."""
        partners = self.env["res.partner"].create(
            [
                dict(
                    contact,
                    lang=lang,
                    form_of_address=form,
                    academic_title=title or False,
                )
                for lang, contact, form, title, *_expected in CASES
            ]
        )
        for partner, (lang, contact, form, title, salutation, address) in zip(
            partners, CASES, strict=True
        ):
            with self.subTest(lang=lang, contact=contact, form=form, title=title):
                self.assertEqual(partner.letter_salutation, salutation)
                self.assertEqual(partner.letter_address_name, address)

    def test_partner_language_not_user_language(self):
        """A German user writes to an English contact in English, and vice versa."""
        german_env = self.env(context=dict(self.env.context, lang="de_DE"))
        miller = self.create_person("Robert", "Miller", "en_US", form_of_address="mr")
        self.assertEqual(
            miller.with_env(german_env).letter_salutation, "Dear Mr Miller"
        )
        miller.with_env(german_env).lang = "de_DE"
        self.assertEqual(miller.letter_salutation, "Sehr geehrter Herr Miller")
        self.assertEqual(miller.letter_address_name, "Herrn Robert Miller")

    def test_recomputed_on_change(self):
        """Every field the salutation depends on updates it."""
        partner = self.create_person("Hans", "Müller", form_of_address="mr")
        steps = [
            ({"academic_title": "Prof. Dr."}, "Sehr geehrter Herr Prof. Müller"),
            ({"form_of_address": "ms"}, "Sehr geehrte Frau Prof. Müller"),
            ({"lastname": "Schmidt"}, "Sehr geehrte Frau Prof. Schmidt"),
            ({"form_of_address": "mx"}, "Guten Tag Prof. Hans Schmidt"),
            ({"firstname": "Alex"}, "Guten Tag Prof. Alex Schmidt"),
            ({"lang": "en_US"}, "Dear Professor Schmidt"),
            ({"is_company": True}, "Dear Sir or Madam"),
        ]
        for values, salutation in steps:
            partner.write(values)
            self.assertEqual(partner.letter_salutation, salutation, values)

    def test_batch_queries_constant(self):
        """Recomputing many contacts costs as many queries as recomputing a few."""
        few, many = self._create_people(3), self._create_people(30)
        self.env.flush_all()
        self.env.invalidate_all()
        count0 = self.cr.sql_log_count
        few.write({"academic_title": "Dr."})
        self.env.flush_all()
        queries = self.cr.sql_log_count - count0
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            many.write({"academic_title": "Dr."})
        self.assertEqual(
            set(many.mapped("letter_salutation")),
            {"Sehr geehrte Frau Dr. Weiß", "Dear Dr Weiß"},
        )

    def _create_people(self, count):
        langs, forms = ["de_DE", "en_US"], ["ms", "mr"]
        return self.env["res.partner"].create(
            [
                {
                    "firstname": f"Person {index}",
                    "lastname": "Weiß",
                    "lang": langs[index % 2],
                    "form_of_address": forms[index % 2],
                }
                for index in range(count)
            ]
        )

    @users("clerk")
    def test_form_flow(self):
        """The clerk fills a new contact and sees the salutation follow each field."""
        with Form(self.env["res.partner"]) as form:
            form.firstname = "Anna"
            form.lastname = "Schmidt"
            form.lang = "de_DE"
            self.assertEqual(form.letter_salutation, "Sehr geehrte Damen und Herren")
            form.form_of_address = "ms"
            self.assertEqual(form.letter_salutation, "Sehr geehrte Frau Schmidt")
            form.academic_title = "Prof. Dr."
            self.assertEqual(form.letter_salutation, "Sehr geehrte Frau Prof. Schmidt")
            self.assertEqual(form.letter_address_name, "Frau Prof. Dr. Anna Schmidt")
            form.form_of_address = "mr"
            self.assertEqual(form.letter_salutation, "Sehr geehrter Herr Prof. Schmidt")
        partner = form.record
        with Form(partner) as form:
            form.form_of_address = "mx"
        self.assertRecordValues(
            partner,
            [
                {
                    "letter_salutation": "Guten Tag Prof. Anna Schmidt",
                    "letter_address_name": "Prof. Dr. Anna Schmidt",
                }
            ],
        )

    def test_german_labels(self):
        """German users choose Herr, Frau, Divers or Keine (i18n/de.po)."""
        self.env["ir.module.module"]._load_module_terms(
            ["mailmerge_letters"], ["de_DE"]
        )
        partners = self.env["res.partner"].with_context(lang="de_DE")
        field = partners.fields_get(["form_of_address"])["form_of_address"]
        self.assertEqual(field["string"], "Anrede")
        self.assertEqual(
            field["selection"],
            [("mr", "Herr"), ("ms", "Frau"), ("mx", "Divers"), ("none", "Keine")],
        )

    @users("reader")
    def test_reader_cannot_edit(self):
        """Users without contact rights read the salutation but change nothing."""
        partner = self.create_person("Hans", "Müller", form_of_address="mr")
        partner = partner.with_env(self.env)
        self.assertEqual(partner.letter_salutation, "Sehr geehrter Herr Müller")
        with self.assertRaises(AccessError):
            partner.form_of_address = "ms"

    def test_backfill_from_title(self):
        """Databases that used res.partner.title keep what it said."""
        title = self.env.ref
        partners = self.env["res.partner"].with_context(default_lang="de_DE")
        partners = partners.create(
            [
                dict(HANS, title=title("base.res_partner_title_mister").id),
                dict(ANNA, title=title("base.res_partner_title_madam").id),
                dict(ANNA, title=title("base.res_partner_title_miss").id),
                dict(HANS, title=title("base.res_partner_title_doctor").id),
                dict(HANS, title=title("base.res_partner_title_prof").id),
                # what a user already entered stays
                dict(
                    ANNA,
                    title=title("base.res_partner_title_mister").id,
                    form_of_address="ms",
                ),
                dict(
                    HANS,
                    title=title("base.res_partner_title_doctor").id,
                    academic_title="Prof. Dr.",
                ),
                dict(
                    HANS, active=False, title=title("base.res_partner_title_mister").id
                ),
            ]
        )
        post_init_hook(self.env)
        self.assertRecordValues(
            partners,
            [
                {"form_of_address": "mr", "academic_title": False},
                {"form_of_address": "ms", "academic_title": False},
                {"form_of_address": "ms", "academic_title": False},
                {"form_of_address": False, "academic_title": "Dr."},
                {"form_of_address": False, "academic_title": "Prof."},
                {"form_of_address": "ms", "academic_title": False},
                {"form_of_address": False, "academic_title": "Prof. Dr."},
                {"form_of_address": "mr", "academic_title": False},
            ],
        )
        self.assertEqual(partners[0].letter_salutation, "Sehr geehrter Herr Müller")
