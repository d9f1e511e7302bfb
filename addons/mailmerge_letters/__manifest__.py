# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Mail Merge Letters",
    "summary": "Serial letters and serial e-mails from the CRM: salutations, "
    "recipient rules, opt-outs and merge-data exports",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Phases Contributors",
    "website": "https://github.com/crm-phases/odoo-crm-phases",
    "maintainers": ["crm-phases"],
    "development_status": "Alpha",
    "depends": [
        "contacts",
        "mail",
        "partner_firstname",
        "l10n_din5008",
        "queue_job",
        "utm",
    ],
    "data": [
        "security/ir.model.access.csv",
        "wizard/mailmerge_recipient_wizard_views.xml",
        "wizard/mailmerge_export_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/mailmerge_letter_report.xml",
        "views/mailmerge_letter_template_views.xml",
        "views/mailmerge_letter_run_views.xml",
        "views/mailmerge_letter_run_failure_views.xml",
        "data/mailmerge_letter_template_data.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/res_partner_recipient_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
