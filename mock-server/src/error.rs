//! The server's one error type and the JSON extractor that reports rejections with it.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use charge_model::{ErrorBody, ErrorCode, FieldErrors, Problem, Reason};

/// Everything a handler can fail with. Each variant maps to one status and one
/// [`ErrorCode`]; the body always has the [`ErrorBody`] shape.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Some fields are not valid.")]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("The request body is too large.")]
    PayloadTooLarge,
    #[error("Log in to continue.")]
    Unauthenticated,
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    #[error("Confirm your email address before logging in: follow the link we emailed you.")]
    EmailNotConfirmed,
    #[error("This email address is already registered.")]
    EmailTaken,
    #[error("This link is not valid: it was already used or has expired.")]
    InvalidToken,
    #[error("{0}")]
    Forbidden(Reason),
    #[error("{0}")]
    NotFound(Reason),
    #[error("{0}")]
    Conflict(Reason),
    /// A conflict about particular fields (already registered, already paired…).
    #[error("This is already registered.")]
    Taken(FieldErrors),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("This method is not allowed here.")]
    MethodNotAllowed,
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A validation error on a single field.
    pub fn field(field: &str, problem: Problem) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, problem);
        ApiError::Validation(errors)
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) | ApiError::InvalidToken => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::EmailNotConfirmed | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::EmailTaken | ApiError::Conflict(_) | ApiError::Taken(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::Validation(_) => ErrorCode::Validation,
            ApiError::BadRequest(_) | ApiError::UnsupportedMediaType(_) => ErrorCode::BadRequest,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::EmailNotConfirmed => ErrorCode::EmailNotConfirmed,
            ApiError::EmailTaken => ErrorCode::EmailTaken,
            ApiError::InvalidToken => ErrorCode::InvalidToken,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Conflict(_) | ApiError::Taken(_) => ErrorCode::Conflict,
            ApiError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The JSON body sent to the client; internal details never leave the server.
    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            ApiError::Validation(errors) | ApiError::Taken(errors) => errors.to_wire(),
            ApiError::EmailTaken => {
                [("email".to_owned(), charge_model::FieldError::from(&Problem::EmailTaken))].into()
            }
            _ => Default::default(),
        };
        let reason = match self {
            ApiError::Forbidden(reason) | ApiError::NotFound(reason) | ApiError::Conflict(reason) => {
                Some(*reason)
            }
            _ => None,
        };
        ErrorBody { code: self.code(), message: self.to_string(), fields, reason }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(error) = &self {
            tracing::error!(error = ?error, "internal error");
        }
        let mut response = (self.status_code(), Json(self.body())).into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => data_error(&e),
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::BadRequest("The body is not valid JSON.".to_owned())
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "Send the body as JSON with `Content-Type: application/json`.".to_owned(),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

/// A body that is JSON but not of the expected shape: a 422 naming the field when serde says which.
fn data_error(error: &axum::extract::rejection::JsonDataError) -> ApiError {
    use std::error::Error as _;
    let mut chain = error.source();
    let inner = loop {
        match chain {
            Some(e) => match e.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
                Some(inner) => break Some(inner),
                None => chain = e.source(),
            },
            None => break None,
        }
    };
    let Some(inner) = inner else {
        return ApiError::BadRequest(error.body_text());
    };
    let path = inner.path().to_string();
    let detail = inner.inner().to_string();
    // "missing field `password` at line 1 column 20"
    let (field, problem) = match detail.strip_prefix("missing field `").and_then(|rest| rest.split_once('`'))
    {
        Some((name, _)) if path == "." => (name.to_owned(), Problem::Required),
        // Not about a named field (the body is an array, a string…).
        _ if path == "." || path.starts_with('[') => {
            return ApiError::BadRequest(
                "The body must be a JSON object with the documented fields.".to_owned(),
            );
        }
        _ => {
            let message = detail.split(" at line ").next().unwrap_or(&detail);
            (path, Problem::InvalidValue(message.to_owned()))
        }
    };
    ApiError::Validation(FieldErrors([(field, problem)].into_iter().collect()))
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NotFound(Reason::NoSuchResource)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(format!("Invalid query: {}", rejection.body_text()))
    }
}

/// `Path` whose rejections are [`ApiError`]s (a malformed ID is a 404, like an unknown one).
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `Json` whose rejections are [`ApiError`]s, so a malformed body gets the usual error shape.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
