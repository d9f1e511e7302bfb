# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "ERP Transfer",
    "summary": "Won opportunity to sales order, order confirmation numbering, "
    "text blocks, document filing and external ERP adapters",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "CRM Phases Contributors",
    "website": "https://github.com/crm-phases/odoo-crm-phases",
    "maintainers": ["crm-phases"],
    "development_status": "Alpha",
    "depends": [
        "crm_phases",
        "sale_management",
        "account",
        "l10n_din5008_sale",
        "sale_comment_template",
        "account_comment_template",
        "queue_job",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/erp_outbox_security.xml",
        "data/erp_outbox_data.xml",
        "views/erp_backend_views.xml",
        "views/erp_outbox_views.xml",
        "views/sale_order_outbox_views.xml",
        "views/erp_outbox_menus.xml",
    ],
    "demo": [
        "demo/sale_order_demo.xml",
    ],
    "installable": True,
}
