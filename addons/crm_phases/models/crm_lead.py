from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, format_amount, format_date, formatLang, is_html_empty


class CrmLead(models.Model):
    _inherit = "crm.lead"

    won_handled_date = fields.Datetime(
        string="Order Handover On",
        readonly=True,
        copy=False,
        help="When the order desk was handed this won opportunity (task, e-mail, "
        "order). Set once: winning it again does not hand it over a second time.",
    )

    # ------------------------------------------------------------
    # CRUD: detect the leads that newly reach won
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._filter_won()._handle_newly_won()
        return leads

    def write(self, vals):
        """Hand over the leads this write brings into won (stage or restore).

        ``_handle_won_lost(vals)`` sees the values before they are written; the
        hand-over needs the written lead (stage, revenue of the same write), so the
        same batch is computed here around ``super()``.
        """
        if "stage_id" not in vals and "active" not in vals:
            return super().write(vals)
        not_won_before = self - self._filter_won()
        result = super().write(vals)
        not_won_before._filter_won()._handle_newly_won()
        return result

    def _filter_won(self):
        """Won as Odoo means it: active and in a stage flagged ``is_won``."""
        return self.filtered(lambda lead: lead.active and lead.stage_id.is_won)

    def _handle_newly_won(self):
        claimed = self._claim_won_handling()
        if claimed:
            claimed._on_opportunity_won()

    def _claim_won_handling(self):
        """Mark the leads as handed over; return those this transaction marked.

        One ``UPDATE ... WHERE won_handled_date IS NULL``: its row lock serialises
        concurrent winners of the same lead, so exactly one transaction gets its id
        back (the other waits, then sees the marker or fails to serialise and is
        retried by Odoo).
        """
        leads = self.filtered(lambda lead: not lead.won_handled_date)
        if not leads:
            return leads
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET won_handled_date = %s "
                "WHERE id IN %s AND won_handled_date IS NULL RETURNING id",
                SQL.identifier(self._table),
                self.env.cr.now(),
                tuple(leads.ids),
            )
        )
        claimed_ids = [row[0] for row in self.env.cr.fetchall()]
        leads.invalidate_recordset(["won_handled_date"])
        return self.browse(claimed_ids)

    # ------------------------------------------------------------
    # WON HOOK
    # ------------------------------------------------------------

    def _on_opportunity_won(self):
        """Hook called exactly once per opportunity, on the leads newly won together.

        Extend it to act on won opportunities (``erp_transfer`` creates the sales
        order) and call ``super()`` to keep the order desk's task and e-mail.
        """
        clerks = self._get_order_clerks()
        leads_by_clerk = self.grouped(lambda lead: clerks[lead.id])
        self._create_order_handover_activities(leads_by_clerk)
        self._send_order_handover_mails(leads_by_clerk)

    def _get_order_clerks(self):
        """Who gets the order task, per lead id: the order clerk of the lead's company
        (CRM settings), else the leader of its sales team, else its salesperson, else
        the user who won it."""
        return {
            lead.id: (lead.company_id or self.env.company).order_clerk_user_id
            or lead.team_id.user_id
            or lead.user_id
            or self.env.user
            for lead in self
        }

    def _get_order_handover_activity_type(self):
        return self.env.ref(
            "crm_phases.mail_activity_type_create_order", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")

    def _create_order_handover_activities(self, leads_by_clerk):
        activity_type = self._get_order_handover_activity_type()
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = activity_type._get_date_deadline()
        vals_list = []
        for clerk, leads in leads_by_clerk.items():
            notes = leads.with_context(lang=clerk.lang)._get_order_handover_notes()
            vals_list += [
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": deadline,
                    "user_id": clerk.id,
                    "note": notes[lead.id],
                }
                for lead in leads
            ]
        # The task shows in the clerk's activities; the optional e-mail below replaces
        # Odoo's per-activity "assigned to you" notification.
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _send_order_handover_mails(self, leads_by_clerk):
        """Queue the hand-over e-mail to the clerk, for leads whose company wants it,
        in the clerk's language."""
        mails = self.env["mail.mail"]
        for clerk, leads in leads_by_clerk.items():
            by_company = leads.grouped(lambda lead: lead.company_id or self.env.company)
            for company, company_leads in by_company.items():
                template = (
                    company.order_handover_send_mail
                    and company._get_order_handover_template()
                )
                if not template:
                    continue
                mails |= template.with_context(lang=clerk.lang).send_mail_batch(
                    company_leads.ids,
                    email_values={"recipient_ids": [Command.link(clerk.partner_id.id)]},
                )
        return mails

    # ------------------------------------------------------------
    # HAND-OVER NOTE
    # ------------------------------------------------------------

    def _prepare_order_handover_values(self):
        """Key data of each lead for the order desk, per lead id.

        ``{"rows": [(label, value)], "lines": [{"product", "quantity", "price_unit",
        "subtotal"}]}``: values are text (escaped when rendered) or ``Markup``
        (trusted HTML). Override to add rows or product lines.
        """
        has_reference = "web_reference" in self._fields
        values = {}
        for lead in self:
            currency = lead.company_currency or self.env.company.currency_id
            partner = lead.partner_id
            contact = partner if partner and not partner.is_company else False
            rows = [
                (self.env._("Opportunity"), lead.name),
                (self.env._("Reference"), has_reference and lead.web_reference),
                (
                    self.env._("Customer"),
                    partner.commercial_partner_id.display_name or lead.partner_name,
                ),
                (
                    self.env._("Contact Person"),
                    contact.name if contact else lead.contact_name,
                ),
                (self.env._("Email"), lead.email_from),
                (self.env._("Phone"), lead.phone or lead.mobile),
                (
                    self.env._("Expected Revenue"),
                    format_amount(self.env, lead.expected_revenue, currency),
                ),
                (
                    self.env._("Probability"),
                    "%s %%" % formatLang(self.env, lead.probability, digits=0),
                ),
                (
                    self.env._("Expected Closing"),
                    lead.date_deadline and format_date(self.env, lead.date_deadline),
                ),
                (self.env._("Campaign"), lead.campaign_id.display_name),
                (self.env._("Source"), lead.source_id.display_name),
                (self.env._("Salesperson"), lead.user_id.display_name),
                (self.env._("Sales Team"), lead.team_id.display_name),
                (
                    self.env._("Description"),
                    not is_html_empty(lead.description) and lead.description,
                ),
            ]
            values[lead.id] = {
                "rows": [(label, value) for label, value in rows if value],
                "lines": [],
            }
        return values

    def _get_order_handover_notes(self):
        """HTML note per lead id, in the language of the context."""
        values = self._prepare_order_handover_values()
        return {
            lead.id: self._render_order_handover_note(values[lead.id]) for lead in self
        }

    def _get_order_handover_note(self):
        """HTML note of one lead (used by the hand-over e-mail template)."""
        self.ensure_one()
        return self._get_order_handover_notes()[self.id]

    @api.model
    def _render_order_handover_note(self, values):
        """A table of the key data, then one of the product lines if there are any."""
        note = Markup(
            '<table class="o_crm_phases_order_handover"><tbody>%s</tbody></table>'
        ) % (
            Markup().join(
                Markup("<tr><th>%s</th><td>%s</td></tr>") % (label, value)
                for label, value in values["rows"]
            )
        )
        if values["lines"]:
            note += self._render_order_handover_lines(values["lines"])
        return note

    @api.model
    def _render_order_handover_lines(self, lines):
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Product"),
            self.env._("Quantity"),
            self.env._("Unit Price"),
            self.env._("Subtotal"),
        )
        body = Markup().join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (line["product"], line["quantity"], line["price_unit"], line["subtotal"])
            for line in lines
        )
        return Markup(
            '<table class="o_crm_phases_order_handover_lines">'
            "<thead>%s</thead><tbody>%s</tbody></table>"
        ) % (head, body)
