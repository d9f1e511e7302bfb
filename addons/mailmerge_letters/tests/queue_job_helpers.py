"""queue_job's test helpers (``trap_jobs``) for our tests.

queue_job 18.0.4.x registers its patcher in ``odoo.tests.common.SETATTR_SOURCES``,
which Odoo 18 source trees older than mid-2025 do not have: give them the empty
registry it fills, so the helpers import on every Odoo 18."""

from odoo.tests import common as odoo_test_common

if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

__all__ = ["trap_jobs"]
