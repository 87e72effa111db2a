//! The logged-in user's own account: profile, password, deletion.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use charge_model::account::{Account, ChangePasswordRequest, DeleteAccountRequest, Profile};
use charge_model::{ErrorBody, Problem};

use super::store;
use crate::AppState;
use crate::auth::throttle::{self, Bucket, Limit};
use crate::auth::{CurrentUser, password, session};
use crate::error::{ApiError, ApiJson, ApiResult};

/// The logged-in user's account.
#[utoipa::path(get, path = "/api/account", tag = "account",
    responses(
        (status = 200, body = Account),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ))]
pub async fn get_account(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Account>> {
    Ok(ApiJson(state.db.run(move |conn| store::account(conn, user.id)).await?))
}

/// Replaces the profile (name, vehicle, language); notifications are chosen at
/// `/api/notifications/preferences`.
#[utoipa::path(put, path = "/api/account", tag = "account",
    request_body = Profile,
    responses(
        (status = 200, body = Account),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update_account(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(profile): ApiJson<Profile>,
) -> ApiResult<ApiJson<Account>> {
    let profile = profile.validate().map_err(ApiError::Validation)?;
    let account = state
        .db
        .run(move |conn| {
            store::update_profile(conn, user.id, &profile)?;
            store::account(conn, user.id)
        })
        .await?;
    Ok(ApiJson(account))
}

/// Changes the password; needs the current one. Other sessions are ended, this one stays.
#[utoipa::path(post, path = "/api/account/password", tag = "account",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Invalid fields or wrong current password", body = ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    request.validate().map_err(ApiError::Validation)?;
    check_password(&state, user.id, request.current_password, "current_password").await?;
    let hash = password::hash(request.new_password).await?;
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            store::set_password(&tx, user.id, &hash)?;
            store::end_sessions(&tx, user.id, Some(&user.session))?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.session_endings.ended(user.id);
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the account and all its data permanently; needs the password (an account made by
/// an OpenID provider, which has none, types its email address instead).
#[utoipa::path(delete, path = "/api/account", tag = "account",
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Account deleted; the session cookie is cleared"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Wrong password (or, without one, not the account's email address)", body = ErrorBody),
    ))]
pub async fn delete_account(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    ApiJson(request): ApiJson<DeleteAccountRequest>,
) -> ApiResult<(CookieJar, StatusCode)> {
    request.validate().map_err(ApiError::Validation)?;
    let email = state
        .db
        .run(move |conn| {
            let passwordless = store::password_hash(conn, user.id)?.is_empty();
            Ok(passwordless.then(|| store::account(conn, user.id)).transpose()?.map(|account| account.email))
        })
        .await?;
    match email {
        Some(email) if charge_model::account::Email::fold(&request.password) != email => {
            return Err(ApiError::field("password", Problem::Mismatch));
        }
        Some(_) => {}
        None => check_password(&state, user.id, request.password, "password").await?,
    }
    // One transaction: the account and the release of its chargers happen together or not at
    // all; the chargers' links let them go once it is committed.
    let links = state.links.clone();
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let released = crate::chargers::release_owned(&tx, user.id)?;
            store::delete_user(&tx, user.id)?;
            tx.commit()?;
            crate::chargers::released(&links, released);
            Ok(())
        })
        .await?;
    state.session_endings.ended(user.id);
    Ok((jar.add(session::removal(&state)), StatusCode::NO_CONTENT))
}

/// A field-level 422 on `field` when `given` is not the user's password. Wrong guesses
/// are throttled like logins, so a stolen session cannot be used to find the password.
async fn check_password(state: &AppState, user_id: i64, given: String, field: &str) -> ApiResult<()> {
    let limit = Limit {
        max: state.config.login_max_failures.max(1),
        window_secs: state.config.login_window_secs as i64,
    };
    let buckets = [Bucket { key: format!("password:{user_id}"), limit }];
    let now = state.clock.unix();
    let lookup = buckets.clone();
    let stored = state
        .db
        .run(move |conn| {
            throttle::check(conn, &lookup, now)?;
            store::password_hash(conn, user_id)
        })
        .await?;
    if password::verify(given, stored).await? {
        state.db.run(move |conn| throttle::clear(conn, &buckets[0].key)).await
    } else {
        state.db.run(move |conn| throttle::record(conn, &buckets, now)).await?;
        Err(ApiError::field(field, Problem::WrongPassword))
    }
}
