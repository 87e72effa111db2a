//! Sessions: random tokens in an HttpOnly cookie, stored hashed with an expiry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rusqlite::{OptionalExtension as _, params};

use super::token;
use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// Name of the session cookie.
pub const COOKIE: &str = "cp_session";

/// The logged-in user of a request. Extracting it answers 401 when there is no valid session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    /// Hash of the session token, to end this session or keep it while ending others.
    pub session: Vec<u8>,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(COOKIE) else { return Err(ApiError::Unauthenticated) };
        let session = token::hash(cookie.value());
        let now = state.clock.unix();
        let lookup = session.clone();
        let user = state.db.run(move |conn| user_of(conn, &lookup, now)).await?;
        match user {
            Some(id) => Ok(CurrentUser { id, session }),
            None => Err(ApiError::Unauthenticated),
        }
    }
}

/// The user of a session that has not ended, if any.
pub fn user_of(conn: &rusqlite::Connection, session: &[u8], now: i64) -> ApiResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            params![session, now],
            |row| row.get::<_, i64>(0),
        )
        .optional()?)
}

/// Tells whoever holds something open for a session (the live stream) that some of a
/// user's sessions have ended: each listener checks whether its own is among them.
#[derive(Clone)]
pub struct Endings(tokio::sync::broadcast::Sender<i64>);

impl Default for Endings {
    fn default() -> Self {
        Endings(tokio::sync::broadcast::channel(256).0)
    }
}

impl Endings {
    /// Some sessions of `user_id` were deleted.
    pub fn ended(&self, user_id: i64) {
        let _ = self.0.send(user_id);
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.0.subscribe()
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(ApiError::Unauthenticated) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// Starts a session for `user_id` and returns the cookie that carries it.
pub async fn start(state: &AppState, user_id: i64) -> ApiResult<Cookie<'static>> {
    let (token, hash) = token::generate();
    let ttl = state.config.session_ttl();
    let now = state.clock.unix();
    let expires = now + ttl.as_secs() as i64;
    state
        .db
        .run(move |conn| {
            // Expired sessions are swept here rather than by a background job.
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
            super::throttle::sweep(conn, now)?;
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![hash, user_id, now, expires],
            )?;
            Ok(())
        })
        .await?;
    Ok(Cookie::build((COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .max_age(cookie_duration(ttl.as_secs()))
        .build())
}

/// A cookie that makes the browser forget the session.
pub fn removal(state: &AppState) -> Cookie<'static> {
    Cookie::build((COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .max_age(cookie_duration(0))
        .build()
}

fn cookie_duration(secs: u64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs as i64)
}
