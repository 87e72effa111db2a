//! Sessions: random tokens in an HttpOnly cookie, stored hashed, ending at an absolute
//! expiry or after a while unused, whichever comes first. Over HTTPS the cookie is `Secure`
//! and `__Host-` prefixed (only this host, path `/`, never set over plain HTTP).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rusqlite::{OptionalExtension as _, params};

use super::token;
use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// Name of the session cookie over plain HTTP (development).
pub const COOKIE: &str = "cp_session";
/// Name of the session cookie when cookies are `Secure`.
pub const SECURE_COOKIE: &str = "__Host-cp_session";

/// The session cookie's name under `config`.
pub fn cookie_name(config: &crate::Config) -> &'static str {
    if config.secure_cookies() { SECURE_COOKIE } else { COOKIE }
}

/// A session's last use is written at most this often (not on every request).
const TOUCH_EVERY_SECS: i64 = 60;

/// A session last used at or before this moment has ended (idle), as of `now`.
pub fn idle_cutoff(now: i64, idle_secs: i64) -> i64 {
    // The last use is written a minute late at most: allow for it.
    now - idle_secs - TOUCH_EVERY_SECS
}

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
        let Some(cookie) = jar.get(cookie_name(&state.config)) else { return Err(ApiError::Unauthenticated) };
        let session = token::hash(cookie.value());
        let now = state.clock.unix();
        let idle = state.config.session_idle_secs();
        let lookup = session.clone();
        let user = state.db.run(move |conn| use_session(conn, &lookup, now, idle)).await?;
        match user {
            Some(id) => Ok(CurrentUser { id, session }),
            None => Err(ApiError::Unauthenticated),
        }
    }
}

/// The user of a session that has neither expired nor gone unused for `idle_secs`, if any;
/// using it records the use (written at most once a minute, so most requests only read).
pub fn use_session(
    conn: &rusqlite::Connection,
    session: &[u8],
    now: i64,
    idle_secs: i64,
) -> ApiResult<Option<i64>> {
    let found: Option<(i64, i64)> = conn
        .query_row(
            "SELECT user_id, last_seen_at FROM sessions
             WHERE token_hash = ?1 AND expires_at > ?2 AND last_seen_at > ?3",
            params![session, now, idle_cutoff(now, idle_secs)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((user, last_seen_at)) = found else { return Ok(None) };
    if last_seen_at <= now - TOUCH_EVERY_SECS {
        conn.execute("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1", params![session, now])?;
    }
    Ok(Some(user))
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

/// Where a session was started from, shown in the profile's list of sessions.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub user_agent: String,
    pub address: String,
}

impl Origin {
    /// A request's origin: its browser (the User-Agent, at most 200 characters) and address.
    pub fn of(headers: &axum::http::HeaderMap, client: super::throttle::ClientIp) -> Origin {
        let user_agent = headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Origin { user_agent, address: client.key() }
    }
}

/// Starts a session for `user_id` and returns the cookie that carries it.
pub async fn start(state: &AppState, user_id: i64, origin: Origin) -> ApiResult<Cookie<'static>> {
    let (token, hash) = token::generate();
    let ttl = state.config.session_ttl();
    let now = state.clock.unix();
    let expires = now + ttl.as_secs() as i64;
    let idle = state.config.session_idle_secs();
    state
        .db
        .run(move |conn| {
            // Ended sessions (expired, or unused too long) are swept here rather than by a
            // background job.
            conn.execute(
                "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
                params![now, idle_cutoff(now, idle)],
            )?;
            super::throttle::sweep(conn, now)?;
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, user_agent, address)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6)",
                params![hash, user_id, now, expires, origin.user_agent, origin.address],
            )?;
            Ok(())
        })
        .await?;
    Ok(Cookie::build((cookie_name(&state.config), token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(cookie_duration(ttl.as_secs()))
        .build())
}

/// A cookie that makes the browser forget the session.
pub fn removal(state: &AppState) -> Cookie<'static> {
    Cookie::build((cookie_name(&state.config), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(cookie_duration(0))
        .build()
}

fn cookie_duration(secs: u64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs as i64)
}
