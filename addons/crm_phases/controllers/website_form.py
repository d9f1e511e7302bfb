from odoo.http import request

from odoo.addons.website_crm.controllers import website_form


class WebsiteForm(website_form.WebsiteForm):
    """website_crm's form ``/website/form/crm.lead`` stays available for the forms
    built with the website editor (e.g. *Contact us*), but the public no longer
    chooses the sales team and salesperson: posted values count only when they are
    the ones the form was built with (see ``crm.lead._website_form_sign_assignment``).
    """

    def _handle_website_form(self, model_name, **kwargs):
        if model_name == "crm.lead":
            leads = request.env["crm.lead"]
            kwargs = leads._website_form_filter_assignment(kwargs)
            # website_crm also reads the request's parameters
            request.params = leads._website_form_filter_assignment(request.params)
        return super()._handle_website_form(model_name, **kwargs)
