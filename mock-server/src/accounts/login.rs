//! Logging in and out.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::CookieJar;
use charge_model::ErrorBody;
use charge_model::account::{Account, LoginRequest, SessionInfo};
use rusqlite::OptionalExtension as _;

use super::store;
use crate::AppState;
use crate::auth::throttle::{self, ClientIp};
use crate::auth::{CurrentUser, device, password, session};
use crate::error::{ApiError, ApiJson, ApiResult};

/// Checks the credentials and starts a session (an HttpOnly cookie).
#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = Account),
        (status = 401, description = "Email or password is incorrect", body = ErrorBody),
        (status = 403, description = "The email address is not confirmed yet", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientIp,
    jar: CookieJar,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, ApiJson<Account>)> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let device_cookie = jar.get(device::cookie_name(&state.config)).map(|cookie| cookie.value().to_owned());
    let (max_failures, window) = (state.config.login_max_failures, state.config.login_window_secs as i64);
    let address = email.clone();
    let (user, buckets, trusted) = state
        .db
        .run(move |conn| {
            let device = device::trusted(conn, device_cookie.as_deref(), address.as_str())?;
            let buckets =
                throttle::login_buckets(address.as_str(), client, device.as_deref(), max_failures, window);
            // Before the password: a full bucket costs no hashing.
            throttle::check(conn, &buckets, now)?;
            Ok((store::credentials(conn, &address)?, buckets, device.is_some()))
        })
        .await?;

    let verified = match &user {
        Some(user) => password::verify(request.password, user.password_hash.clone()).await?,
        None => {
            password::verify_nothing(request.password).await?;
            false
        }
    };
    let user = match user {
        Some(user) if verified => user,
        _ => {
            state.db.run(move |conn| throttle::record(conn, &buckets, now)).await?;
            return Err(ApiError::InvalidCredentials);
        }
    };
    // This browser's (or this address's) own failures are forgiven; the wider ones stay.
    let own = buckets[0].key.clone();
    let config = state.config.clone();
    let confirmed = user.confirmed;
    let new_device = state
        .db
        .run(move |conn| {
            throttle::clear(conn, &own)?;
            if trusted || !confirmed {
                Ok(None)
            } else {
                device::issue(conn, user.id, now, &config).map(Some)
            }
        })
        .await?;
    if !confirmed {
        return Err(ApiError::EmailNotConfirmed);
    }

    let origin = session::Origin::of(&headers, client);
    let cookie = session::start(&state, user.id, origin).await?;
    let account = state.db.run(move |conn| store::account(conn, user.id)).await?;
    let jar = match new_device {
        Some(device) => jar.add(device),
        None => jar,
    };
    // A provider waiting in this browser to be linked to this account: the password proves it.
    let jar = crate::oidc::complete_after_login(&state, jar, user.id).await?;
    Ok((jar.add(cookie), ApiJson(account)))
}

/// Who is logged in: always 200, with `account: null` when nobody is, so that a
/// portal checking at start-up does not provoke an error.
#[utoipa::path(get, path = "/api/auth/session", tag = "auth",
    responses((status = 200, body = SessionInfo)))]
pub async fn session_info(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> ApiResult<ApiJson<SessionInfo>> {
    let account = match user {
        Some(user) => Some(state.db.run(move |conn| store::account(conn, user.id)).await?),
        None => None,
    };
    Ok(ApiJson(SessionInfo { account }))
}

/// Ends the current session, if any, and clears the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(cookie) = jar.get(session::cookie_name(&state.config)) {
        let hash = crate::auth::token::hash(cookie.value());
        let ended = state
            .db
            .run(move |conn| {
                Ok(conn
                    .query_row(
                        "DELETE FROM sessions WHERE token_hash = ?1 RETURNING user_id",
                        [hash],
                        |row| row.get::<_, i64>(0),
                    )
                    .optional()?)
            })
            .await?;
        if let Some(user_id) = ended {
            state.session_endings.ended(user_id);
        }
    }
    Ok((jar.add(session::removal(&state)), StatusCode::NO_CONTENT))
}
