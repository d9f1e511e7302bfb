from odoo import models

from .res_partner_after_sales import MERGE_SYNC


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The kept partner's purchase data come from all the merged partners'
        documents; it is a customer when one of the merged commercial entities was
        (since the earliest date), business fields are united."""
        Partner = self.env["res.partner"]
        partners = Partner.browse(partner_ids).exists()
        entities = partners.filtered(lambda p: p.commercial_partner_id == p)
        customers = entities.filtered(lambda p: p.customer_status == "customer")
        business_fields = entities.business_field_ids
        first = min(
            customers,
            key=lambda p: (not p.customer_since, p.customer_since or 0),
            default=None,
        )
        since = first and (first.customer_since, first.customer_since_ref)
        # the merge writes the source's status fields on the kept partner: allowed
        # to whoever may merge
        merging = self.with_context(crm_phases_status_sync=MERGE_SYNC)
        if dst_partner:
            dst_partner = dst_partner.with_env(merging.env)
        result = super(MergePartnerAutomatic, merging)._merge(
            partner_ids, dst_partner, extra_checks
        )
        kept = partners.exists().commercial_partner_id
        if not kept:
            return result
        # sudo: as after a confirmed order, the merge carries the status over
        kept = kept.sudo()
        vals = {}
        if business_fields - kept.business_field_ids:
            vals["business_field_ids"] = [
                (4, field.id) for field in business_fields - kept.business_field_ids
            ]
        if since and kept.customer_status != "customer":
            vals.update(
                customer_status="customer",
                customer_since=since[0],
                customer_since_ref=since[1] and f"{since[1]._name},{since[1].id}",
            )
        if vals:
            kept.write(vals)
        kept._crm_phases_recompute_purchase_data()
        return result
