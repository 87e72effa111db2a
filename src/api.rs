//! The typed REST client: one function per endpoint, each returning `Result<T, ApiError>`.

use charge_model::account::{
    Account, ChangePasswordRequest, ConfirmEmailRequest, DeleteAccountRequest, EmailRequest, LoginRequest,
    Profile, RegisterRequest, ResetPasswordRequest, SessionInfo,
};
use charge_model::{ErrorBody, ErrorCode};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use web_sys::RequestCredentials;

use crate::config::api_base;

/// Why a call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached.
    #[error("network error: {0}")]
    Network(String),
    /// The server answered with an error status and the usual error body.
    #[error("{status}: {}", body.message)]
    Status { status: u16, body: ErrorBody, retry_after: Option<u64> },
    /// The answer could not be read.
    #[error("unreadable response: {0}")]
    Decode(String),
}

impl ApiError {
    /// The error's code, when the server answered.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Status { body, .. } => Some(body.code),
            _ => None,
        }
    }
}

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
    let request = Request::get(&url("/api/auth/session").await).credentials(RequestCredentials::Include);
    read::<Probe>(request.send().await).await.map(|probe| probe.account.is_some())
}

/// The logged-in user's account, or `None` when nobody is logged in.
pub async fn session() -> Result<Option<Account>, ApiError> {
    let request = Request::get(&url("/api/auth/session").await).credentials(RequestCredentials::Include);
    read::<SessionInfo>(request.send().await).await.map(|info| info.account)
}

pub async fn update_profile(profile: &Profile) -> Result<Account, ApiError> {
    json(Request::put(&url("/api/account").await).credentials(RequestCredentials::Include), profile).await
}

pub async fn change_password(request: &ChangePasswordRequest) -> Result<(), ApiError> {
    empty(post("/api/account/password").await, request).await
}

pub async fn delete_account(request: &DeleteAccountRequest) -> Result<(), ApiError> {
    empty(Request::delete(&url("/api/account").await).credentials(RequestCredentials::Include), request).await
}

async fn url(path: &str) -> String {
    format!("{}{path}", api_base().await)
}

async fn post(path: &str) -> RequestBuilder {
    Request::post(&url(path).await).credentials(RequestCredentials::Include)
}

/// Sends `body` as JSON and reads a JSON answer.
async fn json<T: DeserializeOwned>(builder: RequestBuilder, body: &impl Serialize) -> Result<T, ApiError> {
    let request = builder.json(body).map_err(|e| ApiError::Decode(e.to_string()))?;
    read(request.send().await).await
}

/// Sends `body` as JSON and expects an answer without content.
async fn empty(builder: RequestBuilder, body: &impl Serialize) -> Result<(), ApiError> {
    let request = builder.json(body).map_err(|e| ApiError::Decode(e.to_string()))?;
    check(request.send().await).await.map(|_| ())
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = check(sent).await?;
    response.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}

/// Turns transport failures and error statuses into [`ApiError`]s.
async fn check(sent: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = sent.map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.parse().ok());
    let body = response
        .json::<ErrorBody>()
        .await
        .map_err(|_| ApiError::Decode(format!("status {status} without an error body")))?;
    Err(ApiError::Status { status, body, retry_after })
}
