# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import subprocess
import tempfile
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import MailmergeLettersCase


def pdf_pages(pdf):
    return PdfFileReader(io.BytesIO(pdf)).getNumPages()


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(
            ["pdftotext", "-layout", file.name, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@tagged("post_install", "-at_install")
class TestLetterPdf(HttpCase, MailmergeLettersCase):
    # an HttpCase: wkhtmltopdf loads the report's CSS and fonts from the test
    # server (report.url), which serves them through the test's cursor

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env.company.write(
            {
                "name": "Sonnen Test GmbH",
                "street": "Werkstraße 5",
                "zip": "79100",
                "city": "Freiburg",
            }
        )
        cls.template = cls.env["mailmerge.letter.template"].create(
            {
                "name": "Solar",
                "subject": "Neues zu Solar für {{ object.lastname }}",
                "body_html": "<p>wir informieren Sie über Solar.</p>",
                "closing": "Mit freundlichen Grüßen",
                "enclosures": "Prospekt Solar",
            }
        )
        people = [
            ("Markus", "Adler", "mr", "Sehr geehrter Herr Adler"),
            ("Petra", "Berger", "ms", "Sehr geehrte Frau Berger"),
            ("Kim", "Claus", "mx", "Guten Tag Kim Claus"),
            ("Uwe", "Dorn", "none", "Sehr geehrte Damen und Herren"),
            ("Eva", "Engel", "ms", "Sehr geehrte Frau Engel"),
        ]
        cls.partners = cls.env["res.partner"]
        cls.salutations = []
        for index, (firstname, lastname, form, salutation) in enumerate(people):
            cls.partners |= cls.create_person(
                firstname,
                lastname,
                form_of_address=form,
                street=f"Teststraße {index + 1}",
                zip=f"7910{index}",
                city="Freiburg",
            )
            cls.salutations.append(salutation)

    def _render(self, partners):
        return self.template.with_context(
            force_report_rendering=True
        )._render_letters_pdf(partners)

    def assert_letters_in_order(self, text, partners):
        position = 0
        for partner in partners:
            index = self.partners.ids.index(partner.id)
            for needle in (
                partner.letter_address_name,
                f"Teststraße {index + 1}",
                f"7910{index} Freiburg",
                f"Neues zu Solar für {partner.lastname}",
                f"{self.salutations[index]},",
            ):
                found = text.find(needle, position)
                self.assertGreaterEqual(found, 0, f"{needle!r} not in order in the PDF")
                position = found

    def test_letters_pdf_in_order(self):
        partners = self.partners[3] | self.partners[0] | self.partners[2]
        pdf = self._render(partners)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(pdf_pages(pdf), 3)
        text = pdf_text(pdf)
        self.assert_letters_in_order(text, partners)
        # return line with the company's one-line sender, closing and enclosures
        self.assertIn("Sonnen Test GmbH", text)
        self.assertIn("Werkstraße 5", text)
        self.assertEqual(text.count("Mit freundlichen Grüßen"), 3)
        self.assertEqual(text.count("Prospekt Solar"), 3)

    def test_chunks_at_the_boundaries(self):
        """One wkhtmltopdf call per chunk (the chunk size patched down to 2)."""
        Template = type(self.template)
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_pdf_prepare_streams
        calls = []

        def spy(report, report_ref, data, res_ids=None):
            calls.append(list(res_ids))
            return original(report, report_ref, data, res_ids=res_ids)

        for count in (1, 2, 3, 5):
            calls.clear()
            with (
                self.subTest(count=count),
                patch.object(Template, "_letter_chunk_size", 2),
                patch.object(Report, "_render_qweb_pdf_prepare_streams", spy),
            ):
                pdf = self._render(self.partners[:count])
                self.assertEqual(
                    [len(ids) for ids in calls],
                    [2] * (count // 2) + [1] * (count % 2),
                )
                self.assertEqual(sum(calls, []), self.partners[:count].ids)
                self.assertEqual(pdf_pages(pdf), count)
                self.assert_letters_in_order(pdf_text(pdf), self.partners[:count])

    def test_empty_selection(self):
        self.assertEqual(self._render(self.env["res.partner"]), b"")

    def test_long_letters_split_per_recipient(self):
        """Letters of several pages: each recipient's own PDF holds exactly their
        pages (split along the outline of one wkhtmltopdf call)."""
        paragraph = "<p>" + "Solarstrom vom eigenen Dach. " * 40 + "</p>"
        self.template.body_html = paragraph * 8
        partners = self.partners[:2]
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_pdf_prepare_streams
        calls = []

        def spy(report, report_ref, data, res_ids=None):
            calls.append(list(res_ids))
            return original(report, report_ref, data, res_ids=res_ids)

        with patch.object(Report, "_render_qweb_pdf_prepare_streams", spy):
            pdfs = self.template.with_context(
                force_report_rendering=True
            )._render_letters_by_partner(partners)
        self.assertEqual(calls, [partners.ids])
        self.assertEqual(list(pdfs), partners.ids)
        for index, partner in enumerate(partners):
            pages = pdf_pages(pdfs[partner.id])
            self.assertGreater(pages, 1)
            text = pdf_text(pdfs[partner.id])
            self.assertIn(self.salutations[index], text)
            other = partners[1 - index]
            self.assertNotIn(other.letter_address_name, text)
        # page numbers from page 2 of each letter (DIN 5008)
        for partner in partners:
            pages = pdf_text(pdfs[partner.id]).split("\f")
            self.assertNotIn("Page:", pages[0])
            count = pdf_pages(pdfs[partner.id])
            self.assertIn(f"Page: 2 of {count}", pages[1])
            self.assertIn(f"Page: {count} of {count}", pages[count - 1])
        combined = self._render(partners)
        self.assertEqual(
            pdf_pages(combined), sum(pdf_pages(pdf) for pdf in pdfs.values())
        )
