//! A Trydan read through its local HTTP API: where the server reads it, whether it answers,
//! and what that API cannot do (no RFID list, no history, no restart or firmware update).

use charge_model::charger::ChargerId;
use charge_model::link::TrydanInfo;
use leptos::prelude::*;

use crate::i18n::tr;
use crate::live::use_live;

/// The link of a Trydan on the server's network: its address and whether it answers.
#[component]
pub fn TrydanLinkSection(info: TrydanInfo, id: ChargerId) -> impl IntoView {
    let status = use_live().status(&id);
    let connected = move || status.with(|s| s.as_ref().map_or(info.connected, |s| s.online));
    view! {
        <section class="card" aria-labelledby="trydan-link-title">
            <h2 id="trydan-link-title">{tr(|t| t.trydan_link_title)}</h2>
            <p>{tr(|t| t.trydan_link_intro)} " " <code class="trydan-address">{info.address}</code></p>
            <p class="link-state" class:connected=connected role="status">
                {move || if connected() { tr(|t| t.ocpp_link_connected)() } else { tr(|t| t.ocpp_link_disconnected)() }}
            </p>
            {info.serial.map(|serial| view! { <p>{tr(|t| t.trydan_serial)} ": " {serial}</p> })}
            <p class="hint">{tr(|t| t.trydan_kept_by_portal)}</p>
        </section>
    }
}

/// In place of the RFID list and the operations: why they are not there.
#[component]
pub fn NotAvailable() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="trydan-missing-title">
            <h2 id="trydan-missing-title">{tr(|t| t.trydan_not_available_title)}</h2>
            <p>{tr(|t| t.trydan_not_available)}</p>
        </section>
    }
}
