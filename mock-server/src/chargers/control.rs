//! Live control: lock, pause, charging current, and the charger's operations.

use axum::extract::State;
use charge_model::ErrorBody;
use charge_model::charger::{
    ChargerStatus, IntensityRequest, LockRequest, OperationRequest, PauseRequest, Role,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{access, store};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::link::Command;

fn live_status(state: &AppState, access: &access::Access) -> ApiResult<ApiJson<ChargerStatus>> {
    state.links.status(&access.charger).map(ApiJson).ok_or_else(access::not_found)
}

/// Locks (nobody can charge, the owner included) or unlocks the charger.
#[utoipa::path(put, path = "/api/chargers/{id}/lock", tag = "control",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = LockRequest,
    responses((status = 200, body = ChargerStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Offline", body = ErrorBody)))]
pub async fn lock(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<LockRequest>,
) -> ApiResult<ApiJson<ChargerStatus>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let charger = access.charger.clone();
    let persist = move |conn: &mut rusqlite::Connection| {
        store::set_flags(conn, &charger, store::Flag::Locked, request.locked)
    };
    state.links.apply(&state.db, &access.charger, Command::Lock(request.locked), None, persist).await?;
    live_status(&state, &access)
}

/// Pauses or resumes charging.
#[utoipa::path(put, path = "/api/chargers/{id}/pause", tag = "control",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = PauseRequest,
    responses((status = 200, body = ChargerStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Offline", body = ErrorBody)))]
pub async fn pause(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<PauseRequest>,
) -> ApiResult<ApiJson<ChargerStatus>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let charger = access.charger.clone();
    let persist = move |conn: &mut rusqlite::Connection| {
        store::set_flags(conn, &charger, store::Flag::Paused, request.paused)
    };
    state.links.apply(&state.db, &access.charger, Command::Pause(request.paused), None, persist).await?;
    live_status(&state, &access)
}

/// Sets the charging current, inside the charger's current limits.
#[utoipa::path(put, path = "/api/chargers/{id}/intensity", tag = "control",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = IntensityRequest,
    responses((status = 200, body = ChargerStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Offline", body = ErrorBody), (status = 422, description = "Outside the limits", body = ErrorBody)))]
pub async fn intensity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<IntensityRequest>,
) -> ApiResult<ApiJson<ChargerStatus>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let charger = access.charger.clone();
    let settings = state.db.run(move |conn| store::settings(conn, &charger)).await?;
    request.validate(&settings).map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let persist = move |conn: &mut rusqlite::Connection| store::set_intensity(conn, &charger, request.amps);
    state.links.apply(&state.db, &access.charger, Command::Current(request.amps), None, persist).await?;
    live_status(&state, &access)
}

/// Restarts the charger, updates its firmware (from the internet or the local network), or calibrates it.
#[utoipa::path(post, path = "/api/chargers/{id}/operations", tag = "control",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = OperationRequest,
    responses((status = 200, body = ChargerStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Offline or busy", body = ErrorBody), (status = 422, description = "Not available on this model", body = ErrorBody)))]
pub async fn operate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<OperationRequest>,
) -> ApiResult<ApiJson<ChargerStatus>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    state.links.send(&access.charger, Command::Operation(request.operation)).await?;
    live_status(&state, &access)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// How far back, in seconds (at most 900).
    pub seconds: Option<i64>,
}

/// Charging power of the last minutes, one sample a second: `[[unix ms, W], …]`.
#[utoipa::path(get, path = "/api/chargers/{id}/power", tag = "control",
    params(("id" = String, Path, description = "The charger's ID"), HistoryQuery),
    responses((status = 200, body = Vec<crate::openapi::PowerSample>), (status = 404, body = ErrorBody)))]
pub async fn power_history(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<ApiJson<Vec<(i64, f32)>>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    let seconds = query.seconds.unwrap_or(300).clamp(1, crate::link::hub::HISTORY_SECS);
    Ok(ApiJson(state.links.power_history(&access.charger, seconds)))
}
