//! A charger's tariff, and what its charges cost under it.

use axum::extract::State;
use charge_model::ErrorBody;
use charge_model::charger::{ChargerId, Role};
use charge_model::sessions::PricedSlice;
use charge_model::tariff::{Cost, EnergySlice, Tariff, round_pico_to_cents, slice_costs};
use chrono::DateTime;
use rusqlite::Connection;

use super::access;
use super::store::{self, JsonColumn};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::tariffs::store::PriceBook;

#[utoipa::path(get, path = "/api/chargers/{id}/tariff", tag = "tariff",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = Tariff), (status = 404, body = ErrorBody)))]
pub async fn tariff(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Tariff>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    Ok(ApiJson(state.db.run(move |conn| store::load_json(conn, &access.charger, JsonColumn::Tariff)).await?))
}

/// Replaces the tariff. It prices the charges recorded from now on; earlier ones keep the
/// cost they were recorded with.
#[utoipa::path(put, path = "/api/chargers/{id}/tariff", tag = "tariff",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = Tariff,
    responses((status = 200, body = Tariff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_tariff(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(tariff): ApiJson<Tariff>,
) -> ApiResult<ApiJson<Tariff>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    tariff.validate().map_err(ApiError::Validation)?;
    let saved = tariff.clone();
    state.db.run(move |conn| store::save_json(conn, &access.charger, JsonColumn::Tariff, &saved)).await?;
    Ok(ApiJson(tariff))
}

/// The energy of each quarter-hour as exact milliwatt-hours.
pub fn slices(quarters: &[(i64, f64)]) -> Vec<EnergySlice> {
    quarters
        .iter()
        .map(|&(start, wh)| EnergySlice { start, energy_mwh: (wh * 1000.0).round() as i64 })
        .collect()
}

/// What a charge costs under the charger's current tariff (market prices from the database,
/// estimated where missing). Returns the tariff too, to freeze it with the cost.
pub fn price_charge(
    conn: &Connection,
    charger: &ChargerId,
    slices: &[EnergySlice],
) -> ApiResult<(Tariff, Cost, Vec<PricedSlice>)> {
    let tariff: Tariff = store::load_json(conn, charger, JsonColumn::Tariff)?;
    let (picos, estimated) = match (tariff.market(), slices.first(), slices.last()) {
        (Some(market), Some(first), Some(last)) => {
            let from = DateTime::from_timestamp(first.start, 0).unwrap_or_default();
            let to = DateTime::from_timestamp(last.start + 900, 0).unwrap_or_default();
            let book = PriceBook::load(conn, market, from, to)?;
            slice_costs(&tariff, slices, |at| book.quote(at))
        }
        // Not asked: the tariff follows no market.
        _ => slice_costs(&tariff, slices, |_| charge_model::tariff::Quote {
            price: Default::default(),
            estimated: true,
        }),
    };
    let cents = round_pico_to_cents(picos.iter().map(|&p| i128::from(p)).sum());
    let priced = slices
        .iter()
        .zip(picos)
        .map(|(slice, cost_pico)| PricedSlice { start: slice.start, energy_mwh: slice.energy_mwh, cost_pico })
        .collect();
    Ok((tariff, Cost { cents, estimated }, priced))
}
