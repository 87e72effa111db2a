use charge_model::account::ResetPasswordRequest;
use charge_model::{ErrorCode, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::form::{Form, FormError, SubmitButton, TextField};
use crate::components::title::use_title;
use crate::i18n::{tr, use_i18n};
use crate::nav;

/// The page of the emailed reset link: choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.reset_title));
    let token = nav::query("token").unwrap_or_default();
    let form = Form::new("reset");
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let done = RwSignal::new(false);

    let on_submit = {
        let token = token.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let request = ResetPasswordRequest { token: token.clone(), password: password.get_untracked() };
            let mut checked = request.validate();
            if repeat.get_untracked() != request.password {
                let mut errors = checked.err().unwrap_or_default();
                errors.add("password_repeat", Problem::Mismatch);
                checked = Err(errors);
            }
            form.submit(
                checked,
                move || async move { api::reset_password(&request).await },
                move |()| done.set(true),
            );
        }
    };
    let link_dead =
        move || form.api_error().with(|e| e.as_ref().and_then(|e| e.code()) == Some(ErrorCode::InvalidToken));

    let content = move || {
        if token.is_empty() {
            return view! {
                <p role="alert">{i18n.t().reset_no_token}</p>
                <a href="/forgot-password" class="button primary">{i18n.t().request_new_link}</a>
            }
            .into_any();
        }
        if done.get() {
            return view! {
                <p role="status">{i18n.t().reset_done}</p>
                <a href="/login" class="button primary">{i18n.t().go_to_login}</a>
            }
            .into_any();
        }
        let on_submit = on_submit.clone();
        view! {
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <Show when=link_dead>
                    <a href="/forgot-password">{tr(|t| t.request_new_link)}</a>
                </Show>
                <TextField
                    form
                    name="password"
                    label=tr(|t| t.new_password)
                    value=password
                    kind="password"
                    autocomplete="new-password"
                    hint=tr(|t| t.password_hint)
                />
                <TextField
                    form
                    name="password_repeat"
                    label=tr(|t| t.repeat_password)
                    value=repeat
                    kind="password"
                    autocomplete="new-password"
                />
                <SubmitButton form label=tr(|t| t.reset_submit) pending_label=tr(|t| t.saving) />
            </form>
        }
        .into_any()
    };
    view! { <AuthCard title=tr(|t| t.reset_title)>{content}</AuthCard> }
}
