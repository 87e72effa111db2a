//! OCPP: connection to a central management system (ws:// or wss://).

use charge_model::FieldErrors;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{Saved, saved_notice};
use crate::components::form::{CheckboxField, Form, FormError, Notice, SubmitButton, TextField};
use crate::i18n::tr;

#[component]
pub fn OcppSection(saved: Saved) -> impl IntoView {
    let form = Form::new("ocpp");
    let start = saved.get().ocpp;
    let enabled = RwSignal::new(start.enabled);
    let url = RwSignal::new(start.url);
    let point = RwSignal::new(start.charge_point_id);
    let done = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        saved.save(
            form,
            FieldErrors::new(),
            |s| {
                s.ocpp.enabled = enabled.get_untracked();
                s.ocpp.url = url.get_untracked();
                s.ocpp.charge_point_id = point.get_untracked();
            },
            move || done.set(true),
        );
    };
    view! {
        <section class="card" aria-labelledby="ocpp-title">
            <h2 id="ocpp-title">{tr(|t| t.ocpp_title)}</h2>
            <p>{tr(|t| t.ocpp_intro)}</p>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <CheckboxField form name="ocpp.enabled" label=tr(|t| t.ocpp_enabled) checked=enabled />
                // The connection's fields mean nothing while OCPP is off.
                <fieldset class="plain" disabled=move || !enabled.get()>
                    <TextField form name="ocpp.url" label=tr(|t| t.ocpp_url) value=url kind="url" hint=tr(|t| t.ocpp_url_hint) optional=true />
                    <TextField form name="ocpp.charge_point_id" label=tr(|t| t.ocpp_point) value=point optional=true />
                </fieldset>
                <Notice message=saved_notice(done) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}
