//! OCPP: a simulated charger's connection to a central management system (ws:// or wss://),
//! and a real OCPP charger's link to the portal.

use charge_model::FieldErrors;
use charge_model::charger::ChargerId;
use charge_model::link::{OcppCredentials, OcppInfo};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Saved, saved_notice};
use crate::api;
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::components::form::{CheckboxField, Form, FormError, Notice, SubmitButton, TextField};
use crate::components::ocpp_credentials::{self, OcppCredentialsList};
use crate::i18n::{tr, use_i18n};
use crate::live::use_live;

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

/// An OCPP charger's link to the portal: whether it is connected, what it reported at boot,
/// the settings to enter in it, and (owner) a new password.
#[component]
pub fn OcppLinkSection(info: OcppInfo, id: ChargerId, owner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = use_live().status(&id);
    let connected = move || status.with(|s| s.as_ref().map_or(info.connected, |s| s.online));
    let reported: Vec<String> =
        [&info.vendor, &info.model, &info.firmware].into_iter().flatten().cloned().collect();
    let never = info.booted_at_ms.is_none();
    let (endpoint, point) = (info.endpoint.clone(), info.charge_point_id.clone());
    let fresh = RwSignal::new(None::<OcppCredentials>);
    let error = RwSignal::new(None::<String>);
    let confirm = DialogHandle::new();
    let on_confirm = Callback::new(move |()| {
        let id = id.clone();
        error.set(None);
        spawn_local(async move {
            match api::new_ocpp_password(&id).await {
                Ok(credentials) => fresh.set(Some(credentials)),
                Err(failure) => error.set(Some(i18n.error(&failure))),
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="ocpp-link-title">
            <h2 id="ocpp-link-title">{tr(|t| t.ocpp_link_title)}</h2>
            <p>{tr(|t| t.ocpp_link_intro)}</p>
            <p class="link-state" class:connected=connected role="status">
                {move || if connected() { tr(|t| t.ocpp_link_connected)() } else { tr(|t| t.ocpp_link_disconnected)() }}
                {(info.connector > 1).then(|| view! { " · " {tr(|t| t.ocpp_connector)} " " {info.connector} })}
            </p>
            {if never {
                view! { <p class="hint">{tr(|t| t.ocpp_link_never)}</p> }.into_any()
            } else {
                view! { <p>{tr(|t| t.ocpp_reported)} ": " {reported.join(" · ")}</p> }.into_any()
            }}
            {move || match fresh.get() {
                Some(credentials) => view! {
                    {ocpp_credentials::shown(credentials)}
                    <p class="hint">{tr(|t| t.ocpp_password_once)}</p>
                }
                    .into_any(),
                None => view! {
                    <OcppCredentialsList endpoint=endpoint.clone() charge_point_id=point.clone() password=None />
                }
                    .into_any(),
            }}
            <p class="form-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            {owner.then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| confirm.open()>
                    {tr(|t| t.ocpp_new_password)}
                </button>
                <ConfirmDialog
                    handle=confirm
                    id="new-password"
                    title=Signal::derive(move || i18n.t().ocpp_new_password)
                    body=Signal::derive(move || i18n.t().ocpp_new_password_body.to_owned())
                    confirm_label=Signal::derive(move || i18n.t().ocpp_new_password)
                    on_confirm
                />
            })}
        </section>
    }
}
