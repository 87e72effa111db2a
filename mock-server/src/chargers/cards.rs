//! RFID cards and e-Keys of a charger.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::charger::{CardRequest, RfidCard, Role};

use super::{access, store};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};

/// The charger's cards by name; their codes masked for viewers.
#[utoipa::path(get, path = "/api/chargers/{id}/cards", tag = "cards",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = Vec<RfidCard>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<RfidCard>>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    let role = access.role;
    let cards = state.db.run(move |conn| store::cards(conn, &access.charger)).await?;
    Ok(ApiJson(cards.into_iter().map(|card| card.seen_by(role)).collect()))
}

#[utoipa::path(post, path = "/api/chargers/{id}/cards", tag = "cards",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = CardRequest,
    responses((status = 201, body = RfidCard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Code already registered", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<CardRequest>,
) -> ApiResult<(StatusCode, ApiJson<RfidCard>)> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let (code, name) = request.validate().map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let card =
        store_then_apply(&state, &access, move |conn| store::save_card(conn, &charger, None, &code, &name))
            .await?;
    Ok((StatusCode::CREATED, ApiJson(card)))
}

#[utoipa::path(put, path = "/api/chargers/{id}/cards/{card}", tag = "cards",
    params(("id" = String, Path, description = "The charger's ID"), ("card" = i64, Path, description = "The card")),
    request_body = CardRequest,
    responses((status = 200, body = RfidCard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, card)): ApiPath<(String, i64)>,
    ApiJson(request): ApiJson<CardRequest>,
) -> ApiResult<ApiJson<RfidCard>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let (code, name) = request.validate().map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let card = store_then_apply(&state, &access, move |conn| {
        store::save_card(conn, &charger, Some(card), &code, &name)
    })
    .await?;
    Ok(ApiJson(card))
}

#[utoipa::path(delete, path = "/api/chargers/{id}/cards/{card}", tag = "cards",
    params(("id" = String, Path, description = "The charger's ID"), ("card" = i64, Path, description = "The card")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, card)): ApiPath<(String, i64)>,
) -> ApiResult<StatusCode> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let charger = access.charger.clone();
    store_then_apply(&state, &access, move |conn| store::delete_card(conn, &charger, card)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stores a change of the charger's cards, then gives the charger the cards it now accepts
/// (the simulated ones decide which card starts a charge), in the charger's turn.
async fn store_then_apply<T: Send + 'static>(
    state: &AppState,
    access: &access::Access,
    change: impl FnOnce(&rusqlite::Connection) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let charger = access.charger.clone();
    state
        .links
        .persist_then_send(&state.db, &access.charger, move |conn| {
            let changed = change(conn)?;
            let codes = store::card_codes(conn, &charger)?;
            Ok((changed, crate::link::Command::Cards(codes)))
        })
        .await
}
