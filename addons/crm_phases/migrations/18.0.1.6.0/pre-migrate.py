"""Stored computed fields added since 18.0.1.0.0, filled in SQL before the ORM sees
them.

When Odoo creates the column of a stored computed field itself, it computes the field
in Python for every existing row (``BaseModel._auto_init``): hours on a million
contacts. A column that exists already is left alone, so it is created and filled
here. Each step does nothing when its column or table exists (databases from
18.0.1.1.0 on have some of them).
"""

from odoo.tools import SQL, sql

# Characters whose folding SQL reproduces exactly (see name_company_key() in
# models/res_partner.py): printable ASCII and the German umlauts. Names with other
# characters are left NULL here and computed by the post-migration.
SIMPLE_TEXT = "^[ -~äöüßÄÖÜ]*$"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def migrate(cr, version):
    if not version:
        return
    fill_revenue_month(cr)
    fill_name_company_key(cr)
    fill_lead_business_fields(cr)


def fill_revenue_month(cr):
    """``crm.lead.revenue_month``: first day of the month of the revenue start, else
    of the expected closing."""
    if sql.column_exists(cr, "crm_lead", "revenue_month"):
        return
    sql.create_column(cr, "crm_lead", "revenue_month", "date")
    start = (
        SQL("COALESCE(revenue_date_from, date_deadline)")
        if sql.column_exists(cr, "crm_lead", "revenue_date_from")
        else SQL("date_deadline")
    )
    cr.execute(
        SQL(
            "UPDATE crm_lead SET revenue_month = date_trunc('month', %(start)s)::date "
            "WHERE %(start)s IS NOT NULL",
            start=start,
        )
    )


def _fold(text):
    """SQL of normalize_match_text() for SIMPLE_TEXT, before the words are split:
    umlauts folded, lower case (by translate(), whatever the database's locale)."""
    for char, fold in (
        ("ä", "ae"),
        ("Ä", "ae"),
        ("ö", "oe"),
        ("Ö", "oe"),
        ("ü", "ue"),
        ("Ü", "ue"),
        ("ß", "ss"),
    ):
        text = SQL("replace(%s, %s, %s)", text, char, fold)
    return SQL("translate(%s, %s, %s)", text, UPPER, UPPER.lower())


def _sorted_words(text):
    """The words of a SIMPLE_TEXT (spaces separate them) sorted by code point, joined
    by one space."""
    return SQL(
        "array_to_string(ARRAY(SELECT word FROM unnest(string_to_array(%s, ' ')) "
        "AS word WHERE word <> '' ORDER BY word COLLATE \"C\"), ' ')",
        text,
    )


def _collapsed(text):
    """The words of a SIMPLE_TEXT in their order, joined by one space."""
    return SQL("btrim(regexp_replace(%s, ' +', ' ', 'g'))", text)


def fill_name_company_key(cr):
    """``res.partner.name_company_key``: "<name words sorted>|<company>" normalised,
    NULL without a name."""
    if sql.column_exists(cr, "res_partner", "name_company_key"):
        return
    sql.create_column(cr, "res_partner", "name_company_key", "varchar")
    name = SQL("COALESCE(partner.name, '')")
    company = SQL(
        "CASE WHEN partner.is_company THEN '' "
        "ELSE COALESCE(NULLIF(parent.name, ''), NULLIF(partner.company_name, ''), '') "
        "END"
    )
    cr.execute(
        SQL(
            """
            UPDATE res_partner AS target
               SET name_company_key = keys.name_words || '|' || keys.company_words
              FROM (
                    SELECT src.id,
                           %(name_words)s AS name_words,
                           %(company_words)s AS company_words
                      FROM (
                            SELECT partner.id, %(name)s AS name, %(company)s AS company
                              FROM res_partner AS partner
                         LEFT JOIN res_partner AS parent
                                ON parent.id = partner.parent_id
                           ) AS src
                     WHERE src.name ~ %(simple)s AND src.company ~ %(simple)s
                   ) AS keys
             WHERE keys.id = target.id AND keys.name_words <> ''
            """,
            name=name,
            company=company,
            name_words=_sorted_words(_fold(SQL("src.name"))),
            company_words=_collapsed(_fold(SQL("src.company"))),
            simple=SIMPLE_TEXT,
        )
    )


def fill_lead_business_fields(cr):
    """``crm.lead.business_field_ids``: the business fields of the categories of the
    lines (the line's category and its product's)."""
    relation = "crm_lead_business_field_rel"
    if sql.table_exists(cr, relation):
        return
    # the table as Odoo's Many2many.update_db creates it (foreign keys follow)
    cr.execute(
        SQL(
            """
            CREATE TABLE %(rel)s (lead_id INTEGER NOT NULL,
                                  business_field_id INTEGER NOT NULL,
                                  PRIMARY KEY(lead_id, business_field_id));
            COMMENT ON TABLE %(rel)s IS %(comment)s;
            CREATE INDEX ON %(rel)s (business_field_id, lead_id);
            """,
            rel=SQL.identifier(relation),
            comment="RELATION BETWEEN crm_lead AND crm_business_field",
        )
    )
    if not sql.column_exists(cr, "crm_lead_line", "category_id"):
        return  # crm_lead_product is installed by this upgrade: no lines yet
    cr.execute(
        SQL(
            """
            INSERT INTO %(rel)s (lead_id, business_field_id)
            SELECT DISTINCT line.lead_id, category.business_field_id
              FROM crm_lead_line AS line
         LEFT JOIN product_product AS product ON product.id = line.product_id
         LEFT JOIN product_template AS template
                ON template.id = product.product_tmpl_id
              JOIN product_category AS category
                ON category.id IN (line.category_id, template.categ_id)
             WHERE line.lead_id IS NOT NULL
               AND category.business_field_id IS NOT NULL
            """,
            rel=SQL.identifier(relation),
        )
    )
