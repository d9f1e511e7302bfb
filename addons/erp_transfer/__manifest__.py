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
    "external_dependencies": {"python": ["factur-x"]},
    "data": [
        "security/ir.model.access.csv",
        "security/erp_transfer_log_security.xml",
        "report/sale_order_report.xml",
        "wizard/crm_lead_transfer_again_views.xml",
        "views/base_comment_template_views.xml",
        "views/sale_order_views.xml",
        "views/erp_transfer_log_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/base_comment_template_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "installable": True,
}
