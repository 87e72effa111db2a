//! Accounts: registration, sessions, password recovery and the user's profile.

use serde::{Deserialize, Serialize};

use crate::validate::{FieldErrors, in_range, is_hidden_control, is_invisible, optional_text};
use crate::{Language, Problem};

/// Shortest accepted password, in characters.
pub const PASSWORD_MIN: u32 = 8;
/// Longest accepted password, in characters (bounds the hashing work).
pub const PASSWORD_MAX: u32 = 128;
/// Longest accepted email address (RFC 5321).
pub const EMAIL_MAX: u32 = 254;
/// Longest display name.
pub const NAME_MAX: u32 = 80;
/// Longest vehicle make or model.
pub const VEHICLE_TEXT_MAX: u32 = 60;
/// Range accepted for a vehicle's battery capacity, in kWh.
pub const BATTERY_KWH: (f64, f64) = (1.0, 300.0);

/// A syntactically valid email address with its ASCII letters lower-cased.
///
/// Only ASCII is folded: that is the case people mistype, and the local part of an
/// internationalised address (RFC 6531) is left exactly as given. Folding with Unicode
/// tables would also add ~9 KB gzip to the login page, which checks addresses too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases ASCII letters and checks the shape `local@domain.tld`: one plain
    /// address, exactly one `@`, none of the characters that make a mail header hold a name, a
    /// quoted part or a list (`"`, `,`, `<`, `>`, `(`, `)`, `;`, `:`, `[`, `]`, `\`), and no
    /// white space, control, text-direction or invisible characters.
    pub fn parse(raw: &str) -> Result<Email, Problem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Problem::Required);
        }
        if value.chars().count() > EMAIL_MAX as usize {
            return Err(Problem::TooLong { max: EMAIL_MAX });
        }
        let (local, domain) = value.split_once('@').ok_or(Problem::InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        let chars_ok =
            !value.chars().any(|c| is_hidden_control(c) || is_invisible(c) || "\",<>();:[]\\".contains(c));
        if local.is_empty() || !domain_ok || !chars_ok {
            return Err(Problem::InvalidEmail);
        }
        Ok(Email(Email::fold(value)))
    }

    /// An address as it is stored and compared: trimmed, ASCII letters lower-cased. For
    /// looking up an address that need not be valid (a valid one goes through [`Email::parse`]).
    pub fn fold(raw: &str) -> String {
        raw.trim().to_ascii_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a new password's length (in characters).
pub fn check_new_password(password: &str) -> Result<(), Problem> {
    let len = password.chars().count();
    if len == 0 {
        Err(Problem::Required)
    } else if len < PASSWORD_MIN as usize {
        Err(Problem::TooShort { min: PASSWORD_MIN })
    } else if len > PASSWORD_MAX as usize {
        Err(Problem::TooLong { max: PASSWORD_MAX })
    } else {
        Ok(())
    }
}

/// Checks that a password was typed at all (logins, confirmations): its
/// length rules may have changed since it was chosen.
fn check_given_password(password: &str) -> Result<(), Problem> {
    if password.is_empty() {
        Err(Problem::Required)
    } else if password.chars().count() > PASSWORD_MAX as usize {
        Err(Problem::TooLong { max: PASSWORD_MAX })
    } else {
        Ok(())
    }
}

/// `POST /api/auth/register`
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub password: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 80))]
    pub name: String,
    /// Language of the emails sent to this account.
    #[serde(default)]
    pub language: Language,
}

impl RegisterRequest {
    pub fn validate(&self) -> Result<Email, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&self.email));
        errors.check("password", check_new_password(&self.password));
        errors.check("name", optional_text(&self.name, NAME_MAX));
        errors.into_result()?;
        Ok(email.expect("checked above"))
    }
}

/// `POST /api/auth/login`
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

impl LoginRequest {
    pub fn validate(&self) -> Result<Email, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&self.email));
        errors.check("password", check_given_password(&self.password));
        errors.into_result()?;
        Ok(email.expect("checked above"))
    }
}

/// A request that names only an email address: resend confirmation, forgot password.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
}

impl EmailRequest {
    pub fn validate(&self) -> Result<Email, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&self.email));
        errors.into_result()?;
        Ok(email.expect("checked above"))
    }
}

/// `POST /api/auth/confirm`: the token from the confirmation link.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmEmailRequest {
    pub token: String,
}

/// `POST /api/auth/reset-password`: the token from the emailed link and the new password.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub password: String,
}

impl ResetPasswordRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("password", check_new_password(&self.password));
        errors.into_result()
    }
}

/// `POST /api/account/password`
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

impl ChangePasswordRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("current_password", check_given_password(&self.current_password));
        errors.check("new_password", check_new_password(&self.new_password));
        if errors.get("new_password").is_none() && self.new_password == self.current_password {
            errors.add("new_password", Problem::SameAsCurrent);
        }
        errors.into_result()
    }
}

/// `DELETE /api/account`: the password, typed again to confirm.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteAccountRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

impl DeleteAccountRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("password", check_given_password(&self.password));
        errors.into_result()
    }
}

/// The logged-in user's account, as `GET /api/account` returns it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub profile: Profile,
}

/// `GET /api/auth/session`: the logged-in user's account, or `null`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub account: Option<Account>,
}

