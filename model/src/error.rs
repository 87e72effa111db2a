//! The one JSON error shape of the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The body of every error response.
///
/// `message` is English and meant for logs and API users; the portal shows a
/// translated text chosen by `code`, `reason` and each field's `problem` with its parameters.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// Validation errors by field name; empty for errors that are not about a field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldError>,
    /// Which conflict, refusal or missing thing, for `conflict`, `forbidden` and `not_found`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// Why a request was refused as a whole (409, 403, 404), stable for clients to word.
/// The English text is the `Display`, sent as the body's `message`.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    #[error("The charger is offline: try again when it is back online.")]
    ChargerOffline,
    #[error("Dynamic power control sets the current: turn it off to set the current by hand.")]
    DynamicPowerOn,
    #[error("The charger is busy with another operation.")]
    ChargerBusy,
    /// A real charger answered the command with a refusal.
    #[error("The charger refused the command.")]
    ChargerRefused,
    /// A real charger did not answer the command in time.
    #[error("The charger did not answer in time: try again in a moment.")]
    ChargerNoAnswer,
    #[error("Only the charger's owner can do this.")]
    OwnerOnly,
    /// The user is a viewer (the only role below editor).
    #[error("Your role on this charger is viewer: changing it needs the editor or owner role.")]
    EditorOnly,
    #[error("No such charger in your account.")]
    NoSuchCharger,
    #[error("No such card on this charger.")]
    NoSuchCard,
    #[error("This charger is not shared with that person.")]
    NoSuchShare,
    #[error("No such invitation.")]
    NoSuchInvitation,
    #[error("No such session among your others.")]
    NoSuchSession,
    #[error("No such charge in your history.")]
    NoSuchCharge,
    #[error("No such API endpoint.")]
    NoSuchEndpoint,
    #[error("No such resource.")]
    NoSuchResource,
    /// Unlinking would leave the account without a password or another provider to sign in with.
    #[error("This is your only way to sign in: set a password or link another provider first.")]
    LastWayIn,
    /// A reason this build does not know yet (a newer server).
    #[serde(other)]
    #[error("This request was refused.")]
    Unknown,
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
    /// Upper bound, for `too_long`, `out_of_range`, `date_out_of_range` (a year) and
    /// `period_too_long` (days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The problem's particulars: for `uncovered` and `overlapping` the time ranges, like
    /// `02:00–04:00, 22:00–24:00`; for `not_one_of` the accepted values, like `asc, desc`;
    /// for `invalid_value` what the decoder said.
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
    InvalidChargePointId,
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
    InvalidTimeRange,
    InvalidPrice,
    NoDay,
    OwnerRole,
    SevenDays,
    InvalidDate,
    NotOneOf,
    PeriodTooLong,
    DepartureWindow,
    NotSupported,
    InvalidValue,
    InvalidTrydanAddress,
    NoTrydanAtAddress,
    OffQuarterHour,
    DuplicateKind,
    DepartureOrRepeat,
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
    #[error(
        "Use 1 to 48 letters, digits, dots, dashes, underscores or colons: the ID set in the charger's OCPP settings."
    )]
    InvalidChargePointId,
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
    #[error("Use a start and an end time that differ, from 00:00 to 24:00.")]
    InvalidTimeRange,
    #[error("Enter a price in €/kWh, like 0.1523.")]
    InvalidPrice,
    #[error("Choose at least one day.")]
    NoDay,
    /// Sharing a charger as its owner.
    #[error("Share as viewer or editor: a charger has exactly one owner.")]
    OwnerRole,
    #[error("Give the prices of each of the 7 days.")]
    SevenDays,
    #[error("Give the day as YYYY-MM-DD.")]
    InvalidDate,
    /// A value outside a fixed list; the list, like `asc, desc`.
    #[error("Use one of: {0}.")]
    NotOneOf(String),
    #[error("Choose a last day on or after the first, within {max_days} days.")]
    PeriodTooLong { max_days: u32 },
    /// A charging plan's departure: after now, and at most `max_days` days ahead.
    #[error("Choose a departure after now and at most {max_days} days ahead.")]
    DepartureWindow { max_days: u32 },
    /// The charger's model cannot do what was asked.
    #[error("This charger model cannot do this.")]
    NotSupported,
    /// A value of the wrong type; what the decoder said, in English.
    #[error("Invalid value: {0}.")]
    InvalidValue(String),
    #[error(
        "Enter the Trydan's IP address or host name, with a port if it is not 80, like 192.168.1.20 or 192.168.1.20:8080."
    )]
    InvalidTrydanAddress,
    /// Nothing at the address answered `GET /RealTimeData` like a Trydan.
    #[error(
        "No Trydan answers at this address. Check that the charger is on, on the same network as the server, and that the address is the one its app shows."
    )]
    NoTrydanAtAddress,
    /// Times of a tariff's ranges off the quarter-hours; the times, like `22:10, 07:05`.
    #[error("Use times on the quarter-hour (:00, :15, :30 or :45), as charges are metered: {0}.")]
    OffQuarterHour(String),
    /// A notification kind given twice.
    #[error("Give each kind once.")]
    DuplicateKind,
    /// A charging plan given both a departure and a weekly repeat.
    #[error("Give a departure or a repeat, not both.")]
    DepartureOrRepeat,
    /// A problem this build does not know (a newer server), described by its message; or a
    /// text the portal has already worded.
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
            Problem::InvalidChargePointId => (ProblemCode::InvalidChargePointId, None, None),
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
            Problem::InvalidTimeRange => (ProblemCode::InvalidTimeRange, None, None),
            Problem::InvalidPrice => (ProblemCode::InvalidPrice, None, None),
            Problem::NoDay => (ProblemCode::NoDay, None, None),
            Problem::OwnerRole => (ProblemCode::OwnerRole, None, None),
            Problem::SevenDays => (ProblemCode::SevenDays, None, None),
            Problem::InvalidDate => (ProblemCode::InvalidDate, None, None),
            Problem::NotOneOf(_) => (ProblemCode::NotOneOf, None, None),
            Problem::PeriodTooLong { max_days } => {
                (ProblemCode::PeriodTooLong, None, Some(f64::from(*max_days)))
            }
            Problem::DepartureWindow { max_days } => {
                (ProblemCode::DepartureWindow, None, Some(f64::from(*max_days)))
            }
            Problem::NotSupported => (ProblemCode::NotSupported, None, None),
            Problem::InvalidValue(_) => (ProblemCode::InvalidValue, None, None),
            Problem::InvalidTrydanAddress => (ProblemCode::InvalidTrydanAddress, None, None),
            Problem::NoTrydanAtAddress => (ProblemCode::NoTrydanAtAddress, None, None),
            Problem::OffQuarterHour(_) => (ProblemCode::OffQuarterHour, None, None),
            Problem::DuplicateKind => (ProblemCode::DuplicateKind, None, None),
            Problem::DepartureOrRepeat => (ProblemCode::DepartureOrRepeat, None, None),
            Problem::Other(_) => (ProblemCode::Other, None, None),
        };
        let detail = match problem {
            Problem::Uncovered(text)
            | Problem::Overlapping(text)
            | Problem::NotOneOf(text)
            | Problem::InvalidValue(text)
            | Problem::OffQuarterHour(text) => Some(text.clone()),
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
            ProblemCode::InvalidChargePointId => Problem::InvalidChargePointId,
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
            ProblemCode::InvalidTimeRange => Problem::InvalidTimeRange,
            ProblemCode::InvalidPrice => Problem::InvalidPrice,
            ProblemCode::NoDay => Problem::NoDay,
            ProblemCode::OwnerRole => Problem::OwnerRole,
            ProblemCode::SevenDays => Problem::SevenDays,
            ProblemCode::InvalidDate => Problem::InvalidDate,
            ProblemCode::NotOneOf => Problem::NotOneOf(error.detail.unwrap_or_default()),
            ProblemCode::PeriodTooLong => Problem::PeriodTooLong { max_days: bound(error.max) },
            ProblemCode::DepartureWindow => Problem::DepartureWindow { max_days: bound(error.max) },
            ProblemCode::NotSupported => Problem::NotSupported,
            ProblemCode::InvalidValue => Problem::InvalidValue(error.detail.unwrap_or_default()),
            ProblemCode::InvalidTrydanAddress => Problem::InvalidTrydanAddress,
            ProblemCode::NoTrydanAtAddress => Problem::NoTrydanAtAddress,
            ProblemCode::OffQuarterHour => Problem::OffQuarterHour(error.detail.unwrap_or_default()),
            ProblemCode::DuplicateKind => Problem::DuplicateKind,
            ProblemCode::DepartureOrRepeat => Problem::DepartureOrRepeat,
            ProblemCode::Other => Problem::Other(error.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn problems_with_parameters_survive_the_wire() {
        for problem in [
            Problem::InvalidTimeRange,
            Problem::InvalidPrice,
            Problem::NoDay,
            Problem::OwnerRole,
            Problem::SevenDays,
            Problem::InvalidDate,
            Problem::NotOneOf("asc, desc".to_owned()),
            Problem::PeriodTooLong { max_days: 3700 },
            Problem::DepartureWindow { max_days: 7 },
            Problem::NotSupported,
            Problem::InvalidValue("expected u8".to_owned()),
            Problem::InvalidTrydanAddress,
            Problem::NoTrydanAtAddress,
            Problem::OffQuarterHour("22:10".to_owned()),
            Problem::DuplicateKind,
            Problem::DepartureOrRepeat,
        ] {
            let wire = serde_json::to_value(FieldError::from(&problem)).unwrap();
            assert_ne!(wire["problem"], "other", "{problem:?} has its own code");
            let back: FieldError = serde_json::from_value(wire).unwrap();
            assert_eq!(Problem::from(back), problem);
        }
    }

    #[test]
    fn a_reason_is_sent_only_when_there_is_one() {
        let body = ErrorBody {
            code: ErrorCode::Conflict,
            message: Reason::ChargerOffline.to_string(),
            fields: BTreeMap::new(),
            reason: Some(Reason::ChargerOffline),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["reason"], "charger_offline");
        assert_eq!(json["code"], "conflict");
        let without: ErrorBody =
            serde_json::from_value(json!({"code": "conflict", "message": "Busy."})).unwrap();
        assert_eq!(without.reason, None);
        let newer: ErrorBody =
            serde_json::from_value(json!({"code": "conflict", "message": "?", "reason": "from_the_future"}))
                .unwrap();
        assert_eq!(newer.reason, Some(Reason::Unknown));
    }
}
