use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::auth_card::AuthCard;
use crate::components::load::LoadingNote;
use crate::components::title::use_title;
use crate::i18n::use_i18n;
use crate::nav;

#[derive(Clone)]
enum Outcome {
    Pending,
    Confirmed,
    Failed(ApiError),
}

/// The page of the emailed confirmation link: confirms at once and says how it went.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Pending);
    let token = nav::query("token").unwrap_or_default();
    spawn_local(async move {
        let result = api::confirm_email(token).await;
        outcome.set(match result {
            Ok(()) => Outcome::Confirmed,
            Err(error) => Outcome::Failed(error),
        });
    });
    let title = move || match outcome.get() {
        Outcome::Pending => i18n.t().confirming,
        Outcome::Confirmed => i18n.t().confirmed_title,
        Outcome::Failed(_) => i18n.t().confirm_failed_title,
    };
    use_title(title);
    view! {
        <AuthCard title=Signal::derive(title)>
            {move || match outcome.get() {
                Outcome::Pending => view! { <LoadingNote /> }.into_any(),
                Outcome::Confirmed => {
                    view! {
                        <p role="status">{i18n.t().confirmed_body}</p>
                        <a href="/login" class="button primary">{i18n.t().go_to_login}</a>
                    }
                        .into_any()
                }
                Outcome::Failed(error) => {
                    let message = match error {
                        ApiError::Status { .. } => i18n.t().confirm_failed_body.to_owned(),
                        other => i18n.error(&other),
                    };
                    view! {
                        <p role="alert">{message}</p>
                        <a href="/login" class="button primary">{i18n.t().go_to_login}</a>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}
