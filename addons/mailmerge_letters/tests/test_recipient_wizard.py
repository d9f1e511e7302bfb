from odoo.tests import Form, tagged, users

from .common import MailmergeRecipientCase


@tagged("post_install", "-at_install")
class TestRecipientWizard(MailmergeRecipientCase):
    def _wizard_form(self, partners):
        return Form(
            self.env["mailmerge.recipient.wizard"].with_context(
                active_model="res.partner", active_ids=partners.ids
            )
        )

    @users("reader")
    def test_preview_and_change_per_company(self):
        self.petra.is_preferred_recipient = True
        selection = self.company_weber | self.markus | self.private
        form = self._wizard_form(selection)
        form.channel = "mail"
        self.assertEqual(form.recipient_count, 2)
        self.assertEqual(form.left_out_count, 2)
        self.assertIn(
            "Another contact of Weber Test KG is addressed: Petra Weber",
            form.left_out_html,
        )
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.commercial_partner_id, self.company_weber)
            self.assertEqual(line.recipient_id, self.petra)
            self.assertEqual(line.choice, "Preferred contact")
            line.recipient_id = self.markus
            self.assertEqual(line.choice, "Chosen by you")
            self.assertEqual(line.left_out_names, "Weber Test KG")
        self.assertEqual(form.left_out_count, 1)
        self.assertIn("Its contact Markus Weber is addressed", form.left_out_html)
        wizard = form.save()
        self.assertEqual(wizard._get_recipients(), self.markus | self.private)
        self.assertEqual(
            wizard._get_left_out(),
            {self.company_weber: "Its contact Markus Weber is addressed"},
        )
        action = wizard.action_export()
        self.assertEqual(action["res_model"], "mailmerge.export.wizard")
        self.assertEqual(
            action["context"]["default_partner_ids"], (self.markus | self.private).ids
        )
        self.assertEqual(action["context"]["default_target"], "selected")
        action = wizard.action_show_recipients()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.markus | self.private
        )

    def test_archived_are_listed(self):
        self.markus.active = False
        wizard = self._wizard_form(self.markus | self.tobias).save()
        self.assertEqual(wizard._get_recipients(), self.tobias)
        self.assertEqual(wizard._get_left_out(), {self.markus: "Archived"})

    def test_recipient_domain_is_the_company(self):
        wizard = self._wizard_form(self.tobias).save()
        domain = [
            ("commercial_partner_id", "=", wizard.line_ids.commercial_partner_id.id)
        ]
        self.assertEqual(
            self.env["res.partner"].search(domain),
            self.company_weber | self.markus | self.petra | self.tobias,
        )
        self.assertIn(
            "commercial_partner_id", wizard.line_ids._fields["recipient_id"].domain
        )

    def test_actions_on_the_contacts_list(self):
        for xmlid in (
            "mailmerge_recipient_wizard_action",
            "mailmerge_export_wizard_action",
        ):
            action = self.env.ref(f"mailmerge_letters.{xmlid}")
            self.assertEqual(action.binding_model_id.model, "res.partner")

    @users("reader")
    def test_created_like_over_rpc(self):
        """What a program does over JSON-RPC: create with the selection, read the
        lines (recipient per company), write another recipient."""
        self.petra.is_preferred_recipient = True
        Wizard = self.env["mailmerge.recipient.wizard"]
        wizard = Wizard.create(
            [
                {
                    "partner_ids": [(6, 0, (self.company_weber | self.private).ids)],
                    "channel": "mail",
                }
            ]
        )
        lines = wizard.line_ids.read(["commercial_partner_id", "recipient_id", "how"])
        self.assertEqual(
            [(line["recipient_id"][0], line["how"]) for line in lines],
            [(self.petra.id, "preferred"), (self.private.id, "own")],
        )
        wizard.line_ids[0].write({"recipient_id": self.tobias.id})
        self.assertEqual(wizard._get_recipients(), self.tobias | self.private)
