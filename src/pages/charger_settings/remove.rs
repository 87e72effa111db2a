//! Removing a charger (owner): it leaves every list, and anyone may pair it again.

use charge_model::charger::ChargerId;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::i18n::{tr, use_i18n};
use crate::session::use_session;

#[component]
pub fn RemoveCharger(id: ChargerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let dialog = DialogHandle::new();
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let remove = Callback::new(move |()| {
        let (id, navigate) = (id.clone(), navigate.clone());
        pending.set(true);
        spawn_local(async move {
            match api::remove_charger(&id).await {
                Ok(()) => navigate("/", Default::default()),
                Err(failure) => {
                    session.notice(&failure);
                    error.set(Some(failure));
                    pending.set(false);
                }
            }
        });
    });
    view! {
        <section class="card danger-zone" aria-labelledby="remove-title">
            <h2 id="remove-title">{tr(|t| t.remove_title)}</h2>
            <p>{tr(|t| t.remove_warning)}</p>
            <div class="form-error" role="alert">
                {move || error.with(|e| e.as_ref().map(|e| view! { <p>{i18n.error(e)}</p> }))}
            </div>
            <button type="button" class="button danger" disabled=pending on:click=move |_| dialog.open()>
                {tr(|t| t.remove_button)}
            </button>
            <ConfirmDialog
                handle=dialog
                id="remove-dialog"
                title=tr(|t| t.remove_dialog_title)
                body=Signal::derive(move || i18n.t().remove_warning.to_owned())
                confirm_label=tr(|t| t.remove_confirm)
                danger=true
                on_confirm=remove
            />
        </section>
    }
}

/// Leaving a charger someone shared with you: it leaves your list only.
#[component]
pub fn LeaveCharger(id: ChargerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let dialog = DialogHandle::new();
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let leave = Callback::new(move |()| {
        let Some(me) = session.account_untracked().map(|account| account.id) else { return };
        let (id, navigate) = (id.clone(), navigate.clone());
        pending.set(true);
        spawn_local(async move {
            match api::remove_share(&id, me).await {
                Ok(()) => navigate("/", Default::default()),
                Err(failure) => {
                    session.notice(&failure);
                    error.set(Some(failure));
                    pending.set(false);
                }
            }
        });
    });
    view! {
        <section class="card danger-zone" aria-labelledby="leave-title">
            <h2 id="leave-title">{tr(|t| t.leave_title)}</h2>
            <p>{tr(|t| t.leave_warning)}</p>
            <div class="form-error" role="alert">
                {move || error.with(|e| e.as_ref().map(|e| view! { <p>{i18n.error(e)}</p> }))}
            </div>
            <button type="button" class="button danger" disabled=pending on:click=move |_| dialog.open()>
                {tr(|t| t.leave_button)}
            </button>
            <ConfirmDialog
                handle=dialog
                id="leave-dialog"
                title=tr(|t| t.leave_dialog_title)
                body=Signal::derive(move || i18n.t().leave_warning.to_owned())
                confirm_label=tr(|t| t.leave_confirm)
                danger=true
                on_confirm=leave
            />
        </section>
    }
}
