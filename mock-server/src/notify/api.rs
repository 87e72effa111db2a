//! `/api/notifications`: the logged-in user's list, unread count and choices; and
//! `POST /api/auth/unsubscribe`, which an emailed link reaches without logging in.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::notifications::{
    NotificationPage, NotificationPreferences, UnreadCount, UnsubscribeRequest, Unsubscribed,
};
use charge_model::{ErrorBody, FieldErrors, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(unread))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(preferences, save_preferences))
        .routes(routes!(unsubscribe))
}

/// The most notifications one page holds.
pub const PAGE_MAX: u32 = 100;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only notifications older than this one (the previous page's `next_before`).
    pub before: Option<i64>,
    /// How many, 1 to 100; 20 when not given.
    pub limit: Option<u32>,
}

/// The user's notifications, newest first, a page at a time, with the unread count.
#[utoipa::path(get, path = "/api/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, body = NotificationPage), (status = 422, description = "`limit` not from 1 to 100", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<ApiJson<NotificationPage>> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::field("limit", Problem::OutOfRange { min: 1.0, max: f64::from(PAGE_MAX) }));
    }
    let page = state
        .db
        .run(move |conn| {
            let items = store::list(conn, user.id, query.before, limit)?;
            let next_before = if items.len() == limit as usize { items.last().map(|n| n.id) } else { None };
            Ok(NotificationPage { items, next_before, unread: store::unread(conn, user.id)? })
        })
        .await?;
    Ok(ApiJson(page))
}

/// How many of the user's notifications are unread (also pushed live on `/api/events`).
#[utoipa::path(get, path = "/api/notifications/unread", tag = "notifications",
    responses((status = 200, body = UnreadCount)))]
pub async fn unread(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<UnreadCount>> {
    let unread = state.db.run(move |conn| store::unread(conn, user.id)).await?;
    Ok(ApiJson(UnreadCount { unread }))
}

/// Marks one notification read.
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path, description = "The notification")),
    responses((status = 204, description = "Read"), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let now = state.clock.unix();
    let unread = state
        .db
        .run(move |conn| {
            store::mark_read(conn, user.id, id, now)?;
            store::unread(conn, user.id)
        })
        .await?;
    state.notifier.push_unread(user.id, unread);
    Ok(StatusCode::NO_CONTENT)
}

/// Marks every notification of the user read (the list was opened).
#[utoipa::path(post, path = "/api/notifications/read-all", tag = "notifications",
    responses((status = 204, description = "All read")))]
pub async fn mark_all_read(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    let now = state.clock.unix();
    state.db.run(move |conn| store::mark_all_read(conn, user.id, now)).await?;
    state.notifier.push_unread(user.id, 0);
    Ok(StatusCode::NO_CONTENT)
}

/// Which kinds of notification the user gets, by email and in the portal.
#[utoipa::path(get, path = "/api/notifications/preferences", tag = "notifications",
    responses((status = 200, body = NotificationPreferences)))]
pub async fn preferences(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<NotificationPreferences>> {
    Ok(ApiJson(state.db.run(move |conn| store::preferences(conn, user.id)).await?))
}

/// Sets the channels of the kinds given (each at most once); the others keep theirs.
/// Answers every kind's choice.
#[utoipa::path(put, path = "/api/notifications/preferences", tag = "notifications",
    request_body = NotificationPreferences,
    responses((status = 200, body = NotificationPreferences),
        (status = 422, description = "A kind given twice, or not a kind", body = ErrorBody)))]
pub async fn save_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<NotificationPreferences>,
) -> ApiResult<ApiJson<NotificationPreferences>> {
    request.validate().map_err(ApiError::Validation)?;
    let saved = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            for preference in &request.kinds {
                store::save_preference(&tx, user.id, preference)?;
            }
            let saved = store::preferences(&tx, user.id)?;
            tx.commit()?;
            Ok(saved)
        })
        .await?;
    Ok(ApiJson(saved))
}

/// Turns off the emails of one kind, with the token of the link such an email carries (no
/// login needed). Following a link again changes nothing more.
#[utoipa::path(post, path = "/api/auth/unsubscribe", tag = "notifications",
    request_body = UnsubscribeRequest,
    responses((status = 200, body = Unsubscribed), (status = 400, description = "Unknown token", body = ErrorBody)))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<UnsubscribeRequest>,
) -> ApiResult<ApiJson<Unsubscribed>> {
    if request.token.trim().is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("token", Problem::Required);
        return Err(ApiError::Validation(errors));
    }
    let kind = state.db.run(move |conn| store::unsubscribe(conn, request.token.trim())).await?;
    Ok(ApiJson(Unsubscribed { kind }))
}
