# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MailmergeLettersCase

BODY = (
    '<p>Betreff für <t t-out="object.letter_address_name"/>:</p>'
    '<p>Ihr Ansprechpartner ist <t t-out="object.user_id.name"/>.</p>'
    '<p>Anrede: <t t-out="object.letter_salutation"/></p>'
)


@tagged("post_install", "-at_install")
class TestLetterTemplate(MailmergeLettersCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        editor_group = cls.env.ref("mail.group_mail_template_editor")
        # as with the setting "Restrict Template Rendering"
        cls.env.ref("base.group_user").implied_ids -= editor_group
        editor_group.users -= cls.user_clerk
        cls.user_editor = new_test_user(
            cls.env,
            login="letter_editor",
            groups="base.group_user,base.group_partner_manager,"
            "mail.group_mail_template_editor",
        )
        cls.Template = cls.env["mailmerge.letter.template"]
        cls.template = cls.Template.create(
            {
                "name": "Messe",
                "subject": "Ihr Besuch, {{ object.letter_address_name }}",
                "body_html": BODY,
                "closing": "Mit freundlichen Grüßen",
            }
        )

    def _letter(self, partner, template=None):
        return (template or self.template)._render_letters(partner)[partner.id]

    def test_salutation_cases_de_and_en(self):
        salesman = new_test_user(self.env, login="letter_salesman", name="Sven Sales")
        cases = [
            (
                "de_DE",
                "Markus",
                "mr",
                "",
                "Sehr geehrter Herr Weber",
                "Herrn Markus Weber",
            ),
            ("de_DE", "Petra", "ms", "", "Sehr geehrte Frau Weber", "Frau Petra Weber"),
            ("de_DE", "Kim", "mx", "", "Guten Tag Kim Weber", "Kim Weber"),
            ("de_DE", "Kim", "none", "", "Sehr geehrte Damen und Herren", "Kim Weber"),
            (
                "de_DE",
                "Markus",
                "mr",
                "Prof. Dr.",
                "Sehr geehrter Herr Prof. Weber",
                "Herrn Prof. Dr. Markus Weber",
            ),
            ("de_DE", False, "ms", "", "Sehr geehrte Frau Weber", "Frau Weber"),
            ("en_US", "Robert", "mr", "", "Dear Mr Weber", "Mr Robert Weber"),
            ("en_US", "Jane", "ms", "", "Dear Ms Weber", "Ms Jane Weber"),
            ("en_US", "Alex", "mx", "", "Dear Alex Weber", "Alex Weber"),
            ("en_US", "Alex", "none", "", "Dear Sir or Madam", "Alex Weber"),
            ("en_US", "Jane", "ms", "Dr.", "Dear Dr Weber", "Dr Jane Weber"),
            ("en_US", False, "mr", "", "Dear Mr Weber", "Mr Weber"),
        ]
        for lang, firstname, form, title, salutation, address in cases:
            with self.subTest(lang=lang, form=form, title=title, firstname=firstname):
                partner = self.create_person(
                    firstname,
                    "Weber",
                    lang=lang,
                    form_of_address=form,
                    academic_title=title,
                    user_id=salesman.id,
                )
                letter = self._letter(partner, self.template.with_user(self.user_clerk))
                self.assertEqual(letter["lang"], lang)
                self.assertEqual(letter["subject"], f"Ihr Besuch, {address}")
                self.assertIn(f"Anrede: {salutation}</p>", letter["body"])
                self.assertIn(f"Betreff für {address}:", letter["body"])
                self.assertIn("Ihr Ansprechpartner ist Sven Sales.", letter["body"])

    def test_subject_translated_and_template_language(self):
        self.template.with_context(
            lang="en_US"
        ).subject = "Your visit, {{ object.letter_address_name }}"
        self.template.with_context(
            lang="de_DE"
        ).subject = "Ihr Besuch, {{ object.letter_address_name }}"
        robert = self.create_person(
            "Robert", "Miller", lang="en_US", form_of_address="mr"
        )
        hans = self.create_person("Hans", "Müller", lang="de_DE", form_of_address="mr")
        letters = self.template._render_letters(robert | hans)
        self.assertEqual(letters[robert.id]["subject"], "Your visit, Mr Robert Miller")
        self.assertEqual(letters[hans.id]["subject"], "Ihr Besuch, Herrn Hans Müller")
        # a template in one language writes every letter in it
        self.template.lang = "de_DE"
        letters = self.template._render_letters(robert)
        self.assertEqual(letters[robert.id]["lang"], "de_DE")
        self.assertEqual(letters[robert.id]["subject"], "Ihr Besuch, Mr Robert Miller")

    def test_injection_by_non_editor_refused(self):
        self.assertFalse(self.user_clerk.has_group("mail.group_mail_template_editor"))
        Template = self.Template.with_user(self.user_clerk)
        attempts = [
            {"subject": "{{ object.env['res.users'].search([]) }}"},
            {"subject": "{{ object.sudo().write({'name': 'x'}) }}"},
            {"body_html": '<p><t t-out="object.env.user.sudo().write({})"/></p>'},
            {"body_html": '<p><t t-out="object._get_letter_address()"/></p>'},
            {"body_html": '<p><t t-esc="object.unlink()"/></p>'},
            {"signature": '<p><t t-out="user.sudo().password"/></p>'},
        ]
        for values in attempts:
            with self.subTest(values=values):
                with self.assertRaises(AccessError):
                    Template.create(dict(values, name="Evil"))
                with self.assertRaises(AccessError):
                    self.template.with_user(self.user_clerk).write(values)
        # an editor may write code, which then renders for everybody (as
        # mail.template does); a non-editor may not change it
        coded = self.Template.with_user(self.user_editor).create(
            {"name": "Code", "body_html": '<p><t t-out="object.name.upper()"/></p>'}
        )
        partner = self.create_person("Hans", "Müller")
        self.assertIn(
            "HANS MÜLLER",
            self._letter(partner, coded.with_user(self.user_clerk))["body"],
        )
        with self.assertRaises(AccessError):
            coded.with_user(
                self.user_clerk
            ).body_html = '<p><t t-out="object.name.lower()"/></p>'
        # the placeholders of the list are allowed to everybody
        fine = Template.create(
            {
                "name": "Fine",
                "subject": "{{ object.letter_salutation }}",
                "body_html": "".join(
                    f'<p><t t-out="{expression}"/></p>'
                    for expression, __ in self.Template._get_letter_placeholders()
                ),
            }
        )
        self.assertTrue(fine._render_letters(partner)[partner.id]["body"])

    def test_broken_placeholder_named(self):
        for values, name in [
            (
                {"body_html": '<p><t t-out="object.no_such_field"/></p>'},
                "object.no_such_field",
            ),
            (
                {"subject": "{{ object.country_id.no_such_field }}"},
                "object.country_id.no_such_field",
            ),
        ]:
            with (
                self.subTest(name=name),
                self.assertRaisesRegex(ValidationError, name.replace(".", r"\.")),
            ):
                self.Template.create(dict(values, name="Broken"))

    def test_placeholder_list_and_code(self):
        form_template = self.Template.new({"placeholder": "object.letter_salutation"})
        self.assertEqual(
            form_template.placeholder_code, '<t t-out="object.letter_salutation"/>'
        )
        self.assertEqual(
            form_template.placeholder_subject_code, "{{ object.letter_salutation }}"
        )
        expressions = dict(self.Template._get_letter_placeholders())
        for expression in (
            "object.letter_salutation",
            "object.letter_address_name",
            "object.firstname",
            "object.lastname",
            "object.commercial_company_name",
            "object.street",
            "object.letter_date",
            "object.user_id.name",
        ):
            self.assertIn(expression, expressions)

    def test_custom_field_placeholder(self):
        """An integrator's custom field of contacts is offered to everybody."""
        # the new field changes the registry: back to ours after the test
        self.addCleanup(self.registry.reset_changes)
        self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "name": "x_customer_number",
                "field_description": "Customer Number",
                "ttype": "char",
                "state": "manual",
            }
        )
        placeholders = dict(self.Template._get_letter_placeholders())
        self.assertEqual(placeholders["object.x_customer_number"], "Customer Number")
        partner = self.create_person("Hans", "Müller", x_customer_number="K-4711")
        template = self.Template.with_user(self.user_clerk).create(
            {
                "name": "Custom",
                "body_html": '<p>Nr. <t t-out="object.x_customer_number"/></p>',
            }
        )
        self.assertIn("Nr. K-4711", self._letter(partner, template)["body"])

    def test_preview(self):
        partner = self.create_person(
            "Hans",
            "Müller",
            form_of_address="mr",
            street="Hauptstraße 1",
            zip="79098",
            city="Freiburg",
        )
        preview = self.env["mailmerge.letter.preview"].create(
            {"template_id": self.template.id, "partner_id": partner.id}
        )
        self.assertEqual(preview.preview_subject, "Ihr Besuch, Herrn Hans Müller")
        self.assertIn("Sehr geehrter Herr Müller,", preview.preview_html)
        self.assertIn("Hauptstraße 1", preview.preview_html)
        self.assertIn("Mit freundlichen Grüßen", preview.preview_html)

    def test_postal_objection_details(self):
        partner = self.create_person("Hans", "Müller")
        partner.postal_objection = True
        self.assertTrue(partner.postal_objection_date)
        self.assertEqual(partner.postal_objection_source, "manual")
        imported = (
            self.env["res.partner"]
            .with_context(postal_objection_source="import")
            .create({"name": "Imported", "postal_objection": True})
        )
        self.assertEqual(imported.postal_objection_source, "import")
        # Odoo's import of contacts
        other = self.create_person("Ida", "Import")
        other.with_context(import_file=True).postal_objection = True
        self.assertEqual(other.postal_objection_source, "import")
        partner.postal_objection = False
        self.assertFalse(partner.postal_objection_date)
        self.assertFalse(partner.postal_objection_source)

    def test_data_templates(self):
        """The thank-you and Solar letters in German and English render for a
        non-editor, each in its language."""
        partner = self.create_person(
            "Hans", "Müller", lang="en_US", form_of_address="mr"
        )
        for xmlid, lang, subject in [
            ("letter_template_fair_thanks_de", "de_DE", "Vielen Dank für Ihren Besuch"),
            ("letter_template_fair_thanks_en", "en_US", "Thank you for visiting"),
            ("letter_template_solar_de", "de_DE", "Neues für unsere Solar-Kunden"),
            ("letter_template_solar_en", "en_US", "News for our solar customers"),
        ]:
            with self.subTest(xmlid=xmlid):
                template = self.env.ref(f"mailmerge_letters.{xmlid}")
                letter = self._letter(partner, template.with_user(self.user_clerk))
                self.assertEqual(letter["lang"], lang)
                self.assertIn(subject, letter["subject"])
                self.assertTrue(letter["enclosures"])
                # a non-editor may edit them: they use listed placeholders only
                template.with_user(self.user_clerk).closing = "Beste Grüße"
