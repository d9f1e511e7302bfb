/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";
import { session } from "@web/session";

// the captcha action checked by the server (CAPTCHA_ACTION in controllers/main.py)
const CAPTCHA_ACTION = "crm_phases_website_request";

/**
 * Captchas of the quote request form, as Odoo's signup form has them: a reCAPTCHA
 * token when the website has reCAPTCHA keys (google_recaptcha), the Turnstile widget
 * when website_cf_turnstile is installed and has keys. Without keys: nothing.
 */
publicWidget.registry.CrmPhasesWebsiteRequestForm = publicWidget.Widget.extend({
    selector: ".o_website_request_form",
    events: {
        submit: "_onSubmit",
    },

    init() {
        this._super(...arguments);
        this._recaptcha = new ReCaptcha();
    },

    async willStart() {
        await this._super(...arguments);
        await this._recaptcha.loadLibs();
    },

    start() {
        const result = this._super(...arguments);
        // optional module: used only when it is installed
        const turnstile = odoo.loader.modules.get("@website_cf_turnstile/js/turnstile")?.turnStile;
        if (turnstile && session.turnstile_site_key) {
            const button = this.el.querySelector('button[type="submit"]');
            this._createSpinner = turnstile._createSpinner;
            turnstile.addSpinner.call(this, button);
            const nodes = turnstile.addTurnstile.call(this, CAPTCHA_ACTION);
            nodes?.insertBefore(button);
            turnstile.renderTurnstile.call(this, nodes);
        }
        return result;
    },

    async _onSubmit(ev) {
        if (
            !this._recaptcha._publicKey ||
            this.el.querySelector("input[name='recaptcha_token_response']")
        ) {
            return;
        }
        ev.preventDefault();
        const { token } = await this._recaptcha.getToken(CAPTCHA_ACTION);
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "recaptcha_token_response";
        input.value = token || "";
        this.el.append(input);
        this.el.submit();
    },
});
