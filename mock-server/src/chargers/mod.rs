//! Chargers: pairing, the list, live control, settings and cards.

pub mod access;
mod cards;
mod control;
pub mod ocpp;
mod pairing;
mod schedule;
mod settings;
pub mod sharing;
pub mod store;
pub mod tariff;
mod trydan;

use charge_model::charger::{ChargeState, ChargerId, ChargerStatus, ChargerSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::link::Links;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pairing::list, pairing::pair))
        .routes(routes!(ocpp::pair))
        .routes(routes!(ocpp::new_password_for))
        .routes(routes!(trydan::pair))
        .routes(routes!(settings::detail, pairing::remove))
        .routes(routes!(settings::save))
        .routes(routes!(control::lock))
        .routes(routes!(control::pause))
        .routes(routes!(control::intensity))
        .routes(routes!(control::operate))
        .routes(routes!(control::power_history))
        .routes(routes!(cards::list, cards::add))
        .routes(routes!(cards::change, cards::delete))
        .routes(routes!(sharing::list, sharing::add))
        .routes(routes!(sharing::change_role, sharing::remove))
        .routes(routes!(sharing::change_invitation, sharing::revoke_invitation))
        .routes(routes!(sharing::received))
        .routes(routes!(sharing::accept))
        .routes(routes!(sharing::decline))
        .routes(routes!(schedule::timers, schedule::save_timers))
        .routes(routes!(schedule::dynamic_power, schedule::save_dynamic_power))
        .routes(routes!(tariff::tariff, tariff::save_tariff))
}

/// Chargers released in the database, for [`released`] to apply once committed.
#[derive(Debug, Default)]
pub struct Released {
    chargers: Vec<ChargerId>,
    /// The users who could see them.
    users: Vec<i64>,
}

/// Releases every charger a user owns (the account is being deleted), inside the caller's
/// transaction; once it is committed, [`released`] applies it to the simulator.
pub fn release_owned(tx: &rusqlite::Connection, user_id: i64) -> crate::error::ApiResult<Released> {
    let mut released = Released::default();
    for id in store::owned_by(tx, user_id)? {
        released.users.extend(store::release_in(tx, &id)?);
        released.chargers.push(id);
    }
    Ok(released)
}

/// Unlinks released chargers (their charges in progress end unrecorded: their history is gone)
/// and tells whoever could see them. Called on the database's thread right after the release
/// is committed, so that no new pairing of the same charger can come in between.
pub fn released(links: &Links, released: Released) {
    links.released(&released.chargers);
    links.access_changed(released.users);
}

/// The status of a charger the simulator does not know (never happens for a paired one).
fn unknown_status() -> ChargerStatus {
    ChargerStatus {
        online: false,
        state: ChargeState::Disconnected,
        charge_power_w: 0.0,
        session_energy_wh: 0.0,
        session_seconds: 0,
        current_a: 0.0,
        intensity_a: 16,
        voltage_v: 0.0,
        phases: 1,
        house_power_w: 0.0,
        pv_power_w: 0.0,
        locked: false,
        paused: false,
        firmware: String::new(),
        update_progress: None,
        dynamic_power: false,
        waiting_for_timer: false,
        at_ms: 0,
    }
}

fn summary(listed: store::Listed, status: Option<ChargerStatus>) -> ChargerSummary {
    ChargerSummary {
        id: listed.id,
        name: listed.name,
        model: listed.model,
        role: listed.role,
        shared_by: listed.shared_by,
        cover: listed.cover,
        status: status.unwrap_or_else(unknown_status),
    }
}
