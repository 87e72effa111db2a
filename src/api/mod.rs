//! The typed REST client: one function per endpoint, each returning `Result<T, ApiError>`.
//! This module holds the transport; the submodules the endpoints.
//!
//! Two things every call gets from here, so that no page has to: an answer "not logged in"
//! ends the session once, for the whole app ([`on_unauthenticated`]); and a request started
//! to read something for a part of the page is aborted when that part goes away (a page left, a resource
//! reloaded), like leptos' hackernews example.

mod account;
mod chargers;
pub(crate) mod early;
mod notifications;
mod schedule;
mod sharing;
mod statistics;

pub use account::*;
use charge_model::{ErrorBody, ErrorCode};
pub use chargers::*;
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use leptos::prelude::{Owner, on_cleanup};
pub use notifications::*;
pub use schedule::*;
use send_wrapper::SendWrapper;
use serde::Serialize;
use serde::de::DeserializeOwned;
pub use sharing::*;
pub use statistics::*;
use std::cell::RefCell;
use web_sys::{AbortController, AbortSignal, RequestCredentials};

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

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Sets what happens when the server answers that nobody is logged in (the session expired
/// or was ended elsewhere). The app's session registers itself; the public pages need nothing.
pub fn on_unauthenticated(react: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|hook| *hook.borrow_mut() = Some(Box::new(react)));
}

async fn request(method: Method, path: &str) -> RequestBuilder {
    let builder =
        Request::get(&url(path).await).method(method.clone()).credentials(RequestCredentials::Include);
    // Only reads: a change the user asked for is not given up because its page went away.
    if method == Method::GET { builder.abort_signal(abort_on_cleanup().as_ref()) } else { builder }
}

/// A signal that aborts the request when the reactive owner that started it is cleaned up
/// (the component is gone, or the resource loads again); `None` outside any owner.
fn abort_on_cleanup() -> Option<AbortSignal> {
    let _owner = Owner::current()?;
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    let controller = SendWrapper::new(controller);
    on_cleanup(move || controller.abort());
    Some(signal)
}

async fn get(path: &str) -> RequestBuilder {
    request(Method::GET, path).await
}

async fn post(path: &str) -> RequestBuilder {
    request(Method::POST, path).await
}

async fn put(path: &str) -> RequestBuilder {
    request(Method::PUT, path).await
}

async fn delete(path: &str) -> RequestBuilder {
    request(Method::DELETE, path).await
}

/// Sends a request without a body and reads a JSON answer.
async fn fetch<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    let request = builder.build().map_err(|e| ApiError::Decode(e.to_string()))?;
    read(request.send().await).await
}

/// `GET path`, reading the answer the boot script of `index.html` got for it if there is one
/// (see [`early`]): the requests every start makes run while the wasm downloads.
async fn fetch_early<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    match early::response(path).await {
        Some(answer) => read(answer).await,
        None => fetch(get(path).await).await,
    }
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
    if body.code == ErrorCode::Unauthenticated {
        ON_UNAUTHENTICATED.with(|hook| hook.borrow().as_ref().map(|react| react()));
    }
    Err(ApiError::Status { status, body, retry_after })
}
