//! Support requests: what the user writes to the support team from the help page.

use serde::{Deserialize, Serialize};

use crate::charger::ChargerId;
use crate::validate::{multiline_text, required_text};
use crate::{FieldErrors, Problem};

/// Longest subject, in characters.
pub const SUBJECT_MAX: u32 = 120;
/// Shortest message, in characters (a few words at least).
pub const MESSAGE_MIN: u32 = 10;
/// Longest message, in characters.
pub const MESSAGE_MAX: u32 = 5000;

/// `POST /api/support`: a request sent by email to the support team, with a copy to the user.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub subject: String,
    /// Free text; line breaks are kept.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub message: String,
    /// One of the user's chargers, whose details are attached; absent or empty for none.
    #[serde(default)]
    pub charger: Option<String>,
}

/// A [`SupportRequest`] that passed validation: texts trimmed, the charger ID parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSupportRequest {
    pub subject: String,
    pub message: String,
    pub charger: Option<ChargerId>,
}

impl SupportRequest {
    pub fn validate(&self) -> Result<ValidSupportRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let subject = errors.check("subject", required_text(&self.subject, SUBJECT_MAX));
        let message = errors.check("message", check_message(&self.message));
        let charger = match self.charger.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check("charger", ChargerId::parse(raw)),
        };
        errors.into_result()?;
        Ok(ValidSupportRequest {
            subject: subject.expect("checked").to_owned(),
            message: message.expect("checked").to_owned(),
            charger,
        })
    }
}

fn check_message(message: &str) -> Result<&str, Problem> {
    let message = multiline_text(message, MESSAGE_MAX)?;
    match message.chars().count() {
        0 => Err(Problem::Required),
        n if n < MESSAGE_MIN as usize => Err(Problem::TooShort { min: MESSAGE_MIN }),
        _ => Ok(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(subject: &str, message: &str, charger: Option<&str>) -> SupportRequest {
        SupportRequest { subject: subject.into(), message: message.into(), charger: charger.map(Into::into) }
    }

    #[test]
    fn a_good_request_is_trimmed_and_keeps_its_line_breaks() {
        let valid = request("  Slider  ", " It does not move.\r\n\nThanks ", Some("ab12-cd34ef")).validate();
        let valid = valid.unwrap();
        assert_eq!(valid.subject, "Slider");
        assert_eq!(valid.message, "It does not move.\r\n\nThanks");
        assert_eq!(valid.charger.unwrap().as_str(), "AB12CD34EF");
        assert_eq!(request("Hi", "A long enough text", Some(" ")).validate().unwrap().charger, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = request(" ", "short", Some("nope")).validate().unwrap_err();
        assert_eq!(errors.get("subject"), Some(&Problem::Required));
        assert_eq!(errors.get("message"), Some(&Problem::TooShort { min: MESSAGE_MIN }));
        assert_eq!(errors.get("charger"), Some(&Problem::InvalidChargerId));

        let errors = request(&"s".repeat(121), "", None).validate().unwrap_err();
        assert_eq!(errors.get("subject"), Some(&Problem::TooLong { max: SUBJECT_MAX }));
        assert_eq!(errors.get("message"), Some(&Problem::Required));

        let errors = request("Hi", &"m".repeat(5001), None).validate().unwrap_err();
        assert_eq!(errors.get("message"), Some(&Problem::TooLong { max: MESSAGE_MAX }));
    }

    #[test]
    fn hidden_characters_are_refused_but_not_line_breaks_or_tabs() {
        let errors = request("Hi\nthere", "Text with a \u{202E} override", None).validate().unwrap_err();
        assert_eq!(errors.get("subject"), Some(&Problem::InvalidCharacters));
        assert_eq!(errors.get("message"), Some(&Problem::InvalidCharacters));
        assert!(request("Hi", "Line one\n\tLine two", None).validate().is_ok());
    }
}
