use charge_model::account::EmailRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextField};
use crate::components::title::use_title;
use crate::i18n::{tr, use_i18n};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.forgot_title));
    let form = Form::new("forgot");
    let email = RwSignal::new(String::new());
    let sent_to = RwSignal::new(None::<String>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = EmailRequest { email: email.get_untracked() };
        let checked = request.validate().map(|_| ());
        let address = request.email.trim().to_owned();
        form.submit(
            checked,
            move || async move { api::forgot_password(request.email).await },
            move |()| sent_to.set(Some(address)),
        );
    };
    view! {
        <AuthCard title=tr(|t| t.forgot_title) intro=tr(|t| t.forgot_intro)>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <Notice message=Signal::derive(move || sent_to.get().map(|e| (i18n.t().forgot_sent)(&e))) />
                <TextField form name="email" label=tr(|t| t.email) value=email kind="email" autocomplete="email" />
                <SubmitButton form label=tr(|t| t.forgot_submit) pending_label=tr(|t| t.saving) />
            </form>
            <p class="aside">
                <a href="/login">{tr(|t| t.back_to_login)}</a>
            </p>
        </AuthCard>
    }
}
