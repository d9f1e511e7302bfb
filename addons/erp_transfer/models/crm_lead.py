from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Won opportunity → sales order, exactly once (``erp.transfer.log``), by the
    button, the list action or automatically when won."""

    _inherit = "crm.lead"

    order_transfer_log_ids = fields.One2many(
        comodel_name="erp.transfer.log",
        inverse_name="lead_id",
        string="Order Transfers",
        readonly=True,
    )
    transfer_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Transferred Order",
        compute="_compute_transfer_order_id",
        search="_search_transfer_order_id",
        help="The sales order this won opportunity was transferred to (the latest "
        "one after a transfer again).",
    )
    order_transferred = fields.Boolean(
        compute="_compute_transfer_order_id",
        help="Transferred to a sales order (even if that order was deleted since).",
    )
    can_transfer_to_order = fields.Boolean(
        compute="_compute_transfer_order_id",
        help="Won and not transferred to a sales order yet.",
    )

    @api.depends(
        "order_transfer_log_ids.state",
        "order_transfer_log_ids.order_id",
        "active",
        "stage_id.is_won",
    )
    def _compute_transfer_order_id(self):
        logs = self.env["erp.transfer.log"].search(
            [("lead_id", "in", self.ids), ("state", "=", "done")],
            order="generation, id",
        )
        # the latest generation wins
        order_by_lead = {log.lead_id.id: log.order_id for log in logs}
        for lead in self:
            lead.transfer_order_id = order_by_lead.get(lead._origin.id, False)
            lead.order_transferred = lead._origin.id in order_by_lead
            lead.can_transfer_to_order = (
                lead.active and lead.stage_id.is_won and not lead.order_transferred
            )

    def _search_transfer_order_id(self, operator, value):
        log_domain = [("state", "=", "done")]
        if operator in ("=", "!=") and not value:
            log_domain.append(("order_id", "!=", False))
            if operator == "=":
                return [("order_transfer_log_ids", "not any", log_domain)]
            return [("order_transfer_log_ids", "any", log_domain)]
        log_domain.append(("order_id", operator, value))
        return [("order_transfer_log_ids", "any", log_domain)]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_transfer_to_order(self):
        """Transfer button and list action: the sales orders of these won
        opportunities, created once. Calling it again opens the same orders."""
        orders = self._transfer_to_order()
        return orders._get_records_action(name=self.env._("Sales Orders"))

    def action_view_transfer_order(self):
        self.ensure_one()
        return self.transfer_order_id._get_records_action(
            name=self.env._("Sales Order")
        )

    def action_open_transfer_again(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "erp_transfer.crm_lead_transfer_again_action"
        )
        action["context"] = {"default_lead_id": self.id}
        return action

    # ------------------------------------------------------------
    # TRANSFER
    # ------------------------------------------------------------

    def _transfer_to_order(self):
        """The sales order of each lead, in the order of ``self``: the one it was
        transferred to, else created now. Raises a UserError naming every lead
        that cannot be transferred, before anything is created."""
        self._check_order_transfer()
        todo = self.filtered(lambda lead: not lead.order_transferred)
        todo._create_transfer_orders({lead.id: 1 for lead in todo})
        self.invalidate_recordset(["order_transfer_log_ids", "transfer_order_id"])
        return self.transfer_order_id

    def _transfer_to_order_again(self, reason):
        """An explicit new order for leads already transferred, with the reason."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give a reason to transfer again."))
        self._check_order_transfer(again=True)
        done_logs = self.env["erp.transfer.log"].search([("lead_id", "in", self.ids)])
        last_generation = defaultdict(int)
        for log in done_logs:
            last_generation[log.lead_id.id] = max(
                last_generation[log.lead_id.id], log.generation
            )
        generations = {lead.id: last_generation[lead.id] + 1 for lead in self}
        orders = self._create_transfer_orders(generations, reason=reason.strip())
        self.invalidate_recordset(["order_transfer_log_ids", "transfer_order_id"])
        return orders

    def _check_order_transfer(self, again=False):
        problems = self.filtered(
            lambda lead: again or not lead.transfer_order_id
        )._get_order_transfer_problems(again=again)
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was transferred; these opportunities cannot become "
                    "sales orders:\n%(problems)s",
                    problems="\n".join(
                        f"- {self.browse(lead_id).name}: {message}"
                        for lead_id, message in problems.items()
                    ),
                )
            )

    def _get_order_transfer_problems(self, again=False):
        """Why leads cannot be transferred, per lead id (no entry: they can).

        An archived product is refused rather than ordered: it is no longer sold,
        the clerk replaces it on the opportunity (or restores it) first.
        """
        problems = {}
        for lead in self:
            if not (lead.active and lead.stage_id.is_won):
                problems[lead.id] = self.env._("it is not won.")
            elif lead.order_transferred and not again:
                problems[lead.id] = self.env._(
                    "its sales order was deleted; use “Transfer Again” with a reason."
                )
            elif not lead.partner_id:
                problems[lead.id] = self.env._("it has no customer.")
            elif not lead.lead_line_ids:
                problems[lead.id] = self.env._("it has no product lines.")
            elif no_product := lead.lead_line_ids.filtered(
                lambda line: not line.product_id
            ):
                problems[lead.id] = self.env._(
                    "the line “%s” has no product.", no_product[0].name
                )
            elif archived := lead.lead_line_ids.product_id.filtered(
                lambda product: not product.active
            ):
                problems[lead.id] = self.env._(
                    "the product “%s” is archived: replace it on the opportunity "
                    "or restore the product.",
                    archived[0].display_name,
                )
        return problems

    def _create_transfer_orders(self, generations, reason=None):
        """Claim the transfer of each lead (its key: lead and generation), create
        the orders of the claimed leads in one ``create`` and link them.

        Leads another transaction claimed meanwhile get no order here: their
        order is the one that transaction created.
        """
        Log = self.env["erp.transfer.log"]
        # the log is the system's record of transfers: users read it, only the
        # transfer writes it
        logs = Log.sudo()._claim(self, generations, reason=reason)
        log_by_lead = {log.lead_id.id: log for log in logs}
        leads = self.filtered(lambda lead: lead.id in log_by_lead)
        if not leads:
            return self.env["sale.order"]
        orders = leads._create_transfer_order_records(
            leads._prepare_transfer_order_values_list()
        )
        for lead, order in zip(leads, orders, strict=True):
            log_by_lead[lead.id].order_id = order
        leads._link_transfer_orders(orders)
        return orders

    def _create_transfer_order_records(self, vals_list):
        """``sale.order.create`` for many orders at a fixed number of queries.

        The chatter's create subscribes the followers and logs the creation order
        by order (several queries each) and mails "you have been assigned" to
        the salesperson of every order. Here the orders are created without it,
        then the same followers are subscribed per salesperson and team (few
        groups, not one per order), and the creation is logged in one batch. The
        salesperson owns the opportunity already: no assignment mail.
        """
        SaleOrder = self.env["sale.order"]
        vals_list = SaleOrder._assign_sequence_names(vals_list)
        orders = (
            SaleOrder.with_context(tracking_disable=True)
            .create(vals_list)
            .with_env(self.env)
        )
        if self.env.user.active:
            self.env["mail.followers"]._insert_followers(
                orders._name,
                orders.ids,
                self.env.user.partner_id.ids,
                subtypes=None,
                customer_ids=[],
                check_existing=False,
            )
        groups = defaultdict(list)
        for order in orders:
            groups[(order.user_id.id, order.team_id.id)].append(order.id)
        for (user_id, team_id), order_ids in groups.items():
            SaleOrder.browse(order_ids).with_context(
                mail_auto_subscribe_no_notify=True
            )._message_auto_subscribe(
                {"user_id": user_id, "team_id": team_id},
                followers_existing_policy="update",
            )
        order_by_lead = dict(zip(self, orders, strict=True))
        orders._message_log_batch(
            bodies={
                order.id: Markup("<p>%s %s</p>")
                % (self.env._("Created from the opportunity"), lead._get_html_link())
                for lead, order in order_by_lead.items()
            }
        )
        return orders

    def _prepare_transfer_order_values_list(self):
        addresses = {
            partner.id: partner.address_get(["invoice", "delivery"])
            for partner in self.partner_id
        }
        analytic_default = self._get_transfer_analytic_default()
        return [
            lead._prepare_transfer_order_values(
                addresses[lead.partner_id.id], analytic_default
            )
            for lead in self
        ]

    def _prepare_transfer_order_values(self, addresses, analytic_default):
        """The order's values: sale_crm's quotation defaults (customer, campaign,
        medium, source, team, salesperson, tags, company, origin) and what the
        transfer adds (addresses, web reference, lines)."""
        self.ensure_one()
        values = {
            key.removeprefix("default_"): value
            for key, value in self._prepare_opportunity_quotation_context().items()
            if key.startswith("default_")
        }
        values.update(
            partner_invoice_id=addresses["invoice"],
            partner_shipping_id=addresses["delivery"],
            client_order_ref=self.web_reference or False,
            order_line=[
                Command.create(line_vals)
                for line_vals in self.lead_line_ids._prepare_transfer_order_line_values(
                    analytic_default
                )
            ],
        )
        return values

    def _get_transfer_analytic_default(self):
        """Without analytic distribution models (the common case) an order line
        gets none: say so in the values, instead of two queries per line to find
        it. With models, Odoo computes each line's distribution."""
        companies = self.company_id | self.env.company
        # an existence check only; Odoo's own line compute reads them as superuser
        has_models = (
            self.env["account.analytic.distribution.model"]
            .sudo()
            .search_count([("company_id", "in", [*companies.ids, False])], limit=1)
        )
        return {} if has_models else {"analytic_distribution": False}

    def _link_transfer_orders(self, orders):
        """Tell the opportunities and the order clerk's open tasks the order."""
        order_by_lead = dict(zip(self.ids, orders, strict=True))
        self._message_log_batch(
            bodies={
                lead_id: Markup("<p>%s %s</p>")
                % (self.env._("Transferred to sales order"), order._get_html_link())
                for lead_id, order in order_by_lead.items()
            }
        )
        for task in self._get_open_order_handover_tasks():
            order = order_by_lead.get(task.res_id)
            if order:
                task.note = Markup("%s<p>%s %s</p>") % (
                    task.note or "",
                    self.env._("Sales order:"),
                    order._get_html_link(),
                )

    # ------------------------------------------------------------
    # WON HOOK
    # ------------------------------------------------------------

    def _on_opportunity_won(self):
        result = super()._on_opportunity_won()
        self.filtered(
            lambda lead: (lead.company_id or self.env.company).order_transfer_on_won
        )._transfer_to_order_on_won()
        return result

    def action_retry_order_handover(self):
        """Retrying the hand-over after a fix retries the automatic order too."""
        leads = self.filtered(lambda lead: lead.won_handover_error)._filter_won()
        result = super().action_retry_order_handover()
        leads.filtered(
            lambda lead: (
                (lead.company_id or self.env.company).order_transfer_on_won
                and not lead.order_transferred
            )
        )._transfer_to_order_on_won()
        return result

    def _transfer_to_order_on_won(self):
        """Create the orders of newly won leads; a lead that cannot be transferred
        stays won, with the problem on the lead and a failed log entry."""
        problems = self._get_order_transfer_problems()
        for message, leads in (
            self.browse(list(problems)).grouped(lambda lead: problems[lead.id]).items()
        ):
            leads._record_order_handover_problem(
                self.env._("The sales order was not created: %s", message)
            )
        todo = self.filtered(lambda lead: lead.id not in problems)
        todo._run_order_handover_step(
            lambda leads: leads._transfer_to_order(), self.env._("sales order")
        )
        todo.invalidate_recordset(["order_transfer_log_ids", "transfer_order_id"])
        failed = todo.filtered(lambda lead: not lead.transfer_order_id)
        problems.update({lead.id: lead.won_handover_error for lead in failed})
        self.env["erp.transfer.log"].sudo()._log_failures(problems)
