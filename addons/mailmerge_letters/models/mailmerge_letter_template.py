# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import split_every
from odoo.tools.pdf import merge_pdf

# the expressions a template may name: t-out / t-esc / t-field in the body and
# signature, {{ ... }} in the subject
QWEB_EXPRESSION = re.compile(r"""\bt-(?:out|esc|field|raw)=(["'])(.*?)\1""", re.DOTALL)
INLINE_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
FIELD_PATH = re.compile(r"^object(\.\w+)+$")
# what makes a text differ per recipient: QWeb directives and inline expressions
DYNAMIC = re.compile(r"\bt-[a-z]|\{\{|\$\{")


class MailmergeLetterTemplate(models.Model):
    """A serial letter: rendered per recipient (``res.partner``) with the safe
    rendering of ``mail.template`` and printed in DIN 5008 Form B on Odoo's own
    DIN 5008 layout (``l10n_din5008``)."""

    _name = "mailmerge.letter.template"
    _inherit = ["mail.render.mixin"]
    _description = "Letter Template"
    _order = "sequence, name, id"
    # like mail.template: only template editors may write code into a template
    # (checked on create, write and translation); what they wrote renders for
    # every user
    _unrestricted_rendering = True

    # one wkhtmltopdf call renders at most this many letters (the patched
    # wkhtmltopdf crashes above about 150 records per call)
    _letter_chunk_size = 100

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    lang = fields.Char(
        help="Language code the letters are written in (e.g. de_DE), or a "
        "placeholder such as {{ object.lang }}; empty: each recipient's language.",
    )
    subject = fields.Char(
        translate=True,
        help="Printed as the letter's subject line (placeholders such as "
        "{{ object.commercial_company_name }} may be used).",
    )
    body_html = fields.Html(
        string="Body",
        render_engine="qweb",
        translate=True,
        sanitize="email_outgoing",
        help="The text after the salutation. Insert placeholders with /field or "
        "from the list of placeholders.",
    )
    closing = fields.Char(
        translate=True,
        default=lambda self: self.env._("Kind regards"),
        help='The complimentary close, e.g. "Mit freundlichen Grüßen".',
    )
    signature = fields.Html(
        render_engine="qweb",
        translate=True,
        sanitize="email_outgoing",
        help="Printed under the closing, e.g. the name and position of the sender.",
    )
    enclosures = fields.Char(
        translate=True,
        help="Enclosures line (Anlagen), e.g. the brochures that go with the letter.",
    )
    placeholder = fields.Selection(
        selection="_get_placeholder_selection",
        store=False,
        help="Choose a placeholder to see the code to put in the subject or body.",
    )
    placeholder_code = fields.Char(
        compute="_compute_placeholder_code",
        string="Code for the body",
    )
    placeholder_subject_code = fields.Char(
        compute="_compute_placeholder_code",
        string="Code for the subject",
    )

    @api.model
    def _get_letter_placeholders(self):
        """``(expression, label)`` of the placeholders every user may use (the
        others need the group Mail Template Editor)."""
        return self.env["res.partner"]._get_letter_placeholders()

    @api.model
    def _get_placeholder_selection(self):
        return self._get_letter_placeholders()

    def _compute_render_model(self):
        self.render_model = "res.partner"

    @api.depends("placeholder")
    def _compute_placeholder_code(self):
        for template in self:
            expression = template.placeholder
            template.placeholder_code = (
                f'<t t-out="{expression}"/>' if expression else False
            )
            template.placeholder_subject_code = (
                f"{{{{ {expression} }}}}" if expression else False
            )

    # Placeholders

    def _get_letter_expressions(self):
        """The expressions the template's texts use, in every language."""
        self.ensure_one()
        expressions = []
        for fname in ("body_html", "signature"):
            expressions += [
                m[1].strip() for m in QWEB_EXPRESSION.findall(self[fname] or "")
            ]
        expressions += [
            m.strip() for m in INLINE_EXPRESSION.findall(self.subject or "")
        ]
        expressions += [m.strip() for m in INLINE_EXPRESSION.findall(self.lang or "")]
        return expressions

    def _check_letter_placeholders(self):
        """Raise a ValidationError naming the first placeholder that names a field
        the recipients do not have."""
        Partner = self.env["res.partner"]
        for template in self:
            for expression in template._get_letter_expressions():
                if not FIELD_PATH.match(expression):
                    continue
                model = Partner
                for name in expression.split(".")[1:]:
                    field = model._fields.get(name)
                    if field is None:
                        raise ValidationError(
                            self.env._(
                                'The placeholder "%(placeholder)s" of the letter '
                                'template "%(template)s" does not exist: "%(field)s" '
                                "is no field of %(model)s.",
                                placeholder=expression,
                                template=template.display_name,
                                field=name,
                                model=model._description,
                            )
                        )
                    if not field.relational:
                        break
                    model = self.env[field.comodel_name]

    @api.constrains("body_html", "subject", "signature", "lang")
    def _constrains_letter_placeholders(self):
        self._check_letter_placeholders()

    # Rendering

    def _get_letter_lang(self, partner):
        self.ensure_one()
        return partner.lang or self.env.lang or "en_US"

    def _render_letters(self, partners):
        """``{partner id: {lang, subject, body, signature, closing, enclosures,
        date}}`` of the letter each recipient gets, in their language (or the
        template's)."""
        self.ensure_one()
        self._check_letter_placeholders()
        langs = (
            self._render_lang(partners.ids)
            if self.lang
            else {p.id: self._get_letter_lang(p) for p in partners}
        )
        active = {code for code, __ in self.env["res.lang"].get_installed()}
        by_lang = {}
        for partner in partners:
            lang = langs.get(partner.id)
            if lang not in active:
                lang = self._get_letter_lang(partner)
            by_lang.setdefault(lang, []).append(partner.id)
        letters = {}
        for lang, res_ids in by_lang.items():
            template = self.with_context(lang=lang)
            subjects = template._render_letter_field("subject", res_ids, lang)
            bodies = template._render_letter_field("body_html", res_ids, lang)
            signatures = template._render_letter_field("signature", res_ids, lang)
            date = tools.format_date(
                template.env, fields.Date.context_today(self), lang_code=lang
            )
            for res_id in res_ids:
                letters[res_id] = {
                    "lang": lang,
                    "subject": subjects[res_id],
                    "body": Markup(bodies[res_id] or ""),
                    "signature": Markup(signatures[res_id] or ""),
                    "closing": template.closing or "",
                    "enclosures": template.enclosures or "",
                    "date": date,
                }
        return letters

    def _render_letter_field(self, fname, res_ids, lang):
        """``{res id: rendered fname}``; a text without any expression is the
        same for everybody and is not rendered per recipient."""
        value = self[fname]
        if value and not DYNAMIC.search(value):
            return dict.fromkeys(res_ids, value)
        return self._render_field(fname, res_ids, set_lang=lang)

    def _render_letters_pdf(self, partners):
        """Bytes of one PDF with the letters of ``partners``, in their order: one
        wkhtmltopdf call per chunk of ``_letter_chunk_size`` letters, merged."""
        self.ensure_one()
        pdfs = list(self._render_letters_by_partner(partners).values())
        if not pdfs:
            return b""
        return pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)

    def _render_letters_by_partner(self, partners):
        """``{partner id: bytes of their letter's PDF}`` in the order of
        ``partners``, rendered in chunks of ``_letter_chunk_size`` letters."""
        self.ensure_one()
        self._check_letter_placeholders()
        pdfs = {}
        for chunk in split_every(self._letter_chunk_size, partners.ids):
            pdfs.update(self._render_letters_chunk(list(chunk)))
        return pdfs

    def _render_letters_chunk(self, partner_ids):
        """One wkhtmltopdf call for the letters of ``partner_ids``, split per
        letter by Odoo (one page each, or along the PDF's outline: each letter's
        subject is a heading); should that fail, one call per letter."""
        report = self.env.ref("mailmerge_letters.action_report_letter")
        streams = report._render_qweb_pdf_prepare_streams(
            report, {"letter_template_id": self.id}, res_ids=list(partner_ids)
        )
        pdfs = {}
        for partner_id in partner_ids:
            stream = streams.get(partner_id, {}).get("stream")
            if stream is None:
                if len(partner_ids) == 1:
                    # one letter: the whole PDF, whatever key Odoo gave it
                    stream = next(s["stream"] for s in streams.values() if s["stream"])
                else:
                    return {
                        pid: self._render_letters_chunk([pid])[pid]
                        for pid in partner_ids
                    }
            pdfs[partner_id] = stream.getvalue()
        return pdfs

    def action_preview_letter(self):
        """The letter of one recipient as HTML, for the form's preview."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailmerge.letter.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_template_id": self.id},
        }

    def _render_letter_preview(self, partner):
        """``(subject, html)`` of ``partner``'s letter as the PDF prints it."""
        self.ensure_one()
        letter = self._render_letters(partner)[partner.id]
        parts = [
            Markup("<p>%s</p>") % partner._get_letter_address(),
            Markup("<p>%s</p>") % letter["date"],
            Markup("<p><strong>%s</strong></p>") % letter["subject"],
            Markup("<p>%s,</p>") % partner.letter_salutation,
            letter["body"],
            Markup("<p>%s</p>") % letter["closing"],
            letter["signature"],
        ]
        if letter["enclosures"]:
            parts.append(
                Markup("<p>%s: %s</p>")
                % (self.env._("Enclosures"), letter["enclosures"])
            )
        return letter["subject"], Markup("").join(parts)
