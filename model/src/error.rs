//! The one JSON error shape of the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The body of every error response.
///
/// `message` is English and meant for logs and API users; the portal shows a
/// translated text chosen by `code` (and by each field's `problem`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// Validation errors by field name; empty for errors that are not about a field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldError>,
}

/// What kind of error happened, stable for clients to branch on.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be read (malformed JSON, wrong content type…).
    BadRequest,
    /// The request was read but some fields are invalid: see `fields`.
    Validation,
    /// Not logged in, or the session expired.
    Unauthenticated,
    /// Email or password is wrong (deliberately not saying which).
    InvalidCredentials,
    /// The password is right but the email address is not confirmed yet.
    EmailNotConfirmed,
    /// The email address already has an account.
    EmailTaken,
    /// A confirmation or password-reset link is unknown, used or expired.
    InvalidToken,
    /// Logged in, but the role is not enough for this action.
    Forbidden,
    NotFound,
    Conflict,
    /// Too many attempts; the `Retry-After` header says when to try again.
    TooManyRequests,
    PayloadTooLarge,
    MethodNotAllowed,
    Internal,
    /// A code this build does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

/// One field's validation error.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    #[serde(flatten)]
    pub problem: Problem,
    /// English text of `problem`.
    pub message: String,
}

impl From<Problem> for FieldError {
    fn from(problem: Problem) -> Self {
        let message = problem.to_string();
        FieldError { problem, message }
    }
}

/// Why a field's value is refused. The English text is the `Display`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    #[error("This field is required.")]
    Required,
    #[error("Enter a valid email address, like name@example.com.")]
    InvalidEmail,
    #[error("Use at least {min} characters.")]
    TooShort { min: u32 },
    #[error("Use at most {max} characters.")]
    TooLong { max: u32 },
    #[error("Enter a number from {min} to {max}.")]
    OutOfRange { min: f64, max: f64 },
    #[error("This email address is already registered. Log in, or recover your password.")]
    EmailTaken,
    #[error("The current password is not correct.")]
    WrongPassword,
    #[error("The passwords do not match.")]
    Mismatch,
    #[error("Use a password different from the current one.")]
    SameAsCurrent,
    /// A problem this build does not know yet (a newer server); its message is shown as is.
    #[serde(other)]
    #[error("This value is not valid.")]
    Other,
}
