# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import zipfile

from docx import Document
from docx.shared import Cm
from PIL import Image

from odoo.exceptions import UserError
from odoo.tests import tagged, users

from ..models.mailmerge_letter_template_docx import DOCX_MIMETYPE, html_to_paragraphs
from .test_letter_merge_data import LetterOutputCase

PAGE_BREAK = b'<w:br w:type="page"/>'


def make_docx(*paragraphs, header=None):
    """A Word template written with python-docx, as Word users write theirs."""
    document = Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


LETTER = (
    "{{ address }}",
    "{{ date }}",
    "{{ subject }}",
    "{{ salutation }},",
    "{{ body }}",
    "{{ closing }}",
    "Anlagen: {{ enclosures }}",
    "{% for line in address_lines %}[{{ line }}]{% endfor %}",
)


@tagged("post_install", "-at_install")
class TestLetterDocx(LetterOutputCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template.write(
            {
                "docx_template": base64.b64encode(
                    make_docx(*LETTER, header="{{ sender }}")
                ),
                "docx_template_filename": "Solar.docx",
            }
        )

    def _docx_count(self):
        return self.env["ir.attachment"].search_count(
            [("mimetype", "=", DOCX_MIMETYPE)]
        )

    def _read(self, attachment):
        self.assertEqual(attachment.mimetype, DOCX_MIMETYPE)
        document = Document(io.BytesIO(attachment.raw))
        xml = zipfile.ZipFile(io.BytesIO(attachment.raw)).read("word/document.xml")
        return document, [p.text for p in document.paragraphs], xml

    @users("clerk")
    def test_one_document_with_every_letter(self):
        attachment = self._download(self._wizard(self.selection, "docx"))
        self.assertEqual(attachment.name, "Solar.docx")
        document, texts, xml = self._read(attachment)
        # three letters, a page break between two of them
        self.assertEqual(xml.count(PAGE_BREAK), 2)
        salutations = [t for t in texts if t.endswith(",")]
        self.assertEqual(
            salutations,
            [
                "Sehr geehrter Herr Weiß,",
                "Sehr geehrter Herr Dr. Kern,",
                "Dear Professor Smith,",
            ],
        )
        addresses = [t for t in texts if "\n" in t and t.split("\n")[-1][:1].isdigit()]
        self.assertEqual(
            addresses,
            [
                "Herrn Jürgen Weiß\nMühlenweg 12\n=2+3\n79312 Emmendingen",
                "Weber Test KG\nHerrn Dr. Tobias Kern\nMühlenweg 12\n79312 Emmendingen",
                "Professor Anna Smith\nAm Hang 3\n79100 Freiburg",
            ],
        )
        # the letter's parts in order, the body paragraph by paragraph; the
        # template's text escaped for Word's XML and read back as written
        first = texts[: texts.index("") if "" in texts else len(texts)]
        self.assertEqual(first[2], "Solar & Wärme <neu>")
        self.assertEqual(
            first[4:10],
            [
                "wir informieren Sie über Solar.",
                "Zweiter Absatz\nmit Zeilenumbruch",
                "Mit freundlichen Grüßen",
                "Anlagen: Prospekt Solar",
                "[Herrn Jürgen Weiß][Mühlenweg 12][=2+3][79312 Emmendingen]",
            ],
        )
        # the page break paragraph is the one between the letters
        self.assertEqual(texts.count(""), 2)
        self.assertEqual(
            document.sections[0].header.paragraphs[0].text, self.env.company.name
        )
        joined = "\n".join(texts)
        for name in self.skipped_names:
            self.assertNotIn(name, joined)

    def test_pictures_of_the_template_in_every_letter(self):
        """The logo of the Word template is in every letter: the appended
        bodies point to the picture of the first, each drawing with its own id."""
        logo = io.BytesIO()
        Image.new("RGB", (8, 8), "orange").save(logo, format="PNG")
        document = Document()
        document.add_picture(logo, width=Cm(2))
        document.add_paragraph("{{ salutation }},")
        buffer = io.BytesIO()
        document.save(buffer)
        wizard = self._wizard(
            self.selection,
            "docx",
            docx_template=base64.b64encode(buffer.getvalue()),
            docx_template_filename="Logo.docx",
        )
        result = Document(io.BytesIO(self._download(wizard).raw))
        body = result.element.body
        blips = body.xpath(".//a:blip/@r:embed")
        self.assertEqual(len(blips), 3)
        self.assertEqual(len(set(blips)), 1)
        self.assertEqual(result.part.related_parts[blips[0]].content_type, "image/png")
        ids = body.xpath(".//wp:docPr/@id")
        self.assertEqual(len(set(ids)), 3, "one id per drawing")

    def test_word_template_uploaded_in_the_wizard(self):
        wizard = self._wizard(
            self.private | self.anna,
            "docx",
            docx_template=base64.b64encode(
                make_docx("{{ salutation }} / {{ lastname }} / {{ company }}")
            ),
            docx_template_filename="Kurz.docx",
        )
        __, texts, xml = self._read(self._download(wizard))
        self.assertEqual(
            texts,
            [
                "Sehr geehrter Herr Weiß / Weiß / ",
                "",
                "Dear Professor Smith / Smith / ",
            ],
        )
        self.assertEqual(xml.count(PAGE_BREAK), 1)

    def test_no_word_template(self):
        self.template.docx_template = False
        wizard = self._wizard(self.selection, "docx")
        with self.assertRaisesRegex(UserError, "has no Word template"):
            wizard.action_download_letters()

    def test_broken_word_templates_refused(self):
        cases = [
            ("{{ salutation }", "unexpected"),
            ("{% if salutation %}no end", "endif"),
            ("{{ salutation|shout }}", "No filter named 'shout'"),
            ("{{ anrede }}", "'anrede' is undefined"),
            ("{{ salutation.__class__.__mro__ }}", "unsafe"),
        ]
        before = self._docx_count()
        for text, error in cases:
            with self.subTest(text=text):
                wizard = self._wizard(
                    self.selection,
                    "docx",
                    docx_template=base64.b64encode(make_docx("Hallo", text)),
                    docx_template_filename="Kaputt.docx",
                )
                with self.assertRaises(UserError) as caught:
                    wizard.action_download_letters()
                message = str(caught.exception)
                self.assertIn('The Word template "Kaputt.docx"', message)
                self.assertIn(error, message)
                self.assertIn("Nothing was produced", message)
        self.assertEqual(self._docx_count(), before, "nothing produced")

    def test_not_a_docx_refused(self):
        for data in (b"%PDF-1.4 not a Word file", self._xlsx_bytes()):
            wizard = self._wizard(
                self.selection,
                "docx",
                docx_template=base64.b64encode(data),
                docx_template_filename="Brief.doc",
            )
            with self.assertRaisesRegex(UserError, "is no Word document"):
                wizard.action_download_letters()

    def _xlsx_bytes(self):
        """A zip, but no Word document."""
        return self.env["mailmerge.export"]._export_xlsx(["A"], [["1"]])

    def test_broken_template_refused_on_upload(self):
        with self.assertRaisesRegex(UserError, "No filter named 'shout'"):
            self.template.docx_template = base64.b64encode(
                make_docx("{{ salutation|shout }}")
            )
        with self.assertRaisesRegex(UserError, "is no Word document"):
            self.template.docx_template = base64.b64encode(b"not a zip")

    def test_any_user_uploads_a_word_template(self):
        """A Word template cannot run code (sandbox): no need to be a template
        editor to upload one, and the letter template stays editable."""
        template = self.template.with_user(self.user_clerk)
        self.assertFalse(self.user_clerk.has_group("mail.group_mail_template_editor"))
        template.write(
            {
                "docx_template": base64.b64encode(make_docx("{{ salutation }}")),
                "docx_template_filename": "Neu.docx",
            }
        )
        template.closing = "Beste Grüße"
        self.assertEqual(template.docx_template_filename, "Neu.docx")

    def test_every_documented_placeholder_has_a_value(self):
        letter = self.template._render_letters(self.private)[self.private.id]
        context = self.template._get_docx_letter_context(self.private, letter)
        names = [name for name, __ in self.template._get_docx_variables()]
        self.assertEqual(sorted(context), sorted(names))
        self.assertEqual(
            context["body_paragraphs"][0], "wir informieren Sie über Solar."
        )
        self.assertEqual(context["address_name"], "Herrn Jürgen Weiß")
        self.assertIn("<code>salutation</code>", self.template.docx_variables_help)
        # one template using them all renders
        all_names = make_docx(*("{{ %s }}" % name for name in names))
        self.template._check_docx_template_data(all_names)

    def test_custom_field_placeholder(self):
        """An integrator's custom field of contacts is a placeholder of Word
        templates too, a date in the letter's language."""
        self.addCleanup(self.registry.reset_changes)
        model_id = self.env["ir.model"]._get_id("res.partner")
        self.env["ir.model.fields"].create(
            [
                {
                    "model_id": model_id,
                    "name": "x_customer_number",
                    "field_description": "Customer Number",
                    "ttype": "char",
                    "state": "manual",
                },
                {
                    "model_id": model_id,
                    "name": "x_installed_on",
                    "field_description": "Installed on",
                    "ttype": "date",
                    "state": "manual",
                },
            ]
        )
        self.private.write(
            {"x_customer_number": "K-4711", "x_installed_on": "2024-03-05"}
        )
        names = [name for name, __ in self.template._get_docx_variables()]
        self.assertIn("x_customer_number", names)
        wizard = self._wizard(
            self.private,
            "docx",
            docx_template=base64.b64encode(
                make_docx("Nr. {{ x_customer_number }} vom {{ x_installed_on }}")
            ),
        )
        __, texts, __ = self._read(self._download(wizard))
        self.assertEqual(texts, ["Nr. K-4711 vom 05.03.2024"])

    def test_html_to_paragraphs(self):
        self.assertEqual(
            html_to_paragraphs(
                "<p>Erster   Absatz</p><ul><li>Punkt <b>eins</b></li><li>zwei</li></ul>"
                "<div>Zeile<br/>  umbrochen</div>"
            ),
            ["Erster Absatz", "Punkt eins", "zwei", "Zeile\numbrochen"],
        )
        self.assertEqual(html_to_paragraphs("<p><br></p>"), [])
