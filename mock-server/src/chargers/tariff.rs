//! A charger's tariff (what its charges cost under it is `crate::charges`' business).

use axum::extract::State;
use charge_model::ErrorBody;
use charge_model::charger::Role;
use charge_model::tariff::Tariff;

use super::access;
use super::store::{self, JsonColumn};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};

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
