//! A charger's live state in words, as the list and the charger page show it.

use charge_model::charger::{ChargeState, ChargerStatus};
use leptos::prelude::*;

use crate::format;
use crate::i18n::{I18n, use_i18n};

/// The state class (for colour) and the sentence for a status.
pub fn describe(status: &ChargerStatus, i18n: I18n) -> (&'static str, String) {
    let t = i18n.t();
    if !status.online {
        return ("offline", t.status_offline.to_owned());
    }
    if let Some(progress) = status.update_progress {
        return ("busy", (t.status_updating)(progress));
    }
    match status.state {
        ChargeState::Charging => (
            "charging",
            format!("{} · {}", t.status_charging, format::kw(status.charge_power_w, i18n.language())),
        ),
        ChargeState::Connected if status.paused => ("connected", t.status_paused.to_owned()),
        ChargeState::Connected if status.waiting_for_timer => {
            ("connected", t.status_waiting_timer.to_owned())
        }
        ChargeState::Connected => ("connected", t.status_connected.to_owned()),
        ChargeState::Disconnected => ("idle", t.status_disconnected.to_owned()),
        ChargeState::Error => ("error", t.status_error.to_owned()),
    }
}

/// A coloured dot and the state sentence, announced when it changes.
#[component]
pub fn StatusBadge(
    /// The live status; `None` while unknown.
    #[prop(into)]
    status: Signal<Option<ChargerStatus>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let described = Memo::new(move |_| status.with(|s| s.as_ref().map(|s| describe(s, i18n))));
    view! {
        <span class=move || {
            format!("status-badge {}", described.with(|d| d.as_ref().map_or("unknown", |d| d.0)))
        }>
            <span class="dot" aria-hidden="true"></span>
            {move || described.with(|d| d.as_ref().map(|d| d.1.clone()))}
        </span>
    }
}
