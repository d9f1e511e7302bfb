import requests

from odoo import _, api, models


class ErpError(Exception):
    """A delivery to the external ERP did not work.

    ``retryable``: the ERP may take it later (not reachable, timeout, 5xx), the
    outbox tries again after a backoff; otherwise (login refused, unknown product,
    invalid data) trying again cannot help until somebody changes something, the
    outbox fails at once and asks for a manual retry."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


class ErpAdapter(models.AbstractModel):
    """Interface of the external ERP adapters: one method per delivery step.

    An adapter is an AbstractModel ``erp.adapter.<code>`` inheriting this one, and
    registers its code in ``erp.backend.adapter`` with ``selection_add`` (see
    ``erp_adapter_odoo.py``). Methods receive the backend (with its credentials)
    and the outbox record; they raise :class:`ErpError` on failure and never write
    to our database: the outbox records the outcome."""

    _name = "erp.adapter"
    _description = "External ERP Adapter"

    @api.model
    def _erp_check_connection(self, backend):
        """Log in to the ERP; a short text describing it, or ``ErpError``."""
        raise NotImplementedError()

    @api.model
    def _erp_find_order(self, backend, outbox):
        """The ERP's number of the order already delivered with the outbox's
        idempotency key, or ``False``: the dedupe before every send."""
        raise NotImplementedError()

    @api.model
    def _erp_send_order(self, backend, outbox):
        """Deliver the outbox's order carrying its idempotency key; the ERP's
        order number (or the delivery's reference when the ERP gives none)."""
        raise NotImplementedError()

    @api.model
    def _erp_payload_ref(self, backend, outbox):
        """Where the delivered order is (URL, file), shown on the outbox record."""
        return False

    @api.model
    def _erp_deliver(self, backend, outbox):
        """Find, else send: the external reference of the order."""
        return self._erp_find_order(backend, outbox) or self._erp_send_order(
            backend, outbox
        )

    @api.model
    def _erp_http_post(self, backend, url, **kwargs):
        """POST to the ERP with the backend's timeout; what the network or the
        server says of a passing state (no answer, timeout, 5xx, 408, 429) becomes a
        retryable :class:`ErpError`. Other answers are the caller's to judge."""
        try:
            response = requests.post(url, timeout=backend.timeout, **kwargs)
        except requests.Timeout as error:
            raise ErpError(
                _(
                    "%(url)s did not answer within %(s)s seconds.",
                    url=url,
                    s=backend.timeout,
                )
            ) from error
        except requests.RequestException as error:
            raise ErpError(
                _("%(url)s is not reachable: %(error)s", url=url, error=error)
            ) from error
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise ErpError(
                _(
                    "%(url)s answered HTTP %(status)s.",
                    url=url,
                    status=response.status_code,
                )
            )
        return response
