# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import zipfile
from datetime import date

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree, html
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

DOCX_MIMETYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
# what python-docx raises for a file that is no Word document
DOCX_FILE_ERRORS = (
    zipfile.BadZipFile,
    PackageNotFoundError,
    KeyError,
    ValueError,
    etree.XMLSyntaxError,
)
# HTML elements that make a paragraph of their own in the plain-text body
BLOCK_TAGS = frozenset(
    {"p", "div", "li", "blockquote", "pre", "address", "ul", "ol", "table", "tr"}
    | {f"h{level}" for level in range(1, 7)}
)
# docxtpl turns this character of a value into a new paragraph (\n: a line break)
DOCX_PARAGRAPH = "\a"
PAGE_BREAK = '<w:p %s><w:r><w:br w:type="page"/></w:r></w:p>' % nsdecls("w")


def html_to_paragraphs(value):
    """The paragraphs of an HTML text as plain text: one per block element,
    ``<br>`` kept as a line break, other whitespace collapsed."""
    if is_html_empty(value):
        return []
    marker = "\ue000"  # private use: not in any text
    root = html.fragment_fromstring(str(value), create_parent="div")
    for element in root.iter():
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in BLOCK_TAGS:
            element.text = marker + (element.text or "")
            element.tail = marker + (element.tail or "")
    paragraphs = []
    for chunk in root.text_content().split(marker):
        text = "\n".join(" ".join(line.split()) for line in chunk.split("\n")).strip()
        if text:
            paragraphs.append(text)
    return paragraphs


def append_letter(master, document):
    """Append the body of ``document`` to ``master`` after a page break. Both
    are rendered from the same Word template, so the relationship ids (images,
    headers) of the appended body hold in ``master``."""
    body = master.element.body
    section = body.sectPr
    elements = [parse_xml(PAGE_BREAK)] + [
        child
        for child in document.element.body.iterchildren()
        if child.tag != qn("w:sectPr")
    ]
    for element in elements:
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)


