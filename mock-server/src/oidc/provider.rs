//! The configured OpenID Connect providers and what the server learns from them: their
//! discovery document (cached an hour) and their signing keys (cached, fetched again when a
//! token names a key id the cache does not have).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

/// One provider, as written in the providers file (`--oidc-providers`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Short id used in URLs and stored with each linked identity (`google`, `apple`).
    pub id: String,
    /// Shown on the buttons: "Continue with {name}".
    pub name: String,
    /// The issuer URL; its discovery document is `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes asked for besides `openid` (default `email profile`).
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// `form_post` for providers that post their answer back (Apple, when asked for the email).
    #[serde(default)]
    pub response_mode: Option<String>,
}

/// Without the client secret: configurations get logged.
impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("response_mode", &self.response_mode)
            .finish_non_exhaustive()
    }
}

fn default_scopes() -> String {
    "email profile".to_owned()
}

/// Reads the providers file: a JSON array of [`ProviderConfig`].
pub fn load(path: &Path) -> anyhow::Result<Vec<ProviderConfig>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let providers: Vec<ProviderConfig> = serde_json::from_str(&text)
        .with_context(|| format!("reading the providers in {}", path.display()))?;
    check(&providers)?;
    Ok(providers)
}

/// Ids are URL segments and must be unique; issuers must be http(s) URLs.
pub fn check(providers: &[ProviderConfig]) -> anyhow::Result<()> {
    for (index, provider) in providers.iter().enumerate() {
        let id_ok = !provider.id.is_empty()
            && provider.id.len() <= 32
            && provider.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        anyhow::ensure!(
            id_ok,
            "provider id {:?}: use 1 to 32 lower-case letters, digits or dashes",
            provider.id
        );
        anyhow::ensure!(
            providers[..index].iter().all(|other| other.id != provider.id),
            "provider id {:?} is given twice",
            provider.id
        );
        let url = reqwest::Url::parse(&provider.issuer).with_context(|| {
            format!("provider {:?}: issuer {:?} is not a URL", provider.id, provider.issuer)
        })?;
        anyhow::ensure!(
            matches!(url.scheme(), "https" | "http"),
            "provider {:?}: the issuer must be an https URL",
            provider.id
        );
        anyhow::ensure!(!provider.name.trim().is_empty(), "provider {:?} has no name", provider.id);
    }
    Ok(())
}

/// The parts of a provider's discovery document the server uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

impl Discovery {
    /// The client secret goes in the body only for providers that do not take HTTP Basic
    /// (the default of the specification).
    pub fn secret_in_body(&self) -> bool {
        self.token_endpoint_auth_methods_supported.as_ref().is_some_and(|methods| {
            !methods.iter().any(|m| m == "client_secret_basic")
                && methods.iter().any(|m| m == "client_secret_post")
        })
    }
}

/// Why talking to a provider failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Not reachable, or answered something unreadable.
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// Reachable, but refused the code (or answered the token request with an error).
    #[error("provider refused: {0}")]
    Refused(String),
}

struct Cached<T> {
    value: Arc<T>,
    fetched: Instant,
}

/// The providers with their discovery documents and keys, shared by all requests.
pub struct Providers {
    list: Vec<ProviderConfig>,
    http: reqwest::Client,
    discovery: Mutex<HashMap<String, Cached<Discovery>>>,
    keys: Mutex<HashMap<String, Cached<JwkSet>>>,
    /// Keys are fetched again for an unknown key id at most this often (a flood of made-up
    /// key ids must not become a flood of requests to the provider).
    refetch_every: Duration,
}

const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
const KEYS_TTL: Duration = Duration::from_secs(24 * 3600);

impl Providers {
    pub fn new(list: Vec<ProviderConfig>, refetch_every: Duration) -> Providers {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client without special settings builds");
        Providers { list, http, discovery: Mutex::default(), keys: Mutex::default(), refetch_every }
    }

    pub fn list(&self) -> &[ProviderConfig] {
        &self.list
    }

    pub fn get(&self, id: &str) -> Option<&ProviderConfig> {
        self.list.iter().find(|p| p.id == id)
    }

