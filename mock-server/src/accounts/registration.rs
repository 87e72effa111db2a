//! Registration and email confirmation.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::account::{ConfirmEmailRequest, EmailRequest, RegisterRequest};
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{self, TokenPurpose};
use crate::auth::password;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::{AppState, mail};

/// An account waiting for its email address to be confirmed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingConfirmation {
    pub email: String,
}

/// Creates an account and emails a confirmation link. Login is refused until it is followed.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created; confirmation email sent", body = PendingConfirmation),
        (status = 409, description = "The email already has an account", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, ApiJson<PendingConfirmation>)> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let hash = password::hash(request.password.clone()).await?;
    let now = state.clock.unix();
    let (address, language) = (email.clone(), request.language);
    let token = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let user_id = store::insert_user(&tx, &address, &hash, request.name.trim(), language, now)?;
            let token = store::issue_token(&tx, user_id, TokenPurpose::Confirm, now)?;
            tx.commit()?;
            Ok(token)
        })
        .await?;
    send_confirmation(&state, email.as_str(), language, &token).await?;
    Ok((StatusCode::CREATED, ApiJson(PendingConfirmation { email: email.to_string() })))
}

/// Confirms an email address with the token of the emailed link.
#[utoipa::path(post, path = "/api/auth/confirm", tag = "auth",
    request_body = ConfirmEmailRequest,
    responses(
        (status = 204, description = "Address confirmed; the user can log in"),
        (status = 400, description = "Unknown, used or expired link", body = ErrorBody),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ConfirmEmailRequest>,
) -> ApiResult<StatusCode> {
    let now = state.clock.unix();
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let user_id = store::consume_token(&tx, &request.token, TokenPurpose::Confirm, now)?;
            store::mark_confirmed(&tx, user_id, now)?;
            crate::chargers::sharing::accept_invitations(&tx, user_id, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a new confirmation link. Answers the same whether or not the address has an
/// unconfirmed account, so that it does not reveal which addresses are registered.
#[utoipa::path(post, path = "/api/auth/resend-confirmation", tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the address has an unconfirmed account, a new link was sent"),
        (status = 422, description = "Invalid email", body = ErrorBody),
    ))]
pub async fn resend_confirmation(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<EmailRequest>,
) -> ApiResult<StatusCode> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let address = email.clone();
    let pending = state
        .db
        .run(move |conn| {
            let Some(user) = store::credentials(conn, &address)? else { return Ok(None) };
            if user.confirmed {
                return Ok(None);
            }
            let token = store::issue_token(conn, user.id, TokenPurpose::Confirm, now)?;
            Ok(Some((token, user.language)))
        })
        .await?;
    if let Some((token, language)) = pending {
        send_confirmation(&state, email.as_str(), language, &token).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

async fn send_confirmation(
    state: &AppState,
    to: &str,
    language: charge_model::Language,
    token: &str,
) -> ApiResult<()> {
    let link = format!("{}/confirm?token={token}", state.config.public_url());
    state.mailer.send(&state.db, &state.clock, mail::confirmation(to, language, link)).await
}
