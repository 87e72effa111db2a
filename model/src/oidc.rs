//! Signing in with OpenID Connect providers (Google, Apple…): what the portal shows and sends.

use serde::{Deserialize, Serialize};

/// A configured provider, as the login page offers it ("Continue with {name}").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcProvider {
    /// The provider's id in the server's configuration (`google`, `apple`…).
    pub id: String,
    /// Its display name.
    pub name: String,
}

/// A provider identity linked to the logged-in account.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedIdentity {
    pub provider: String,
    /// The provider's display name (its id when it is no longer configured).
    pub name: String,
    /// The verified address the provider gave.
    pub email: String,
    /// Unix seconds.
    pub linked_at: i64,
}

/// `GET /api/account/identities`: the account's ways in.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identities {
    /// Whether the account has a password (one made by a provider has none until it is reset).
    pub has_password: bool,
    pub identities: Vec<LinkedIdentity>,
}

/// `POST /api/auth/oidc/confirm-link`: the token of the emailed link that links an identity.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmLinkRequest {
    pub token: String,
}

/// Why a sign-in with a provider failed: the `oidc_error` the server puts in the URL of the
/// page it returns to, which the portal words in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcFailure {
    /// The user cancelled at the provider.
    Cancelled,
    /// The provider answered with an error.
    ProviderError,
    /// The sign-in took too long, was already used, or started in another browser.
    Expired,
    /// The provider's answer did not pass the checks (signature, issuer, audience, expiry, nonce).
    InvalidToken,
    /// The provider could not be reached.
    Unreachable,
    /// The provider did not vouch for the email address.
    UnverifiedEmail,
    /// This provider account is already linked to another Charge Portal account.
    LinkedElsewhere,
    /// No such provider is configured.
    UnknownProvider,
}

impl OidcFailure {
    const ALL: [OidcFailure; 8] = [
        OidcFailure::Cancelled,
        OidcFailure::ProviderError,
        OidcFailure::Expired,
        OidcFailure::InvalidToken,
        OidcFailure::Unreachable,
        OidcFailure::UnverifiedEmail,
        OidcFailure::LinkedElsewhere,
        OidcFailure::UnknownProvider,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OidcFailure::Cancelled => "cancelled",
            OidcFailure::ProviderError => "provider_error",
            OidcFailure::Expired => "expired",
            OidcFailure::InvalidToken => "invalid_token",
            OidcFailure::Unreachable => "unreachable",
            OidcFailure::UnverifiedEmail => "unverified_email",
            OidcFailure::LinkedElsewhere => "linked_elsewhere",
            OidcFailure::UnknownProvider => "unknown_provider",
        }
    }

    /// The failure named by `code`; an unknown code is a provider error.
    pub fn from_code(code: &str) -> OidcFailure {
        OidcFailure::ALL.into_iter().find(|f| f.code() == code).unwrap_or(OidcFailure::ProviderError)
    }
}

#[cfg(test)]
mod tests {
    use super::OidcFailure;

    #[test]
    fn failure_codes_round_trip() {
        for failure in OidcFailure::ALL {
            assert_eq!(OidcFailure::from_code(failure.code()), failure);
        }
        assert_eq!(OidcFailure::from_code("nonsense"), OidcFailure::ProviderError);
    }
}
