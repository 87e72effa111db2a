//! Special options by model: auto-lock, button shortcuts, wake-up mode, energy-alert
//! disconnection, and the Pole Pro's phase mapping.

use charge_model::FieldErrors;
use charge_model::charger::Features;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{Saved, saved_notice};
use crate::components::form::{CheckboxField, Form, FormError, Notice, SubmitButton};
use crate::i18n::{tr, use_i18n};

#[component]
pub fn SpecialOptions(saved: Saved, features: Features) -> impl IntoView {
    let form = Form::new("options");
    let start = saved.get();
    let auto_lock = RwSignal::new(start.auto_lock);
    let shortcuts = RwSignal::new(start.button_shortcuts);
    let wake_up = RwSignal::new(start.wake_up);
    let energy_alert = RwSignal::new(start.energy_alert);
    let mapping = start.phase_mapping.map(RwSignal::new);
    let done = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        saved.save(
            form,
            FieldErrors::new(),
            |s| {
                s.auto_lock = auto_lock.get_untracked();
                s.button_shortcuts = shortcuts.get_untracked();
                s.wake_up = wake_up.get_untracked();
                s.energy_alert = energy_alert.get_untracked();
                s.phase_mapping = mapping.map(|phase| phase.get_untracked());
            },
            move || done.set(true),
        );
    };
    view! {
        <section class="card" aria-labelledby="options-title">
            <h2 id="options-title">{tr(|t| t.options_title)}</h2>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                {features.auto_lock.then(|| view! {
                    <CheckboxField form name="auto_lock" label=tr(|t| t.auto_lock) checked=auto_lock hint=tr(|t| t.auto_lock_hint) />
                })}
                {features.button_shortcuts.then(|| view! {
                    <CheckboxField form name="button_shortcuts" label=tr(|t| t.button_shortcuts) checked=shortcuts hint=tr(|t| t.button_shortcuts_hint) />
                })}
                <CheckboxField form name="wake_up" label=tr(|t| t.wake_up) checked=wake_up hint=tr(|t| t.wake_up_hint) />
                <CheckboxField form name="energy_alert" label=tr(|t| t.energy_alert) checked=energy_alert hint=tr(|t| t.energy_alert_hint) />
                {features.phase_mapping.then(|| view! { <PhaseMapping form mapping /> })}
                <Notice message=saved_notice(done) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

/// For each meter input, the phase wired to it (a permutation of 1, 2, 3).
#[component]
fn PhaseMapping(form: Form, mapping: [RwSignal<u8>; 3]) -> impl IntoView {
    let i18n = use_i18n();
    let error = form.field_error("phase_mapping");
    view! {
        <fieldset class="phase-mapping" aria-describedby="phase-mapping-hint phase-mapping-error">
            <legend>{tr(|t| t.phase_mapping)}</legend>
            <p class="hint" id="phase-mapping-hint">{tr(|t| t.phase_mapping_hint)}</p>
            <div class="row">
                {mapping
                    .into_iter()
                    .enumerate()
                    .map(|(slot, phase)| {
                        let id = format!("phase-slot-{}", slot + 1);
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || (i18n.t().phase_slot)(slot as u8 + 1)}</label>
                                <select
                                    id=id
                                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                                    on:change=move |ev| {
                                        if let Ok(value) = event_target_value(&ev).parse() {
                                            phase.set(value);
                                        }
                                    }
                                >
                                    {[1_u8, 2, 3]
                                        .into_iter()
                                        .map(|value| {
                                            view! {
                                                <option value=value.to_string() selected=move || phase.get() == value>
                                                    {value.to_string()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="field-error" id="phase-mapping-error" aria-live="polite">{move || error.get()}</p>
        </fieldset>
    }
}
