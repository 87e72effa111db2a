//! Accounts: registration, login, recovery and profile.

use charge_model::account::{
    Account, ActiveSession, ChangePasswordRequest, ConfirmEmailRequest, DeleteAccountRequest, EmailRequest,
    LoginRequest, Profile, RegisterRequest, ResetPasswordRequest, SessionInfo,
};
use charge_model::oidc::{ConfirmLinkRequest, Identities, OidcProvider};
use serde::Deserialize;

use super::{ApiError, delete, empty, fetch, fetch_early, fetch_empty, get, json, post, put};

/// `POST /api/auth/register` answer.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingConfirmation {
    pub email: String,
}

pub async fn register(request: &RegisterRequest) -> Result<PendingConfirmation, ApiError> {
    json(post("/api/auth/register").await, request).await
}

pub async fn confirm_email(token: String) -> Result<(), ApiError> {
    empty(post("/api/auth/confirm").await, &ConfirmEmailRequest { token }).await
}

pub async fn resend_confirmation(email: String) -> Result<(), ApiError> {
    empty(post("/api/auth/resend-confirmation").await, &EmailRequest { email }).await
}

/// Logs in; the session cookie is set. (The answer's account is not decoded: the pages
/// that log in move on to the app, which loads it.)
pub async fn login(request: &LoginRequest) -> Result<(), ApiError> {
    empty(post("/api/auth/login").await, request).await
}

pub async fn logout() -> Result<(), ApiError> {
    empty(post("/api/auth/logout").await, &serde_json::json!({})).await
}

pub async fn forgot_password(email: String) -> Result<(), ApiError> {
    empty(post("/api/auth/forgot-password").await, &EmailRequest { email }).await
}

pub async fn reset_password(request: &ResetPasswordRequest) -> Result<(), ApiError> {
    empty(post("/api/auth/reset-password").await, request).await
}

/// Whether someone is logged in, without decoding the account (for the public pages).
pub async fn is_logged_in() -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Probe {
        account: Option<serde::de::IgnoredAny>,
    }
    fetch::<Probe>(get("/api/auth/session").await).await.map(|probe| probe.account.is_some())
}

/// The logged-in user's account, or `None` when nobody is logged in.
pub async fn session() -> Result<Option<Account>, ApiError> {
    fetch_early::<SessionInfo>("/api/auth/session").await.map(|info| info.account)
}

pub async fn update_profile(profile: &Profile) -> Result<Account, ApiError> {
    json(put("/api/account").await, profile).await
}

pub async fn change_password(request: &ChangePasswordRequest) -> Result<(), ApiError> {
    empty(post("/api/account/password").await, request).await
}

pub async fn delete_account(request: &DeleteAccountRequest) -> Result<(), ApiError> {
    empty(delete("/api/account").await, request).await
}

/// The user's sessions that have not ended, this one first.
pub async fn login_sessions() -> Result<Vec<ActiveSession>, ApiError> {
    fetch(get("/api/account/sessions").await).await
}

pub async fn end_login_session(id: i64) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/account/sessions/{id}")).await).await
}

pub async fn end_other_login_sessions() -> Result<(), ApiError> {
    fetch_empty(delete("/api/account/sessions").await).await
}

/// `POST /api/support`: emails a support request to the support team, with a copy to the user.
pub async fn send_support_request(request: &charge_model::support::SupportRequest) -> Result<(), ApiError> {
    empty(post("/api/support").await, request).await
}

/// The configured OpenID Connect providers (none when the server has none).
pub async fn oidc_providers() -> Result<Vec<OidcProvider>, ApiError> {
    fetch(get("/api/auth/oidc/providers").await).await
}

/// Follows the emailed link that links a provider to the account; signs in.
pub async fn confirm_oidc_link(token: String) -> Result<(), ApiError> {
    empty(post("/api/auth/oidc/confirm-link").await, &ConfirmLinkRequest { token }).await
}

/// The providers linked to the account.
pub async fn identities() -> Result<Identities, ApiError> {
    fetch(get("/api/account/identities").await).await
}

pub async fn unlink_identity(provider: &str) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/account/identities/{}", crate::nav::encode(provider))).await).await
}
