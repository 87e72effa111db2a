use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::auth_card::AuthCard;
use crate::components::form::Notice;
use crate::components::title::use_title;
use crate::i18n::{tr, use_i18n};
use crate::nav;

/// Shown after registering: the account waits for its email address to be confirmed.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.check_email_title));
    let email = nav::query("email").unwrap_or_default();
    let shown = email.clone();
    let sent = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let send_again = move |_| {
        let email = email.clone();
        sending.set(true);
        spawn_local(async move {
            let ok = api::resend_confirmation(email.clone()).await.is_ok();
            sending.set(false);
            sent.set(ok);
        });
    };
    let login = format!("/login?email={}", nav::encode(&nav::query("email").unwrap_or_default()));
    view! {
        <AuthCard title=tr(|t| t.check_email_title)>
            <p>{move || (i18n.t().check_email_body)(&shown)}</p>
            <p class="hint">{tr(|t| t.check_email_spam)}</p>
            <Notice message=Signal::derive(move || sent.get().then(|| i18n.t().sent_again.to_owned())) />
            <div class="actions">
                <button type="button" class="button secondary" on:click=send_again disabled=sending>
                    {tr(|t| t.send_again)}
                </button>
                <a href=login class="button link">
                    {tr(|t| t.go_to_login)}
                </a>
            </div>
        </AuthCard>
    }
}