    /// The provider's discovery document, from the cache or fetched. Its `issuer` must be
    /// the configured one (OpenID Connect Discovery §4.3).
    pub async fn discovery(&self, provider: &ProviderConfig) -> Result<Arc<Discovery>, ProviderError> {
        if let Some(cached) = lock(&self.discovery).get(&provider.id)
            && cached.fetched.elapsed() < DISCOVERY_TTL
        {
            return Ok(cached.value.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", provider.issuer.trim_end_matches('/'));
        let document: Discovery = self.get_json(&url).await?;
        if document.issuer.trim_end_matches('/') != provider.issuer.trim_end_matches('/') {
            return Err(ProviderError::Unreachable(format!(
                "the discovery document names the issuer {:?}, not {:?}",
                document.issuer, provider.issuer
            )));
        }
        let document = Arc::new(document);
        lock(&self.discovery)
            .insert(provider.id.clone(), Cached { value: document.clone(), fetched: Instant::now() });
        Ok(document)
    }

    /// The provider's keys; fetched again when `kid` is not among the cached ones (the
    /// provider rotated its keys), at most once per `refetch_every`.
    pub async fn keys(
        &self,
        provider: &ProviderConfig,
        discovery: &Discovery,
        kid: Option<&str>,
    ) -> Result<Arc<JwkSet>, ProviderError> {
        let cached = lock(&self.keys).get(&provider.id).map(|c| (c.value.clone(), c.fetched.elapsed()));
        if let Some((keys, age)) = &cached {
            let known = kid.is_none_or(|kid| keys.find(kid).is_some());
            if age < &KEYS_TTL && (known || age < &self.refetch_every) {
                return Ok(keys.clone());
            }
        }
        let keys: Arc<JwkSet> = Arc::new(self.get_json(&discovery.jwks_uri).await?);
        lock(&self.keys).insert(provider.id.clone(), Cached { value: keys.clone(), fetched: Instant::now() });
        Ok(keys)
    }

    /// Exchanges an authorization code (with its PKCE verifier) for the ID token.
    pub async fn exchange(
        &self,
        provider: &ProviderConfig,
        discovery: &Discovery,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<String, ProviderError> {
        #[derive(Deserialize)]
        struct TokenAnswer {
            id_token: Option<String>,
        }
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        let mut request = self.http.post(&discovery.token_endpoint);
        if discovery.secret_in_body() {
            form.push(("client_id", &provider.client_id));
            form.push(("client_secret", &provider.client_secret));
        } else {
            // RFC 6749 §2.3.1: both form-urlencoded before Basic.
            let encode = |s: &str| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
            };
            request = request.basic_auth(encode(&provider.client_id), Some(encode(&provider.client_secret)));
        }
        let response = request
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_client_error() {
            let body = response.text().await.unwrap_or_default();
            return Err(ProviderError::Refused(format!(
                "{status}: {}",
                body.chars().take(300).collect::<String>()
            )));
        }
        if !status.is_success() {
            return Err(ProviderError::Unreachable(format!("token endpoint answered {status}")));
        }
        let answer: TokenAnswer =
            response.json().await.map_err(|e| ProviderError::Unreachable(format!("token answer: {e}")))?;
        answer.id_token.ok_or_else(|| ProviderError::Refused("the token answer has no id_token".to_owned()))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, ProviderError> {
        let response = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(format!("{url}: {e}")))?;
        if !response.status().is_success() {
            return Err(ProviderError::Unreachable(format!("{url} answered {}", response.status())));
        }
        response.json().await.map_err(|e| ProviderError::Unreachable(format!("{url}: {e}")))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::{ProviderConfig, check};

    fn provider(id: &str, issuer: &str) -> ProviderConfig {
        ProviderConfig {
            id: id.to_owned(),
            name: "Example".to_owned(),
            issuer: issuer.to_owned(),
            client_id: "client".to_owned(),
            client_secret: "secret".to_owned(),
            scopes: "email".to_owned(),
            response_mode: None,
        }
    }

    #[test]
    fn provider_ids_are_url_safe_and_unique_and_issuers_are_urls() {
        assert!(check(&[provider("google", "https://accounts.google.com")]).is_ok());
        assert!(check(&[provider("Google", "https://accounts.google.com")]).is_err());
        assert!(check(&[provider("a/b", "https://accounts.google.com")]).is_err());
        assert!(check(&[provider("g", "https://a.example"), provider("g", "https://b.example")]).is_err());
        assert!(check(&[provider("g", "ftp://a.example")]).is_err());
        assert!(check(&[provider("g", "accounts.google.com")]).is_err());
    }
}
