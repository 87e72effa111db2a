use charge_model::ErrorCode;
use charge_model::account::LoginRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextField};
use crate::components::providers::ProviderButtons;
use crate::components::title::use_title;
use crate::i18n::{tr, use_i18n};
use crate::nav;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.login_title));

    let form = Form::new("login");
    let email = RwSignal::new(nav::query("email").unwrap_or_default());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let resent = RwSignal::new(None::<String>);

    let go_on = || nav::go(charge_model::redirect::safe_next(nav::query("next").as_deref()));
    // The emailed link that links a provider to the account: following it signs in.
    let link_invalid = RwSignal::new(false);
    let link_token = nav::query("link");
    // Already logged in: go where the user was heading.
    spawn_local(async move {
        if let Some(token) = link_token {
            match api::confirm_oidc_link(token).await {
                Ok(()) => go_on(),
                Err(_) => link_invalid.set(true),
            }
        } else if matches!(api::is_logged_in().await, Ok(true)) {
            go_on();
        }
    });
    // Back from a provider: why it failed, or that the address must prove it has the account.
    let oidc_error = nav::query("oidc_error").map(|code| charge_model::oidc::OidcFailure::from_code(&code));
    let oidc_link = nav::query("oidc_link");
    let failure = move || {
        if link_invalid.get() {
            Some(i18n.t().oidc_link_invalid.to_owned())
        } else {
            oidc_error.map(|failure| i18n.oidc_failure(failure).to_owned())
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        resent.set(None);
        let request = LoginRequest { email: email.get_untracked(), password: password.get_untracked() };
        let checked = request.validate().map(|_| ());
        form.submit(checked, move || async move { api::login(&request).await }, move |()| go_on());
    };
    let unconfirmed = move || {
        form.api_error().with(|e| e.as_ref().and_then(|e| e.code()) == Some(ErrorCode::EmailNotConfirmed))
    };
    let resend = move |_| {
        let address = email.get_untracked();
        spawn_local(async move {
            if api::resend_confirmation(address.clone()).await.is_ok() {
                resent.set(Some(address));
            }
        });
    };

    view! {
        <AuthCard title=tr(|t| t.login_title) intro=tr(|t| t.login_intro)>
            <Show when=move || nav::query("ended").is_some()>
                <p class="banner warning" role="status">{tr(|t| t.session_ended)}</p>
            </Show>
            // One note for both, and the page's own notice: this bundle is kept small.
            {move || failure().map(|message| view! { <p class="banner warning" role="alert">{message}</p> })}
            <Notice message=Signal::derive(move || oidc_link.as_ref().map(|p| (i18n.t().oidc_link_pending)(p))) />
            <ProviderButtons />
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <Show when=unconfirmed>
                    <button type="button" class="button link" on:click=resend>
                        {tr(|t| t.resend_confirmation)}
                    </button>
                </Show>
                <Notice message=Signal::derive(move || resent.get().map(|e| (i18n.t().confirmation_resent)(&e))) />
                <TextField form name="email" label=tr(|t| t.email) value=email kind="email" autocomplete="username" />
                <TextField
                    form
                    name="password"
                    label=tr(|t| t.password)
                    value=password
                    kind=Signal::derive(move || if show_password.get() { "text" } else { "password" })
                    autocomplete="current-password"
                />
                <div class="field checkbox">
                    <input id="login-show-password" type="checkbox" bind:checked=show_password />
                    <label for="login-show-password">{tr(|t| t.show_password)}</label>
                </div>
                <SubmitButton form label=tr(|t| t.login_submit) pending_label=tr(|t| t.login_pending) />
            </form>
            <p class="aside">
                <a href="/forgot-password">{tr(|t| t.forgot_password_link)}</a>
            </p>
            <p class="aside">
                {tr(|t| t.no_account)} " " <a href="/register">{tr(|t| t.create_account_link)}</a>
            </p>
        </AuthCard>
    }
}
