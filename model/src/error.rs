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

/// One field's validation error, as sent: `{"problem": "too_short", "min": 8, "message": "…"}`.
///
/// A plain struct (no internally tagged enum) keeps the portal's decoder small.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub problem: ProblemCode,
    /// Lower bound, for `too_short`, `out_of_range` and `date_out_of_range` (a year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound, for `too_long`, `out_of_range` and `date_out_of_range` (a year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The problem's particulars, for `uncovered` and `overlapping`: the time ranges, like
    /// `02:00–04:00, 22:00–24:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// English text of the problem.
    pub message: String,
}

/// Names of the [`Problem`]s on the wire.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    Required,
    InvalidEmail,
    TooShort,
    TooLong,
    OutOfRange,
    EmailTaken,
    WrongPassword,
    Mismatch,
    SameAsCurrent,
    InvalidChargerId,
    UnknownCharger,
    ChargerTaken,
    AlreadyYours,
    MinAboveMax,
    NotAPermutation,
    InvalidWebSocketUrl,
    InvalidCardCode,
    DuplicateCard,
    AlreadyShared,
    OwnCharger,
    Uncovered,
    Overlapping,
    TooManyTimers,
    InvalidCharacters,
    DateOutOfRange,
    /// Any other problem; its `message` says what is wrong.
    #[serde(other)]
    Other,
}

/// Why a field's value is refused. The English text is the `Display`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    #[error("The ID has 10 letters and digits, as on the label under S/N.")]
    InvalidChargerId,
    #[error("No charger with this ID. Check it against the label on the side of the charger.")]
    UnknownCharger,
    #[error("This charger is already registered. Ask its owner to share it with you.")]
    ChargerTaken,
    #[error("This charger is already in your list.")]
    AlreadyYours,
    #[error("The minimum cannot be above the maximum.")]
    MinAboveMax,
    #[error("Use each phase 1, 2 and 3 once.")]
    NotAPermutation,
    #[error("Enter a ws:// or wss:// address, like wss://csms.example.com/ocpp.")]
    InvalidWebSocketUrl,
    #[error("Enter the card code: 4 to 20 hexadecimal digits (0-9, A-F).")]
    InvalidCardCode,
    #[error("This card is already registered on this charger.")]
    DuplicateCard,
    #[error("This charger is already shared with this address.")]
    AlreadyShared,
    #[error("This is your own address: you own this charger.")]
    OwnCharger,
    #[error("Not covered: {0}. The ranges must cover all 24 hours.")]
    Uncovered(String),
    #[error("Covered more than once: {0}. The ranges must not overlap.")]
    Overlapping(String),
    #[error("A charger has at most 2 timers.")]
    TooManyTimers,
    /// Control characters (NUL, line breaks, tabs…), text-direction overrides, or nothing visible.
    #[error(
        "Use visible letters, digits and punctuation: no control, invisible or text-direction characters."
    )]
    InvalidCharacters,
    /// A date outside the years the API supports (`min` and `max` are years, inclusive).
    #[error("Choose a date in the years {min} to {max}.")]
    DateOutOfRange { min: i32, max: i32 },
    /// Anything else, described by its message (a type error in the request, a newer server).
    #[error("{0}")]
    Other(String),
}