class MailmergeLetterTemplate(models.Model):
    """Serial letters as one Word document: a .docx the user wrote in Word with
    placeholders such as ``{{ salutation }}``, rendered with ``docxtpl`` per
    recipient (in a sandbox: a template cannot run code) and joined with page
    breaks."""

    _inherit = "mailmerge.letter.template"

    docx_template = fields.Binary(
        string="Word Template",
        attachment=True,
        help="A Word document (.docx) with placeholders such as {{ salutation }}: "
        "Serial Letter → Word document (DOCX) fills it in for every recipient.",
    )
    docx_template_filename = fields.Char(string="Word Template File Name")
    docx_variables_help = fields.Html(
        compute="_compute_docx_variables_help",
        string="Placeholders of Word Templates",
    )

    @api.model
    def _get_docx_variables(self):
        """``(name, label)`` of the placeholders a Word template may use, as
        ``{{ name }}``; ``_get_docx_letter_context`` gives all of them."""
        _ = self.env._
        return [
            ("salutation", _("Salutation, e.g. Sehr geehrter Herr Dr. Müller")),
            ("address", _("Address field, one line each (DIN 5008)")),
            ("address_lines", _("The lines of the address field, as a list")),
            ("address_name", _("Name in the address, e.g. Herrn Dr. Hans Müller")),
            ("title", _("Academic title")),
            ("firstname", _("First name")),
            ("lastname", _("Last name")),
            ("name", _("Name")),
            ("company", _("Company of the recipient")),
            ("street", _("Street")),
            ("street2", _("Street 2")),
            ("zip", _("ZIP")),
            ("city", _("City")),
            ("country", _("Country")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("ref", _("Reference (customer number)")),
            ("salesperson", _("Salesperson")),
            ("business_fields", _("Business fields, comma-separated")),
            ("campaign", _("Campaign")),
            ("date", _("Today's date in the letter's language")),
            ("subject", _("Subject of the letter template")),
            ("body", _("Body of the letter template as plain text, by paragraph")),
            ("body_paragraphs", _("The paragraphs of the body, as a list")),
            ("closing", _("Closing, e.g. Mit freundlichen Grüßen")),
            ("signature", _("Signature as plain text")),
            ("enclosures", _("Enclosures line (Anlagen)")),
            ("sender", _("Your company's name")),
        ] + [(name, label) for name, __, label in self._get_docx_custom_variables()]

    @api.model
    def _get_docx_custom_variables(self):
        """``(name, field path, label)`` of the integrator's custom fields of
        contacts (``x_…``), the placeholders letter templates offer for them."""
        return [
            (expression.split(".")[1], expression.split(".")[1:], label)
            for expression, label in self.env[
                "res.partner"
            ]._get_letter_custom_placeholders()
        ]

    def _compute_docx_variables_help(self):
        # no curly braces: mail.render.mixin takes any field of a template with
        # them for a placeholder that only template editors may write
        rows = Markup("").join(
            Markup("<tr><td><code>%s</code></td><td>%s</td></tr>") % (name, label)
            for name, label in self._get_docx_variables()
        )
        self.docx_variables_help = (
            Markup("<table class='table table-sm'>%s</table>") % rows
        )

    @api.constrains("docx_template")
    def _check_docx_template(self):
        for template in self.with_context(bin_size=False):
            if template.docx_template:
                template._check_docx_template_data(
                    base64.b64decode(template.docx_template),
                    template.docx_template_filename,
                )

    def _get_docx_template_data(self):
        """Bytes of the template's Word template; a UserError without one."""
        self.ensure_one()
        data = self.with_context(bin_size=False).docx_template
        if not data:
            raise UserError(
                self.env._(
                    'The letter template "%s" has no Word template: upload a .docx '
                    "on the template (tab Word Template) or in the serial letter.",
                    self.display_name,
                )
            )
        return base64.b64decode(data)

    # Rendering

    def _get_docx_jinja_env(self):
        """Sandboxed (no attribute of Python internals, no code), escaping the
        values for Word's XML, and strict: a misspelt placeholder is an error
        naming it instead of an empty gap in a thousand letters."""
        return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)

    def _get_docx_letter_context(self, partner, letter):
        """The values of the placeholders (``_get_docx_variables``) in the letter
        to ``partner``; ``letter`` is theirs from ``_render_letters``."""
        self.ensure_one()
        # the rendering's context (e.g. the run's campaign) applies
        partner = partner.with_env(self.env)
        address_lines = partner._get_letter_address_lines()
        body_paragraphs = html_to_paragraphs(letter["body"])
        # business fields and campaign: from crm_phases when installed
        crm = {
            name: (partner[fname] or "") if fname in partner._fields else ""
            for name, fname in (
                ("business_fields", "letter_business_fields"),
                ("campaign", "letter_campaign"),
            )
        }
        custom = {}
        for name, path, __ in self._get_docx_custom_variables():
            value = partner
            for fname in path:
                value = value[fname]
            custom[name] = self._format_docx_value(value, letter["lang"])
        return {
            "salutation": partner.letter_salutation or "",
            "address": "\n".join(address_lines),
            "address_lines": address_lines,
            "address_name": partner.letter_address_name or "",
            "title": partner.academic_title or "",
            "firstname": partner.firstname or "",
            "lastname": partner.lastname or "",
            "name": partner.name or "",
            "company": partner.commercial_company_name or "",
            "street": partner.street or "",
            "street2": partner.street2 or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "country": partner.country_id.name or "",
            "email": partner.email or "",
            "phone": partner.phone or "",
            "ref": partner.ref or "",
            "salesperson": partner.user_id.name or "",
            "business_fields": crm["business_fields"],
            "campaign": crm["campaign"],
            "date": letter["date"] or "",
            "subject": letter["subject"] or "",
            "body": DOCX_PARAGRAPH.join(body_paragraphs),
            "body_paragraphs": body_paragraphs,
            "closing": letter["closing"] or "",
            "signature": "\n".join(html_to_paragraphs(letter["signature"])),
            "enclosures": letter["enclosures"] or "",
            "sender": self.env.company.name or "",
            **custom,
        }

    def _format_docx_value(self, value, lang):
        """A field's value as the text of a placeholder."""
        if value is False or value is None:
            return ""
        if isinstance(value, date):
            return tools.format_date(self.env, value, lang_code=lang)
        return str(value)

    def _get_docx_sample_context(self):
        """Every placeholder with a stand-in value of its type, to try a Word
        template before any letter is written."""
        partner = self.env["res.partner"].new({"name": "Sample"})
        letter = dict.fromkeys(("date", "subject", "closing", "enclosures"), "")
        letter["lang"] = self.env.lang
        letter.update(body=Markup(""), signature=Markup(""))
        context = self._get_docx_letter_context(partner, letter)
        return {
            name: [name] if isinstance(value, list) else name
            for name, value in context.items()
        }

    def _check_docx_template_data(self, data, filename=None):
        """Try the Word template ``data`` with stand-in values: a UserError naming
        the problem when it is no .docx or a placeholder is broken."""
        self._render_docx_letter(data, self._get_docx_sample_context(), filename)

    def _render_docx_letter(self, data, context, filename=None):
        """The ``docx.Document`` of one letter: the Word template ``data``
        rendered with ``context``."""
        name = filename or self.docx_template_filename or self.display_name or ""
        try:
            template = DocxTemplate(io.BytesIO(data))
            template.render(context, jinja_env=self._get_docx_jinja_env())
        except TemplateError as error:
            near = " ".join(
                line.strip()
                for line in getattr(error, "docx_context", None) or ()
                if line.strip()
            )
            raise UserError(
                self.env._(
                    'The Word template "%(name)s" has a broken placeholder: '
                    "%(error)s%(near)s. Nothing was produced. The placeholders are: "
                    "%(names)s.",
                    name=name,
                    error=(error.message or error.__class__.__name__).rstrip("."),
                    near=self.env._(' (near "%s")', near[:120]) if near else "",
                    names=", ".join(n for n, __ in self._get_docx_variables()),
                )
            ) from error
        except DOCX_FILE_ERRORS as error:
            raise UserError(
                self.env._(
                    'The Word template "%s" is no Word document (.docx): save it in '
                    'Word as "Word Document (*.docx)" and upload it again.',
                    name,
                )
            ) from error
        return template.docx

    def _render_letters_docx(self, partners, data=None, filename=None):
        """Bytes of one .docx with the letters of ``partners`` in their order, a
        page break between two letters: each rendered from the Word template
        ``data`` (default: the template's), its body appended to the first.
        Headers, footers and page setup are the Word template's (rendered for
        the first letter)."""
        self.ensure_one()
        if not partners:
            raise UserError(self.env._("No recipient left to write to."))
        data = data or self._get_docx_template_data()
        # a broken template fails here, before any letter is rendered
        self._check_docx_template_data(data, filename)
        letters = self._render_letters(partners)
        master = None
        for partner in partners:
            context = self._get_docx_letter_context(partner, letters[partner.id])
            document = self._render_docx_letter(data, context, filename)
            if master is None:
                master = document
            else:
                append_letter(master, document)
        # drawings of every letter numbered anew: Word wants them unique
        for index, drawing in enumerate(master.element.body.iter(qn("wp:docPr")), 1):
            drawing.set("id", str(index))
        output = io.BytesIO()
        master.save(output)
        return output.getvalue()

    def _render_letters_docx_attachment(self, partners, data=None, filename=None):
        """The .docx of ``_render_letters_docx`` as an ``ir.attachment`` for a
        download (no record: only its creator and administrators read it)."""
        content = self._render_letters_docx(partners, data, filename)
        return self.env["ir.attachment"].create(
            [
                {
                    "name": f"{self.name}.docx",
                    "raw": content,
                    "mimetype": DOCX_MIMETYPE,
                }
            ]
        )
