//! The page of an emailed unsubscribe link: turns that kind's emails off at once, without
//! logging in, and says which.

use charge_model::notifications::NotificationKind;
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
    Done(NotificationKind),
    Failed(ApiError),
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Pending);
    let token = nav::query("token").unwrap_or_default();
    spawn_local(async move {
        let result = api::unsubscribe(token).await;
        outcome.set(match result {
            Ok(done) => Outcome::Done(done.kind),
            Err(error) => Outcome::Failed(error),
        });
    });
    let title = move || match outcome.get() {
        Outcome::Pending => i18n.t().loading,
        Outcome::Done(_) => i18n.t().unsubscribe_title,
        Outcome::Failed(_) => i18n.t().unsubscribe_failed_title,
    };
    use_title(title);
    view! {
        <AuthCard title=Signal::derive(title)>
            {move || match outcome.get() {
                Outcome::Pending => view! { <LoadingNote /> }.into_any(),
                Outcome::Done(kind) => {
                    let index = NotificationKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                    let name = i18n.t().notify_kinds[index];
                    view! {
                        <p role="status">{(i18n.t().unsubscribed_body)(name)}</p>
                        <a href="/profile" class="button secondary">{i18n.t().unsubscribe_profile_link}</a>
                    }
                        .into_any()
                }
                Outcome::Failed(error) => {
                    let message = match error {
                        ApiError::Status { .. } => i18n.t().unsubscribe_failed_body.to_owned(),
                        other => i18n.error(&other),
                    };
                    view! {
                        <p role="alert">{message}</p>
                        <a href="/profile" class="button secondary">{i18n.t().unsubscribe_profile_link}</a>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}
