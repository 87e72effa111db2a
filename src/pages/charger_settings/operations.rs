//! Operations that interrupt the charger: calibrate, update firmware (from the internet or
//! the local network), restart. Each asks first.

use charge_model::charger::{ChargerId, Features, Operation};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::components::load::ApiErrorNote;
use crate::i18n::{Texts, tr, use_i18n};
use crate::live::use_live;

#[component]
pub fn Operations(
    id: ChargerId,
    features: Features,
    /// Whether the user may run them (it follows a change of role).
    #[prop(into)]
    can_edit: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let status = live.status(&id);
    let started = RwSignal::new(None::<Operation>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.update_progress.is_some())));
    let progress = move || status.with(|s| s.as_ref().and_then(|s| s.update_progress));
    let mut available = Vec::new();
    if features.calibrate {
        available.push(Operation::Calibrate);
    }
    available.extend([Operation::UpdateFirmware, Operation::UpdateFirmwareLocal, Operation::Restart]);
    let run = Callback::new(move |operation: Operation| {
        let id = id.clone();
        error.set(None);
        started.set(None);
        spawn_local(async move {
            match api::operate(&id, operation).await {
                Ok(status) => {
                    live.apply(&id, status);
                    started.set(Some(operation));
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="operations-title">
            <h2 id="operations-title">{tr(|t| t.operations_title)}</h2>
            <ul class="operations">
                {available
                    .into_iter()
                    .map(|operation| {
                        let dialog = DialogHandle::new();
                        let texts = move || texts_of(operation, i18n.t());
                        view! {
                            <li>
                                <div>
                                    <h3>{move || texts().0}</h3>
                                    <p class="hint">{move || texts().1}</p>
                                </div>
                                <button
                                    type="button"
                                    class="button secondary"
                                    disabled=move || !can_edit.get() || busy.get()
                                    on:click=move |_| dialog.open()
                                >
                                    {move || texts().2}
                                </button>
                                <ConfirmDialog
                                    handle=dialog
                                    id=format!("{}-dialog", operation_id(operation))
                                    title=Signal::derive(move || texts().0)
                                    body=Signal::derive(move || i18n.t().operation_interrupts.to_owned())
                                    confirm_label=Signal::derive(move || texts().2)
                                    on_confirm=Callback::new(move |()| run.run(operation))
                                />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="notice" role="status">
                {move || {
                    let t = i18n.t();
                    match (progress(), started.get()) {
                        (Some(percent), _) => (t.update_progress)(percent),
                        (None, Some(Operation::Restart)) => t.restart_started.to_owned(),
                        (None, Some(Operation::Calibrate)) => t.calibrate_started.to_owned(),
                        (None, Some(_)) => t.update_done.to_owned(),
                        (None, None) => String::new(),
                    }
                }}
            </p>
            <ApiErrorNote error />
        </section>
    }
}

fn operation_id(operation: Operation) -> &'static str {
    match operation {
        Operation::Restart => "restart",
        Operation::UpdateFirmware => "update-firmware",
        Operation::UpdateFirmwareLocal => "update-firmware-local",
        Operation::Calibrate => "calibrate",
    }
}

/// Title, explanation and button text of an operation.
fn texts_of(operation: Operation, t: &'static Texts) -> (&'static str, &'static str, &'static str) {
    match operation {
        Operation::Restart => (t.restart_title, t.restart_hint, t.restart_button),
        Operation::UpdateFirmware => (t.update_title, t.update_hint, t.update_button),
        Operation::UpdateFirmwareLocal => (t.update_local_title, t.update_local_hint, t.update_local_button),
        Operation::Calibrate => (t.calibrate_title, t.calibrate_hint, t.calibrate_button),
    }
}
