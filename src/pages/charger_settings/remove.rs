//! Leaving the charger behind: the owner removes it (it leaves every list, and anyone may
//! pair it again); a shared user leaves it (it leaves their list only). Both ask first and
//! go back to the list.

use std::future::Future;
use std::pin::Pin;

use charge_model::charger::ChargerId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::components::load::ApiErrorNote;
use crate::i18n::{Texts, use_i18n};
use crate::session::use_session;

type Call = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;
/// Title, warning, button, dialog title, confirm button.
type DangerTexts = (&'static str, &'static str, &'static str, &'static str, &'static str);

#[component]
pub fn RemoveCharger(id: ChargerId) -> impl IntoView {
    view! {
        <DangerSection
            key="remove"
            texts=|t| (t.remove_title, t.remove_warning, t.remove_button, t.remove_dialog_title, t.remove_confirm)
            call=move || {
                let id = id.clone();
                Box::pin(async move { api::remove_charger(&id).await })
            }
        />
    }
}

#[component]
pub fn LeaveCharger(id: ChargerId) -> impl IntoView {
    let session = use_session();
    view! {
        <DangerSection
            key="leave"
            texts=|t| (t.leave_title, t.leave_warning, t.leave_button, t.leave_dialog_title, t.leave_confirm)
            call=move || {
                let (id, me) = (id.clone(), session.account_untracked().map_or(0, |account| account.id));
                Box::pin(async move { api::remove_share(&id, me).await })
            }
        />
    }
}

/// A section with a warning and a destructive button behind a confirmation.
#[component]
fn DangerSection(
    /// Starts the element ids.
    key: &'static str,
    texts: fn(&'static Texts) -> DangerTexts,
    call: impl Fn() -> Call + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let dialog = DialogHandle::new();
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let confirmed = Callback::new(move |()| {
        let (pending_call, navigate) = (call(), navigate.clone());
        pending.set(true);
        spawn_local(async move {
            match pending_call.await {
                Ok(()) => navigate("/", Default::default()),
                Err(failure) => {
                    error.set(Some(failure));
                    pending.set(false);
                }
            }
        });
    });
    let text = move |pick: fn(DangerTexts) -> &'static str| Signal::derive(move || pick(texts(i18n.t())));
    let title_id = format!("{key}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class="card danger-zone" aria-labelledby=labelled_by>
            <h2 id=title_id>{text(|t| t.0)}</h2>
            <p>{text(|t| t.1)}</p>
            <ApiErrorNote error />
            <button type="button" class="button danger" disabled=pending on:click=move |_| dialog.open()>
                {text(|t| t.2)}
            </button>
            <ConfirmDialog
                handle=dialog
                id=format!("{key}-dialog")
                title=text(|t| t.3)
                body=Signal::derive(move || texts(i18n.t()).1.to_owned())
                confirm_label=text(|t| t.4)
                danger=true
                on_confirm=confirmed
            />
        </section>
    }
}
