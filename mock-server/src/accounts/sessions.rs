//! The user's logged-in sessions: listed in the profile, each can be ended.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::account::ActiveSession;
use rusqlite::params;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};

/// The user's sessions that have not ended, the most recently used first.
#[utoipa::path(get, path = "/api/account/sessions", tag = "account",
    responses((status = 200, body = Vec<ActiveSession>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<ActiveSession>>> {
    let now = state.clock.unix();
    let idle = state.config.session_idle_secs();
    let sessions = state
        .db
        .run(move |conn| {
            let mut statement = conn.prepare(
                "SELECT rowid, created_at, last_seen_at, user_agent, address, token_hash = ?2 FROM sessions
                 WHERE user_id = ?1 AND expires_at > ?3 AND last_seen_at > ?4
                 ORDER BY token_hash = ?2 DESC, last_seen_at DESC, rowid DESC",
            )?;
            let rows = statement.query_map(
                params![user.id, user.session, now, crate::auth::session::idle_cutoff(now, idle)],
                |row| {
                    Ok(ActiveSession {
                        id: row.get(0)?,
                        created_at: row.get(1)?,
                        last_seen_at: row.get(2)?,
                        user_agent: row.get(3)?,
                        address: row.get(4)?,
                        current: row.get(5)?,
                    })
                },
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(ApiJson(sessions))
}

/// Ends one of the user's other sessions (to end this one, log out).
#[utoipa::path(delete, path = "/api/account/sessions/{session}", tag = "account",
    params(("session" = i64, Path, description = "The session's id from the list")),
    responses((status = 204, description = "Ended"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(session): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let ended = state
        .db
        .run(move |conn| {
            Ok(conn.execute(
                "DELETE FROM sessions WHERE rowid = ?1 AND user_id = ?2 AND token_hash IS NOT ?3",
                params![session, user.id, user.session],
            )?)
        })
        .await?;
    if ended == 0 {
        return Err(ApiError::NotFound(charge_model::Reason::NoSuchSession));
    }
    state.session_endings.ended(user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the user but this one.
#[utoipa::path(delete, path = "/api/account/sessions", tag = "account",
    responses((status = 204, description = "Every other session ended"), (status = 401, body = ErrorBody)))]
pub async fn end_others(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    let keep = user.session.clone();
    state.db.run(move |conn| super::store::end_sessions(conn, user.id, Some(&keep))).await?;
    state.session_endings.ended(user.id);
    Ok(StatusCode::NO_CONTENT)
}
