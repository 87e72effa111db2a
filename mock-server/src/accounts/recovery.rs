//! Password recovery by an emailed single-use link.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::account::{EmailRequest, ResetPasswordRequest};

use super::store::{self, TokenPurpose};
use crate::auth::password;
use crate::auth::throttle::{self, ClientIp};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::{AppState, mail};

/// Emails a password-reset link. Answers the same whether or not the address has an account.
#[utoipa::path(post, path = "/api/auth/forgot-password", tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the address has an account, a reset link was sent"),
        (status = 422, description = "Invalid email", body = ErrorBody),
    ))]
pub async fn forgot_password(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(request): ApiJson<EmailRequest>,
) -> ApiResult<StatusCode> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let address = email.clone();
    let limit = super::registration::email_links(&state, client);
    let issued = state
        .db
        .run(move |conn| {
            throttle::take(conn, &limit, now)?;
            let Some(user) = store::credentials(conn, &address)? else { return Ok(None) };
            let token = store::issue_token(conn, user.id, TokenPurpose::Reset, now)?;
            Ok(Some((token, user.language)))
        })
        .await?;
    if let Some((token, language)) = issued {
        let link = format!("{}/reset-password?token={token}", state.config.public_url());
        state
            .mailer
            .send(&state.db, &state.clock, mail::password_reset(email.as_str(), language, link))
            .await?;
    }
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with the token of the emailed link. Ends every session of the
/// account, and confirms its address (the link proved the user reads that mailbox).
#[utoipa::path(post, path = "/api/auth/reset-password", tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; log in with the new one"),
        (status = 400, description = "Unknown, used or expired link", body = ErrorBody),
        (status = 422, description = "Invalid password", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    // The link first: a made-up token costs no hashing.
    let token = request.token.clone();
    state.db.run(move |conn| store::token_user(conn, &token, TokenPurpose::Reset, now)).await?;
    let hash = password::hash(request.password).await?;
    let user_id = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let user_id = store::consume_token(&tx, &request.token, TokenPurpose::Reset, now)?;
            store::set_password(&tx, user_id, &hash)?;
            store::mark_confirmed(&tx, user_id, now)?;
            store::end_sessions(&tx, user_id, None)?;
            tx.commit()?;
            Ok(user_id)
        })
        .await?;
    state.session_endings.ended(user_id);
    Ok(StatusCode::NO_CONTENT)
}
