//! Wire types and pure rules shared by the portal (wasm32) and the server (native).
//!
//! Nothing here does I/O: every rule is a function of its inputs, so both sides
//! validate with the same code and give the same field-level messages.

pub mod account;
pub mod charger;
pub mod day_ranges;
pub mod dynamic_power;
pub mod error;
pub mod habits;
pub mod link;
pub mod madrid;
pub mod notifications;
pub mod oidc;
pub mod pages;
pub mod plan;
pub mod prices;
pub mod redirect;
pub mod sessions;
pub mod sharing;
pub mod statistics;
pub mod support;
pub mod tariff;
pub mod timers;
pub mod tolls;
pub mod validate;

pub use error::{ErrorBody, ErrorCode, FieldError, Problem, ProblemCode, Reason};
pub use validate::FieldErrors;

/// A language the portal and its emails are available in.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    /// All languages, in the order a picker lists them.
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    /// The BCP 47 tag (`en`, `es`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// Picks the language for a BCP 47 tag such as `es-ES`; `None` when unsupported.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }

    /// The language's own name, as shown in a picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Es => "Español",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_browser_tags() {
        assert_eq!(Language::from_tag("es-ES"), Some(Language::Es));
        assert_eq!(Language::from_tag("EN_gb"), Some(Language::En));
        assert_eq!(Language::from_tag("fr"), None);
        assert_eq!(Language::from_tag(""), None);
    }
}
