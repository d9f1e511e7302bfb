"""Databases of 18.0.1.0.0: create the letter columns before the ORM does.

Odoo computes a stored computed field for every existing row in Python when it
creates the column itself (``BaseModel._auto_init``): hours on a million contacts.
The columns are created here and filled in SQL by the post-migration, after the
contact titles were carried over.
"""

from odoo.tools import sql

COLUMNS = {
    "form_of_address": "varchar",
    "academic_title": "varchar",
    "letter_salutation": "varchar",
    "letter_address_name": "varchar",
}


def migrate(cr, version):
    if not version:
        return
    for column, column_type in COLUMNS.items():
        if not sql.column_exists(cr, "res_partner", column):
            sql.create_column(cr, "res_partner", column, column_type)
