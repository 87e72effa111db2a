//! The user's list of chargers; pairing one by its ID; removing it.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::charger::{ChargerSettings, ChargerSummary, DisplayLanguage, PairRequest, Role};

use super::{access, store, summary};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};

/// Every charger the user owns or has been shared with, with its live status.
#[utoipa::path(get, path = "/api/chargers", tag = "chargers",
    responses((status = 200, body = Vec<ChargerSummary>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<ChargerSummary>>> {
    let listed = state.db.run(move |conn| store::list_for(conn, user.id)).await?;
    let ids: Vec<_> = listed.iter().map(|c| c.id.clone()).collect();
    let statuses = state.links.statuses(&ids);
    Ok(ApiJson(listed.into_iter().zip(statuses).map(|(c, s)| summary(c, s)).collect()))
}

/// Pairs a charger by the ID on its label; the user becomes its owner.
#[utoipa::path(post, path = "/api/chargers", tag = "chargers",
    request_body = PairRequest,
    responses(
        (status = 201, body = ChargerSummary),
        (status = 409, description = "Already paired (by this user or by someone else)", body = ErrorBody),
        (status = 422, description = "Invalid fields, or no charger with this ID", body = ErrorBody),
    ))]
pub async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<PairRequest>,
) -> ApiResult<(StatusCode, ApiJson<ChargerSummary>)> {
    let (id, name) = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let charger = id.clone();
    let (paired, listed) = state
        .db
        .run(move |conn| {
            let language = crate::accounts::store::account(conn, user.id)?.profile.language;
            let settings = ChargerSettings {
                name,
                display_language: DisplayLanguage::from(language),
                ..ChargerSettings::default()
            };
            let paired = store::pair(conn, user.id, &charger, &settings, now)?;
            Ok((paired, store::listed_one(conn, user.id, &charger)?))
        })
        .await?;
    state.links.paired(&id, paired.model, paired.firmware);
    state.links.access_changed(vec![user.id]);
    let status = state.links.status(&id);
    Ok((StatusCode::CREATED, ApiJson(summary(listed, status))))
}

/// Removes a charger from the account (owner only): its settings, cards, shares and
/// history are deleted, and anyone may pair it again.
#[utoipa::path(delete, path = "/api/chargers/{id}", tag = "chargers",
    params(("id" = String, Path, description = "The charger's ID")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "Not a charger of this user", body = ErrorBody),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    release(&state, access.charger).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Releases a charger in the database, then in the simulator, and tells whoever could see it.
pub async fn release(state: &AppState, id: charge_model::charger::ChargerId) -> ApiResult<()> {
    let links = state.links.clone();
    state
        .db
        .run(move |conn| {
            let users = store::release(conn, &id)?;
            super::released(&links, super::Released { chargers: vec![id], users });
            Ok(())
        })
        .await
}