/// The editable part of an account (`PUT /api/account`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 80))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub vehicle_make: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub vehicle_model: String,
    /// Usable battery capacity in kWh.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 300))]
    pub battery_kwh: Option<f64>,
    #[serde(default)]
    pub language: Language,
}

impl Profile {
    /// Checks every field; returns the profile with its texts trimmed.
    pub fn validate(&self) -> Result<Profile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", optional_text(&self.name, NAME_MAX));
        let make = errors.check("vehicle_make", optional_text(&self.vehicle_make, VEHICLE_TEXT_MAX));
        let model = errors.check("vehicle_model", optional_text(&self.vehicle_model, VEHICLE_TEXT_MAX));
        if let Some(kwh) = self.battery_kwh {
            errors.check("battery_kwh", in_range(kwh, BATTERY_KWH.0, BATTERY_KWH.1));
        }
        errors.into_result()?;
        Ok(Profile {
            name: name.unwrap_or_default().to_owned(),
            vehicle_make: make.unwrap_or_default().to_owned(),
            vehicle_model: model.unwrap_or_default().to_owned(),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(Email::parse("  Ana@Example.COM ").unwrap().as_str(), "ana@example.com");
        assert_eq!(Email::parse("Ñandú@Correo.ES").unwrap().as_str(), "Ñandú@correo.es");
        for fine in ["o'brien@example.com", "ana+garage@example.com", "ana.b-c_d@mail.example.es"] {
            assert_eq!(Email::parse(fine).unwrap().as_str(), fine);
        }
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@.com",
            "ana@example.",
            "a na@x.es",
            "ana@x..es",
            "ana@evil.example@example.com",
            "\"ana\"@example.com",
            "\"ana bob\"@example.com",
            "ana,bob@example.com",
            "<ana@example.com>",
            "Ana<ana@example.com>",
            "ana>@example.com",
            "ana;bob@example.com",
            "ana:bob@example.com",
            "ana\\bob@example.com",
            "ana(x)@example.com",
            "ana@[127.0.0.1]",
            "ana\u{202E}@example.com",
            "ana@exam\u{2067}ple.com",
            "ana\u{200F}@example.com",
            "\u{200B}ana@example.com",
            "ana\u{FEFF}@example.com",
            "ana@example.com\u{0}",
            "ana\r\n@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::InvalidEmail), "{bad}");
        }
        assert_eq!(Email::parse("  "), Err(Problem::Required));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(Problem::TooLong { max: EMAIL_MAX }));
    }

    #[test]
    fn password_length_counts_characters() {
        assert_eq!(check_new_password(""), Err(Problem::Required));
        assert_eq!(check_new_password("1234567"), Err(Problem::TooShort { min: 8 }));
        assert_eq!(check_new_password("ñññññññ"), Err(Problem::TooShort { min: 8 }));
        assert_eq!(check_new_password("12345678"), Ok(()));
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn register_reports_every_bad_field() {
        let request = RegisterRequest {
            email: "nope".into(),
            password: "short".into(),
            name: "n".repeat(81),
            language: Language::Es,
        };
        let errors = request.validate().unwrap_err();
        assert_eq!(errors.get("email"), Some(&Problem::InvalidEmail));
        assert_eq!(errors.get("password"), Some(&Problem::TooShort { min: 8 }));
        assert_eq!(errors.get("name"), Some(&Problem::TooLong { max: 80 }));
    }

    #[test]
    fn new_password_must_differ_from_current() {
        let same =
            ChangePasswordRequest { current_password: "abcdefgh".into(), new_password: "abcdefgh".into() };
        assert_eq!(same.validate().unwrap_err().get("new_password"), Some(&Problem::SameAsCurrent));
    }

    #[test]
    fn profile_battery_range() {
        let profile = Profile { battery_kwh: Some(0.5), ..Profile::default() };
        assert!(profile.validate().unwrap_err().get("battery_kwh").is_some());
        let profile = Profile { battery_kwh: Some(77.4), name: "  Ana ".into(), ..Profile::default() };
        assert_eq!(profile.validate().unwrap().name, "Ana");
    }

    #[test]
    fn field_errors_serialise_with_problem_bounds_and_message() {
        let error = crate::FieldError::from(&Problem::TooShort { min: 8 });
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"problem": "too_short", "min": 8.0, "message": "Use at least 8 characters."})
        );
        let range = crate::FieldError::from(&Problem::OutOfRange { min: 1.0, max: 300.0 });
        assert_eq!(Problem::from(range), Problem::OutOfRange { min: 1.0, max: 300.0 });
    }

    #[test]
    fn an_unknown_problem_keeps_its_message() {
        let unknown: crate::FieldError =
            serde_json::from_value(serde_json::json!({"problem": "from_the_future", "message": "Too blue."}))
                .unwrap();
        assert_eq!(Problem::from(unknown), Problem::Other("Too blue.".to_owned()));
    }
}

/// One of the user's logged-in sessions (`GET /api/account/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveSession {
    pub id: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, to the minute.
    pub last_seen_at: i64,
    /// The browser's own description, as it sent it when logging in.
    pub user_agent: String,
    /// The address it logged in from (an IPv6 network as its /64).
    pub address: String,
    /// The session making this request.
    pub current: bool,
}
