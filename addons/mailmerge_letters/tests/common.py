from odoo.tests import TransactionCase, new_test_user


class MailmergeLettersCase(TransactionCase):
    """Roles and languages shared by the mailmerge_letters tests (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # what Odoo's default internal user may do: read and edit contacts
        cls.user_clerk = new_test_user(
            cls.env, login="clerk", groups="base.group_user,base.group_partner_manager"
        )
        cls.user_reader = new_test_user(
            cls.env, login="reader", groups="base.group_user"
        )
        for code in ("de_DE", "de_CH", "de_AT", "fr_FR"):
            cls.env["res.lang"]._activate_lang(code)

    @classmethod
    def create_person(cls, firstname, lastname, lang="de_DE", **values):
        return cls.env["res.partner"].create(
            [dict(values, firstname=firstname, lastname=lastname, lang=lang)]
        )
