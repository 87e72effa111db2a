//! Checking an ID token (OpenID Connect Core §3.1.3.7): signed by one of the provider's keys
//! with an asymmetric algorithm, from the expected issuer, for this client, not expired, and
//! carrying the nonce of the request that asked for it.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// What the server keeps of a valid ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// The address, only when the provider says it verified it.
    pub verified_email: Option<String>,
    pub name: String,
}

/// Why an ID token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is not a signed JWT: {0}")]
    Malformed(String),
    #[error("the algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("no key of the provider has the id {0:?}")]
    UnknownKey(Option<String>),
    #[error("the token does not pass the checks: {0}")]
    Invalid(String),
    #[error("the nonce is not the one sent")]
    Nonce,
}

/// Clock skew allowed on `exp`, `iat` and `nbf`, in seconds.
const LEEWAY_SECS: u64 = 60;

#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    email: Option<String>,
    /// A boolean, or (Apple) the string "true".
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    aud: Audience,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(serde::de::IgnoredAny),
    Many(Vec<String>),
}

/// The key id named in the token's header, to look up (or fetch) the provider's keys first.
pub fn key_id(token: &str) -> Result<Option<String>, TokenError> {
    Ok(jsonwebtoken::decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?.kid)
}

/// Checks `token` against the provider's `keys`, `issuer`, `client_id` and the `nonce` sent.
pub fn verify(
    token: &str,
    keys: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<Identity, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?;
    // Never `none` nor a shared-secret algorithm: the key must be the provider's public one.
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::EdDSA
    ) {
        return Err(TokenError::Algorithm(header.alg));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        // Without a key id, only an unambiguous key will do.
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or_else(|| TokenError::UnknownKey(header.kid.clone()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| TokenError::Invalid(format!("key: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map_err(|e| TokenError::Invalid(e.to_string()))?
        .claims;
    // Several audiences: the authorized party must be this client (Core §3.1.3.7 items 4-5).
    if let Audience::Many(audiences) = &claims.aud
        && audiences.len() > 1
        && claims.azp.as_deref() != Some(client_id)
    {
        return Err(TokenError::Invalid("several audiences and another authorized party".to_owned()));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(TokenError::Nonce);
    }
    let verified = match &claims.email_verified {
        Some(serde_json::Value::Bool(verified)) => *verified,
        Some(serde_json::Value::String(verified)) => verified == "true",
        _ => false,
    };
    let verified_email = claims.email.filter(|_| verified).map(|email| email.trim().to_owned());
    Ok(Identity {
        subject: claims.sub,
        verified_email,
        name: claims
            .name
            .unwrap_or_default()
            .chars()
            .take(charge_model::account::NAME_MAX as usize)
            .collect(),
    })
}
