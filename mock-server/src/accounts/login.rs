//! Logging in and out.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use charge_model::ErrorBody;
use charge_model::account::{Account, LoginRequest, SessionInfo};

use super::store;
use crate::AppState;
use crate::auth::{CurrentUser, password, session};
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
    jar: CookieJar,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, ApiJson<Account>)> {
    let email = request.validate().map_err(ApiError::Validation)?;
    state.throttle.check(email.as_str(), state.clock.now())?;

    let address = email.clone();
    let user = state.db.run(move |conn| store::credentials(conn, &address)).await?;
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
            state.throttle.record_failure(email.as_str(), state.clock.now());
            return Err(ApiError::InvalidCredentials);
        }
    };
    state.throttle.clear(email.as_str());
    if !user.confirmed {
        return Err(ApiError::EmailNotConfirmed);
    }

    let cookie = session::start(&state, user.id).await?;
    let account = state.db.run(move |conn| store::account(conn, user.id)).await?;
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
    if let Some(cookie) = jar.get(session::COOKIE) {
        let hash = crate::auth::token::hash(cookie.value());
        state
            .db
            .run(move |conn| {
                conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash])?;
                Ok(())
            })
            .await?;
    }
    Ok((jar.add(session::removal(&state)), StatusCode::NO_CONTENT))
}
