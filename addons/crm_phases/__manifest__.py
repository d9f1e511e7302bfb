# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Phases",
    "summary": "Trade-fair acquisition, opportunities and website requests, "
    "won automation, business fields and customer status",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Phases Contributors",
    "website": "https://github.com/crm-phases/odoo-crm-phases",
    "maintainers": ["crm-phases"],
    "development_status": "Alpha",
    "depends": [
        "crm",
        "sale_crm",
        "website_crm",
        "mailmerge_letters",
        "crm_lead_product",
    ],
    "data": [
        "security/ir.model.access.csv",
        "data/crm_business_field_data.xml",
        "data/crm_website_request_data.xml",
        "data/mail_template_data.xml",
        "views/crm_business_field_views.xml",
        "views/product_category_views.xml",
        "views/crm_lead_attributes_views.xml",
        "views/res_config_settings_views.xml",
        "views/website_request_templates.xml",
        "views/crm_phases_menus.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_phases/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