impl From<&Problem> for FieldError {
    fn from(problem: &Problem) -> Self {
        let (code, min, max) = match problem {
            Problem::Required => (ProblemCode::Required, None, None),
            Problem::InvalidEmail => (ProblemCode::InvalidEmail, None, None),
            Problem::TooShort { min } => (ProblemCode::TooShort, Some(f64::from(*min)), None),
            Problem::TooLong { max } => (ProblemCode::TooLong, None, Some(f64::from(*max))),
            Problem::OutOfRange { min, max } => (ProblemCode::OutOfRange, Some(*min), Some(*max)),
            Problem::EmailTaken => (ProblemCode::EmailTaken, None, None),
            Problem::WrongPassword => (ProblemCode::WrongPassword, None, None),
            Problem::Mismatch => (ProblemCode::Mismatch, None, None),
            Problem::SameAsCurrent => (ProblemCode::SameAsCurrent, None, None),
            Problem::InvalidChargerId => (ProblemCode::InvalidChargerId, None, None),
            Problem::UnknownCharger => (ProblemCode::UnknownCharger, None, None),
            Problem::ChargerTaken => (ProblemCode::ChargerTaken, None, None),
            Problem::AlreadyYours => (ProblemCode::AlreadyYours, None, None),
            Problem::MinAboveMax => (ProblemCode::MinAboveMax, None, None),
            Problem::NotAPermutation => (ProblemCode::NotAPermutation, None, None),
            Problem::InvalidWebSocketUrl => (ProblemCode::InvalidWebSocketUrl, None, None),
            Problem::InvalidCardCode => (ProblemCode::InvalidCardCode, None, None),
            Problem::DuplicateCard => (ProblemCode::DuplicateCard, None, None),
            Problem::AlreadyShared => (ProblemCode::AlreadyShared, None, None),
            Problem::OwnCharger => (ProblemCode::OwnCharger, None, None),
            Problem::Uncovered(_) => (ProblemCode::Uncovered, None, None),
            Problem::Overlapping(_) => (ProblemCode::Overlapping, None, None),
            Problem::TooManyTimers => (ProblemCode::TooManyTimers, None, None),
            Problem::InvalidCharacters => (ProblemCode::InvalidCharacters, None, None),
            Problem::DateOutOfRange { min, max } => {
                (ProblemCode::DateOutOfRange, Some(f64::from(*min)), Some(f64::from(*max)))
            }
            Problem::Other(_) => (ProblemCode::Other, None, None),
        };
        let detail = match problem {
            Problem::Uncovered(ranges) | Problem::Overlapping(ranges) => Some(ranges.clone()),
            _ => None,
        };
        FieldError { problem: code, min, max, detail, message: problem.to_string() }
    }
}

impl From<FieldError> for Problem {
    fn from(error: FieldError) -> Self {
        let bound = |value: Option<f64>| value.unwrap_or_default() as u32;
        match error.problem {
            ProblemCode::Required => Problem::Required,
            ProblemCode::InvalidEmail => Problem::InvalidEmail,
            ProblemCode::TooShort => Problem::TooShort { min: bound(error.min) },
            ProblemCode::TooLong => Problem::TooLong { max: bound(error.max) },
            ProblemCode::OutOfRange => {
                Problem::OutOfRange { min: error.min.unwrap_or_default(), max: error.max.unwrap_or_default() }
            }
            ProblemCode::EmailTaken => Problem::EmailTaken,
            ProblemCode::WrongPassword => Problem::WrongPassword,
            ProblemCode::Mismatch => Problem::Mismatch,
            ProblemCode::SameAsCurrent => Problem::SameAsCurrent,
            ProblemCode::InvalidChargerId => Problem::InvalidChargerId,
            ProblemCode::UnknownCharger => Problem::UnknownCharger,
            ProblemCode::ChargerTaken => Problem::ChargerTaken,
            ProblemCode::AlreadyYours => Problem::AlreadyYours,
            ProblemCode::MinAboveMax => Problem::MinAboveMax,
            ProblemCode::NotAPermutation => Problem::NotAPermutation,
            ProblemCode::InvalidWebSocketUrl => Problem::InvalidWebSocketUrl,
            ProblemCode::InvalidCardCode => Problem::InvalidCardCode,
            ProblemCode::DuplicateCard => Problem::DuplicateCard,
            ProblemCode::AlreadyShared => Problem::AlreadyShared,
            ProblemCode::OwnCharger => Problem::OwnCharger,
            ProblemCode::Uncovered => Problem::Uncovered(error.detail.unwrap_or_default()),
            ProblemCode::Overlapping => Problem::Overlapping(error.detail.unwrap_or_default()),
            ProblemCode::TooManyTimers => Problem::TooManyTimers,
            ProblemCode::InvalidCharacters => Problem::InvalidCharacters,
            ProblemCode::DateOutOfRange => Problem::DateOutOfRange {
                min: error.min.unwrap_or_default() as i32,
                max: error.max.unwrap_or_default() as i32,
            },
            ProblemCode::Other => Problem::Other(error.message),
        }
    }
}
