use charge_model::account::RegisterRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::form::{Form, FormError, SubmitButton, TextField};
use crate::components::providers::ProviderButtons;
use crate::components::title::use_title;
use crate::i18n::{tr, use_i18n};
use crate::nav;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.register_title));

    let form = Form::new("register");
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: name.get_untracked(),
            language: i18n.language(),
        };
        let checked = request.validate().map(|_| ());
        form.submit(
            checked,
            move || async move { api::register(&request).await },
            move |pending| nav::go(&format!("/check-email?email={}", nav::encode(&pending.email))),
        );
    };

    view! {
        <AuthCard title=tr(|t| t.register_title) intro=tr(|t| t.register_intro)>
            <ProviderButtons />
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <TextField form name="name" label=tr(|t| t.name) value=name autocomplete="name" optional=true />
                <TextField form name="email" label=tr(|t| t.email) value=email kind="email" autocomplete="email" />
                <TextField
                    form
                    name="password"
                    label=tr(|t| t.password)
                    value=password
                    kind=Signal::derive(move || if show_password.get() { "text" } else { "password" })
                    autocomplete="new-password"
                    hint=tr(|t| t.password_hint)
                />
                <div class="field checkbox">
                    <input id="register-show-password" type="checkbox" bind:checked=show_password />
                    <label for="register-show-password">{tr(|t| t.show_password)}</label>
                </div>
                <SubmitButton form label=tr(|t| t.register_submit) pending_label=tr(|t| t.register_pending) />
            </form>
            <p class="aside">
                {tr(|t| t.have_account)} " " <a href="/login">{tr(|t| t.log_in)}</a>
            </p>
        </AuthCard>
    }
}
