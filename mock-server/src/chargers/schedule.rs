//! When a charger charges: timers, and dynamic power control with its charging profiles.

use axum::extract::State;
use charge_model::ErrorBody;
use charge_model::charger::Role;
use charge_model::dynamic_power::DynamicPower;
use charge_model::timers::Timers;

use super::access;
use super::store::{self, JsonColumn};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::link::Command;

#[utoipa::path(get, path = "/api/chargers/{id}/timers", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = Timers), (status = 404, body = ErrorBody)))]
pub async fn timers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Timers>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    Ok(ApiJson(state.db.run(move |conn| store::load_json(conn, &access.charger, JsonColumn::Timers)).await?))
}

/// Replaces the timers (at most 2). With an enabled timer, a car charges only inside a window.
#[utoipa::path(put, path = "/api/chargers/{id}/timers", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = Timers,
    responses((status = 200, body = Timers), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "A third timer, no day, an empty range", body = ErrorBody)))]
pub async fn save_timers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(timers): ApiJson<Timers>,
) -> ApiResult<ApiJson<Timers>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    timers.validate().map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let before = state.db.run(move |conn| store::load_json(conn, &charger, JsonColumn::Timers)).await?;
    let (charger, saved) = (access.charger.clone(), timers.clone());
    let persist =
        move |conn: &mut rusqlite::Connection| store::save_json(conn, &charger, JsonColumn::Timers, &saved);
    state
        .links
        .apply(
            &state.db,
            &access.charger,
            Command::Timers(timers.clone()),
            Some(Command::Timers(before)),
            persist,
        )
        .await?;
    Ok(ApiJson(timers))
}

#[utoipa::path(get, path = "/api/chargers/{id}/dynamic-power", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = DynamicPower), (status = 404, body = ErrorBody)))]
pub async fn dynamic_power(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<DynamicPower>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    Ok(ApiJson(
        state.db.run(move |conn| store::load_json(conn, &access.charger, JsonColumn::DynamicPower)).await?,
    ))
}

/// Replaces dynamic power control. Both profiles must cover 24 hours without overlap; the
/// refusal names the uncovered or overlapping ranges.
#[utoipa::path(put, path = "/api/chargers/{id}/dynamic-power", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = DynamicPower,
    responses((status = 200, body = DynamicPower), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_dynamic_power(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(power): ApiJson<DynamicPower>,
) -> ApiResult<ApiJson<DynamicPower>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    power.validate().map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let before = state.db.run(move |conn| store::load_json(conn, &charger, JsonColumn::DynamicPower)).await?;
    let (charger, saved) = (access.charger.clone(), power.clone());
    let persist = move |conn: &mut rusqlite::Connection| {
        store::save_json(conn, &charger, JsonColumn::DynamicPower, &saved)
    };
    state
        .links
        .apply(
            &state.db,
            &access.charger,
            Command::DynamicPower(power.clone()),
            Some(Command::DynamicPower(before)),
            persist,
        )
        .await?;
    Ok(ApiJson(power))
}
