//! What to type into an OCPP charger's settings: the server URL, the charge point ID and the
//! password (shown once), each with a button that copies it.

use charge_model::link::OcppCredentials;
use leptos::prelude::*;

use crate::i18n::{Text, tr};

/// The three settings; without `password`, the password is said to be hidden (the server
/// keeps only its hash).
#[component]
pub fn OcppCredentialsList(
    endpoint: String,
    charge_point_id: String,
    password: Option<String>,
) -> impl IntoView {
    view! {
        <dl class="credentials">
            <Credential label=|t| t.ocpp_endpoint value=endpoint />
            <Credential label=|t| t.charge_point_id value=charge_point_id />
            {match password {
                Some(password) => view! { <Credential label=|t| t.ocpp_password value=password /> }.into_any(),
                None => view! {
                    <div class="credential">
                        <dt>{tr(|t| t.ocpp_password)}</dt>
                        <dd class="muted">{tr(|t| t.ocpp_password_hidden)}</dd>
                    </div>
                }
                    .into_any(),
            }}
        </dl>
    }
}

/// Credentials just made, with their password.
pub fn shown(credentials: OcppCredentials) -> impl IntoView {
    view! {
        <OcppCredentialsList
            endpoint=credentials.endpoint
            charge_point_id=credentials.charge_point_id
            password=Some(credentials.password)
        />
    }
}

#[component]
fn Credential(label: Text, value: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = value.clone();
    let copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        // Resolves when written; the mark shows at once (the browser asks no permission for this).
        let _ = window.navigator().clipboard().write_text(&text);
        copied.set(true);
    };
    view! {
        <div class="credential">
            <dt>{tr(label)}</dt>
            <dd>
                <code>{value}</code>
                <button type="button" class="button secondary small" on:click=copy>
                    {move || if copied.get() { tr(|t| t.copied)() } else { tr(|t| t.copy)() }}
                </button>
            </dd>
        </div>
    }
}
