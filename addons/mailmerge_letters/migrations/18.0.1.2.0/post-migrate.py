"""Databases of 18.0.1.0.0, installed before the install hook existed: carry the
contact titles over (as the hook does) and fill the salutation columns.

Contacts without form of address and academic title, nearly all of them, are filled
in SQL: their salutation only depends on the language ("Dear Sir or Madam") and
their address name is their name. The contacts the titles gave a form of address or
a title are computed by the ORM.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, parse_version

# The salutation of a contact the letter cannot name, per language of the rules
# (models/res_partner.py: _get_letter_lang(), _letter_salutation_<lang>()).
IMPERSONAL = {"de": "Sehr geehrte Damen und Herren"}
IMPERSONAL_DEFAULT = "Dear Sir or Madam"


def migrate(cr, version):
    if not version or parse_version(version) >= parse_version("18.0.1.1.0"):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    partners = env["res.partner"]._backfill_letter_fields_from_title()
    fill_impersonal_salutations(cr)
    partners.flush_recordset(["letter_salutation", "letter_address_name"])


def fill_impersonal_salutations(cr):
    """Contacts without form of address and academic title and without salutation."""
    lang = SQL("split_part(COALESCE(partner.lang, ''), '_', 1)")
    salutation = SQL(
        "CASE %s ELSE %s END",
        SQL(" ").join(
            SQL("WHEN %s = %s THEN %s", lang, code, text)
            for code, text in IMPERSONAL.items()
        ),
        IMPERSONAL_DEFAULT,
    )
    cr.execute(
        SQL(
            """
            UPDATE res_partner AS partner
               SET letter_salutation = %(salutation)s,
                   letter_address_name = CASE
                       WHEN NOT COALESCE(partner.is_company, FALSE)
                            AND COALESCE(partner.lastname, '') <> ''
                       THEN concat_ws(' ', NULLIF(partner.firstname, ''),
                                      partner.lastname)
                       ELSE COALESCE(partner.name, '')
                   END
             WHERE partner.letter_salutation IS NULL
               AND COALESCE(partner.form_of_address, 'none') = 'none'
               AND COALESCE(partner.academic_title, '') = ''
            """,
            salutation=salutation,
        )
    )
