//! Registration and email confirmation.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::account::{ConfirmEmailRequest, EmailRequest, RegisterRequest};
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{self, TokenPurpose};
use crate::auth::password;
use crate::auth::throttle::{self, Bucket, ClientIp, Limit};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::{AppState, mail};

/// An account waiting for its email address to be confirmed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingConfirmation {
    pub email: String,
}

/// Creates an account and emails a confirmation link. Login is refused until it is followed.
///
/// An address that already has an account gets the same answer, so that registering does
/// not tell who has an account; its owner is emailed instead (a reminder of how to log in, or
/// a new confirmation link if the account was never confirmed) and nothing changes.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created, or the address already had one: either way an email was sent", body = PendingConfirmation),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address; see Retry-After", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, ApiJson<PendingConfirmation>)> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let per_hour = Limit::per_hour(state.config.registrations_per_hour);
    let limit = [Bucket { key: format!("register:{}", client.key()), limit: per_hour }];
    let address = email.clone();
    let existing = state
        .db
        .run(move |conn| {
            throttle::take(conn, &limit, now)?;
            store::credentials(conn, &address)
        })
        .await?;
    let answer = (StatusCode::CREATED, ApiJson(PendingConfirmation { email: email.to_string() }));
    if let Some(user) = existing {
        let mail = if user.confirmed {
            let base = state.config.public_url();
            mail::already_registered(email.as_str(), user.language, &base)
        } else {
            let token = state
                .db
                .run(move |conn| store::issue_token(conn, user.id, TokenPurpose::Confirm, now))
                .await?;
            confirmation_mail(&state, email.as_str(), user.language, &token)
        };
        state.mailer.send(&state.db, &state.clock, mail).await?;
        return Ok(answer);
    }

    let hash = password::hash(request.password.clone()).await?;
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
    let mail = confirmation_mail(&state, email.as_str(), language, &token);
    state.mailer.send(&state.db, &state.clock, mail).await?;
    Ok(answer)
}

/// The limit on emails with links (confirmation, password reset) one client address may ask for.
pub(super) fn email_links(state: &AppState, client: ClientIp) -> [Bucket; 1] {
    let limit = Limit::per_hour(state.config.email_links_per_hour);
    [Bucket { key: format!("links:{}", client.key()), limit }]
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
    client: ClientIp,
    ApiJson(request): ApiJson<EmailRequest>,
) -> ApiResult<StatusCode> {
    let email = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let address = email.clone();
    let limit = email_links(&state, client);
    let pending = state
        .db
        .run(move |conn| {
            throttle::take(conn, &limit, now)?;
            let Some(user) = store::credentials(conn, &address)? else { return Ok(None) };
            if user.confirmed {
                return Ok(None);
            }
            let token = store::issue_token(conn, user.id, TokenPurpose::Confirm, now)?;
            Ok(Some((token, user.language)))
        })
        .await?;
    if let Some((token, language)) = pending {
        let mail = confirmation_mail(&state, email.as_str(), language, &token);
        state.mailer.send(&state.db, &state.clock, mail).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

fn confirmation_mail(
    state: &AppState,
    to: &str,
    language: charge_model::Language,
    token: &str,
) -> mail::Mail {
    let link = format!("{}/confirm?token={token}", state.config.public_url());
    mail::confirmation(to, language, link)
}
