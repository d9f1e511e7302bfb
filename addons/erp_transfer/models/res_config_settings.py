from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    orderx_embed = fields.Boolean(related="company_id.orderx_embed", readonly=False)
    orderx_level = fields.Selection(related="company_id.orderx_level", readonly=False)

    # plain fields filled by get_values(): the sequence may not exist yet, and a
    # related field on a missing record would drop what the user typed
    ab_sequence_prefix = fields.Char(string="AB Number Prefix")
    ab_sequence_padding = fields.Integer(string="AB Number Digits")
    ab_sequence_number_next = fields.Integer(string="Next AB Number")

    @api.model
    def get_values(self):
        res = super().get_values()
        company = self.env.company
        sequence = company.ab_sequence_id
        if sequence:
            res.update(
                ab_sequence_prefix=sequence.prefix,
                ab_sequence_padding=sequence.padding,
                ab_sequence_number_next=sequence.number_next_actual,
            )
        else:
            values = company._prepare_ab_sequence_values(company)
            res.update(
                ab_sequence_prefix=values["prefix"],
                ab_sequence_padding=values["padding"],
                ab_sequence_number_next=values["number_next"],
            )
        return res

    def set_values(self):
        res = super().set_values()
        company = self.company_id
        prefix = self.ab_sequence_prefix or ""
        if not 1 <= self.ab_sequence_padding <= 12:
            raise ValidationError(
                self.env._("An AB number has between 1 and 12 digits.")
            )
        highest = company._get_highest_ab_number(prefix)
        if self.ab_sequence_number_next <= highest:
            raise ValidationError(
                self.env._(
                    "The next AB number must be higher than %(highest)s, the highest "
                    "one given with the prefix “%(prefix)s”: an order confirmation "
                    "number is never given twice.",
                    highest=highest,
                    prefix=prefix,
                )
            )
        sequence = company._get_ab_sequence().sudo()
        values = {}
        if sequence.prefix != prefix:
            values["prefix"] = prefix
        if sequence.padding != self.ab_sequence_padding:
            values["padding"] = self.ab_sequence_padding
        if sequence.number_next_actual != self.ab_sequence_number_next:
            values["number_next_actual"] = self.ab_sequence_number_next
        if values:
            sequence.write(values)
        return res

    ab_file_on_confirm = fields.Boolean(
        related="company_id.ab_file_on_confirm", readonly=False
    )
    invoice_plain_number = fields.Boolean(
        related="company_id.invoice_plain_number", readonly=False
    )

    order_transfer_on_won = fields.Boolean(
        related="company_id.order_transfer_on_won", readonly=False
    )
    order_transfer_close_task = fields.Boolean(
        related="company_id.order_transfer_close_task", readonly=False
    )
