import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_phases_website_request", {
    url: "/angebot-anfordern",
    steps: () => [
        {
            content: "Form of address",
            trigger: "select[name=form_of_address]",
            run: "select ms",
        },
        {
            content: "Academic title",
            trigger: "input[name=academic_title]",
            run: "edit Dr.",
        },
        {
            content: "Name",
            trigger: "input[name=contact_name]",
            run: "edit Tour Visitor",
        },
        {
            content: "E-mail",
            trigger: "input[name=email_from]",
            run: "edit tour@example.com",
        },
        {
            content: "City",
            trigger: "input[name=city]",
            run: "edit Heidelberg",
        },
        {
            content: "Quantity of the heat pump",
            trigger: "tr:contains('Test Heat Pump') input[type=number]",
            run: "edit 1",
        },
        {
            content: "Interested in Solar, not sure which product",
            trigger: "section[data-business-field=SOLAR] input[type=checkbox]",
            run: "click",
        },
        {
            content: "Requirements",
            trigger: "textarea[name=description]",
            run: "edit Bürogebäude, 800 m² Heizfläche",
        },
        {
            content: "Completion period",
            trigger: "select[name=completion_period]",
            run: "select 6_months",
        },
        {
            content: "Privacy consent",
            trigger: "input[name=privacy_consent]",
            run: "click",
        },
        {
            content: "Send",
            trigger: "button.o_website_request_submit",
            run: "click",
        },
        {
            content: "The reference is shown",
            trigger: ".o_website_request_reference:contains('WEB-')",
        },
        {
            content: "The requested period is repeated",
            trigger: ".o_website_request_period:contains(' to ')",
        },
    ],
});
