//! The typed REST client: one function per endpoint, each returning `Result<T, ApiError>`.
//! This module holds the transport; the submodules the endpoints.

mod account;
mod chargers;
mod schedule;
mod sharing;
mod statistics;

pub use account::*;
use charge_model::{ErrorBody, ErrorCode};
pub use chargers::*;
use gloo_net::http::{Request, RequestBuilder, Response};
pub use schedule::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
pub use sharing::*;
pub use statistics::*;
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

/// A lookup's answer with "not found" as `None` (a page then says so), other errors kept.
pub fn found<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.code() == Some(ErrorCode::NotFound) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The absolute URL of an API path.
pub async fn url(path: &str) -> String {
    format!("{}{path}", api_base().await)
}

async fn get(path: &str) -> RequestBuilder {
    Request::get(&url(path).await).credentials(RequestCredentials::Include)
}

async fn post(path: &str) -> RequestBuilder {
    Request::post(&url(path).await).credentials(RequestCredentials::Include)
}

async fn put(path: &str) -> RequestBuilder {
    Request::put(&url(path).await).credentials(RequestCredentials::Include)
}

async fn delete(path: &str) -> RequestBuilder {
    Request::delete(&url(path).await).credentials(RequestCredentials::Include)
}

/// Sends a request without a body and reads a JSON answer.
async fn fetch<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    let request = builder.build().map_err(|e| ApiError::Decode(e.to_string()))?;
    read(request.send().await).await
}

/// Sends a request without a body and expects an answer without content.
async fn fetch_empty(builder: RequestBuilder) -> Result<(), ApiError> {
    let request = builder.build().map_err(|e| ApiError::Decode(e.to_string()))?;
    check(request.send().await).await.map(|_| ())
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
