//! Signing in with an OpenID Connect provider, against a stand-in provider served by the test
//! (discovery, keys, token endpoint) that signs with ES256 keys made here. Each rejection
//! ends on the login page with its code and creates nothing.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::response::IntoResponse as _;
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use charge_mock_server::oidc::ProviderConfig;
use charge_model::oidc::{Identities, OidcProvider};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Client, StatusCode, Url};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::{PASSWORD, TestApp, spawn_app_with};

const CLIENT_ID: &str = "charge-portal";

/// A signing key and its public JWK.
struct Key {
    kid: String,
    encoding: EncodingKey,
    jwk: Value,
}

impl Key {
    fn new(kid: &str) -> Key {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref(); // 0x04 || x || y
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        Key { kid: kid.to_owned(), encoding: EncodingKey::from_ec_der(pkcs8.as_ref()), jwk }
    }

    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

/// What the stand-in provider publishes and answers.
#[derive(Default)]
struct ProviderState {
    issuer: String,
    jwks: Vec<Value>,
    jwks_fetches: usize,
    /// The ID token the token endpoint hands out next.
    id_token: Option<String>,
    /// The last token request's form.
    token_form: Vec<(String, String)>,
}

type Shared = Arc<Mutex<ProviderState>>;

/// Serves discovery, the keys and the token endpoint on a free port.
async fn spawn_provider() -> (String, Shared) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let shared: Shared = Arc::new(Mutex::new(ProviderState { issuer: issuer.clone(), ..Default::default() }));
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(|State(s): State<Shared>| async move {
                let issuer = s.lock().unwrap().issuer.clone();
                axum::Json(json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/auth"),
                    "token_endpoint": format!("{issuer}/token"),
                    "jwks_uri": format!("{issuer}/jwks"),
                }))
            }),
        )
        .route(
            "/jwks",
            get(|State(s): State<Shared>| async move {
                let mut s = s.lock().unwrap();
                s.jwks_fetches += 1;
                axum::Json(json!({ "keys": s.jwks }))
            }),
        )
        .route(
            "/token",
            post(|State(s): State<Shared>, axum::Form(form): axum::Form<Vec<(String, String)>>| async move {
                let mut s = s.lock().unwrap();
                s.token_form = form;
                match s.id_token.take() {
                    Some(token) => {
                        axum::Json(json!({"access_token": "a", "token_type": "Bearer", "id_token": token}))
                            .into_response()
                    }
                    None => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"})))
                        .into_response(),
                }
            }),
        )
        .with_state(shared.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (issuer, shared)
}

fn provider_config(issuer: &str) -> ProviderConfig {
    serde_json::from_value(json!({
        "id": "fake", "name": "Fake ID", "issuer": issuer,
        "client_id": CLIENT_ID, "client_secret": "s3cret",
    }))
    .unwrap()
}

/// The portal, a provider with one published key, and a browser that does not follow redirects.
struct Setup {
    app: TestApp,
    provider: Shared,
    key: Key,
    browser: Client,
}

async fn setup() -> Setup {
    let (issuer, provider) = spawn_provider().await;
    let key = Key::new("key-1");
    provider.lock().unwrap().jwks = vec![key.jwk.clone()];
    let app = spawn_app_with(|config| config.oidc = vec![provider_config(&issuer)]).await;
    Setup { app, provider, key, browser: browser() }
}

fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A sign-in started: the authorization URL's parameters.
struct Started {
    state: String,
    nonce: String,
    challenge: String,
}

impl Setup {
    async fn start(&self, browser: &Client, query: &str) -> Started {
        let response =
            browser.get(self.app.url(&format!("/api/auth/oidc/fake/start{query}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = Url::parse(location(&response).as_str()).unwrap();
        let param = |name: &str| {
            location.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
        };
        assert_eq!(param("client_id"), CLIENT_ID);
        assert_eq!(param("redirect_uri"), "http://portal.test/api/auth/oidc/callback");
        assert_eq!(param("code_challenge_method"), "S256");
        assert!(param("scope").starts_with("openid"));
        Started { state: param("state"), nonce: param("nonce"), challenge: param("code_challenge") }
    }

    fn claims(&self, nonce: &str, email: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        let issuer = self.provider.lock().unwrap().issuer.clone();
        json!({
            "iss": issuer, "aud": CLIENT_ID, "sub": format!("sub-{}", email.to_ascii_lowercase()), "iat": now, "exp": now + 300,
            "nonce": nonce, "email": email, "email_verified": true, "name": "Ada Lovelace",
        })
    }

    /// The provider sends the browser back with a code; the token endpoint will hand out `id_token`.
    async fn callback(&self, browser: &Client, state: &str, id_token: String) -> String {
        self.provider.lock().unwrap().id_token = Some(id_token);
        let url = self.app.url(&format!("/api/auth/oidc/callback?code=the-code&state={state}"));
        let response = browser.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    /// A whole sign-in with the claims `edit` makes of the usual ones; where it ends.
    async fn sign_in_with(&self, email: &str, edit: impl FnOnce(&mut Value)) -> String {
        let started = self.start(&self.browser, "").await;
        let mut claims = self.claims(&started.nonce, email);
        edit(&mut claims);
        self.callback(&self.browser, &started.state, self.key.sign(&claims)).await
    }

    fn count(&self, table: &str) -> i64 {
        self.app.query(&format!("SELECT COUNT(*) FROM {table}"), |r| r.get(0))
    }

    async fn session_email(&self, browser: &Client) -> Option<String> {
        let info: Value =
            browser.get(self.app.url("/api/auth/session")).send().await.unwrap().json().await.unwrap();
        info["account"]["email"].as_str().map(str::to_owned)
    }

    async fn identities(&self, browser: &Client) -> Identities {
        let response = browser.get(self.app.url("/api/account/identities")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_configured_providers_are_listed_and_none_without_configuration() {
    let s = setup().await;
    let listed: Vec<OidcProvider> = s.app.get("/api/auth/oidc/providers").await.json().await.unwrap();
    assert_eq!(listed, [OidcProvider { id: "fake".to_owned(), name: "Fake ID".to_owned() }]);

    let bare = crate::helpers::spawn_app().await;
    let listed: Vec<OidcProvider> = bare.get("/api/auth/oidc/providers").await.json().await.unwrap();
    assert!(listed.is_empty());
}

#[tokio::test]
async fn a_first_sign_in_makes_an_account_without_a_password_and_signs_in() {
    let s = setup().await;
    let started = s.start(&s.browser, "?next=%2Fstatistics").await;
    let token = s.key.sign(&s.claims(&started.nonce, "Ada@Example.com"));
    assert_eq!(s.callback(&s.browser, &started.state, token).await, "/statistics");

    assert_eq!(s.session_email(&s.browser).await.as_deref(), Some("ada@example.com"));
    // PKCE: the verifier sent to the token endpoint is the one of the challenge.
    let form = s.provider.lock().unwrap().token_form.clone();
    let verifier = form.iter().find(|(k, _)| k == "code_verifier").map(|(_, v)| v.clone()).unwrap();
    assert_eq!(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())), started.challenge);
    let identities = s.identities(&s.browser).await;
    assert!(!identities.has_password);
    assert_eq!(identities.identities.len(), 1);
    assert_eq!(identities.identities[0].name, "Fake ID");
    assert_eq!(identities.identities[0].email, "ada@example.com");

    // The account has no password: logging in with one fails like any wrong password.
    let login = s.app.login("ada@example.com", "anything at all").await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);

    // Signing in again is the same account.
    let other = browser();
    let started = s.start(&other, "").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));
    assert_eq!(s.callback(&other, &started.state, token).await, "/");
    assert_eq!(s.count("users"), 1);
    assert_eq!(s.session_email(&other).await.as_deref(), Some("ada@example.com"));
}

/// Makes the ID token the provider hands out for a sign-in.
type MakeToken = Box<dyn Fn(&Setup, &Started) -> String>;

/// Each refused answer ends on the login page with its code, and makes no account.
#[tokio::test]
async fn every_refused_id_token_creates_nothing() {
    let s = setup().await;
    let stranger = Key::new("key-unknown");
    let cases: Vec<(&str, MakeToken, &str)> = vec![
        (
            "tampered payload",
            Box::new(|s, st| {
                let token = s.key.sign(&s.claims(&st.nonce, "eve@example.com"));
                let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
                let mut claims: Value =
                    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
                claims["email"] = json!("victim@example.com");
                parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
                parts.join(".")
            }),
            "invalid_token",
        ),
        (
            "wrong audience",
            Box::new(|s, st| {
                let mut claims = s.claims(&st.nonce, "eve@example.com");
                claims["aud"] = json!("another-client");
                s.key.sign(&claims)
            }),
            "invalid_token",
        ),
        (
            "wrong issuer",
            Box::new(|s, st| {
                let mut claims = s.claims(&st.nonce, "eve@example.com");
                claims["iss"] = json!("https://evil.example");
                s.key.sign(&claims)
            }),
            "invalid_token",
        ),
        (
            "expired",
            Box::new(|s, st| {
                let mut claims = s.claims(&st.nonce, "eve@example.com");
                let now = chrono::Utc::now().timestamp();
                claims["iat"] = json!(now - 7200);
                claims["exp"] = json!(now - 3600);
                s.key.sign(&claims)
            }),
            "invalid_token",
        ),
        (
            "another request's nonce",
            Box::new(|s, _| s.key.sign(&s.claims("some-other-nonce", "eve@example.com"))),
            "invalid_token",
        ),
        (
            "unknown key",
            Box::new(move |s, st| stranger.sign(&s.claims(&st.nonce, "eve@example.com"))),
            "invalid_token",
        ),
        (
            "unsigned (alg none)",
            Box::new(|s, st| {
                let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
                let claims = URL_SAFE_NO_PAD.encode(s.claims(&st.nonce, "eve@example.com").to_string());
                format!("{header}.{claims}.")
            }),
            "invalid_token",
        ),
        (
            "unverified email",
            Box::new(|s, st| {
                let mut claims = s.claims(&st.nonce, "eve@example.com");
                claims["email_verified"] = json!(false);
                s.key.sign(&claims)
            }),
            "unverified_email",
        ),
        (
            "no email",
            Box::new(|s, st| {
                let mut claims = s.claims(&st.nonce, "eve@example.com");
                claims.as_object_mut().unwrap().remove("email");
                s.key.sign(&claims)
            }),
            "unverified_email",
        ),
    ];
    for (name, token, code) in cases {
        let started = s.start(&s.browser, "").await;
        let id_token = token(&s, &started);
        let ended = s.callback(&s.browser, &started.state, id_token).await;
        assert_eq!(ended, format!("/login?oidc_error={code}"), "{name}");
        assert_eq!((s.count("users"), s.count("oidc_identities"), s.count("sessions")), (0, 0, 0), "{name}");
        assert_eq!(s.session_email(&s.browser).await, None, "{name}");
    }
}

#[tokio::test]
async fn a_state_is_answered_once_and_only_in_the_browser_that_started_it() {
    let s = setup().await;
    let started = s.start(&s.browser, "").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));

    // Another browser (no cookie of the sign-in) is refused, and that uses the state up.
    let elsewhere = browser();
    assert_eq!(s.callback(&elsewhere, &started.state, token.clone()).await, "/login?oidc_error=expired");
    assert_eq!(s.callback(&s.browser, &started.state, token.clone()).await, "/login?oidc_error=expired");

    // Replayed: the first answer signs in, the same again is refused.
    let started = s.start(&s.browser, "").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));
    assert_eq!(s.callback(&s.browser, &started.state, token.clone()).await, "/");
    let replay = browser();
    assert_eq!(s.callback(&replay, &started.state, token).await, "/login?oidc_error=expired");
    assert_eq!(s.session_email(&replay).await, None);

    // Unknown or missing state.
    assert_eq!(s.callback(&s.browser, "made-up", String::new()).await, "/login?oidc_error=expired");
    assert_eq!(s.count("users"), 1);
}

#[tokio::test]
async fn an_expired_sign_in_is_refused() {
    let s = setup().await;
    let started = s.start(&s.browser, "").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));
    s.app.query("UPDATE oidc_flows SET expires_at = 0 RETURNING 1", |r| r.get::<_, i64>(0));
    assert_eq!(s.callback(&s.browser, &started.state, token).await, "/login?oidc_error=expired");
    assert_eq!(s.count("users"), 0);
}

#[tokio::test]
async fn cancelling_or_a_provider_error_returns_to_the_login_page() {
    let s = setup().await;
    for (error, code) in [("access_denied", "cancelled"), ("server_error", "provider_error")] {
        let started = s.start(&s.browser, "").await;
        let url = s.app.url(&format!("/api/auth/oidc/callback?error={error}&state={}", started.state));
        let response = s.browser.get(url).send().await.unwrap();
        assert_eq!(location(&response), format!("/login?oidc_error={code}"));
    }
    // An answer naming another issuer (RFC 9207) is refused before the code is used.
    let started = s.start(&s.browser, "").await;
    s.provider.lock().unwrap().id_token = Some(s.key.sign(&s.claims(&started.nonce, "ada@example.com")));
    let url = s.app.url(&format!(
        "/api/auth/oidc/callback?code=c&iss=https%3A%2F%2Fevil.example&state={}",
        started.state
    ));
    let response = s.browser.get(url).send().await.unwrap();
    assert_eq!(location(&response), "/login?oidc_error=invalid_token");
    s.provider.lock().unwrap().id_token = None;
    // The token endpoint refuses the code.
    let started = s.start(&s.browser, "").await;
    let url = s.app.url(&format!("/api/auth/oidc/callback?code=bad&state={}", started.state));
    let response = s.browser.get(url).send().await.unwrap();
    assert_eq!(location(&response), "/login?oidc_error=provider_error");
    assert_eq!(s.count("users"), 0);
}

#[tokio::test]
async fn an_unreachable_provider_or_an_unknown_one_returns_to_the_login_page() {
    let app = spawn_app_with(|config| config.oidc = vec![provider_config("http://127.0.0.1:9")]).await;
    let browser = browser();
    let response = browser.get(app.url("/api/auth/oidc/fake/start")).send().await.unwrap();
    assert_eq!(location(&response), "/login?oidc_error=unreachable");
    let response = browser.get(app.url("/api/auth/oidc/nobody/start")).send().await.unwrap();
    assert_eq!(location(&response), "/login?oidc_error=unknown_provider");
}

#[tokio::test]
async fn keys_are_cached_and_fetched_again_for_an_unknown_key_id() {
    let s = setup().await;
    assert_eq!(s.sign_in_with("ada@example.com", |_| {}).await, "/");
    assert_eq!(s.sign_in_with("ada@example.com", |_| {}).await, "/");
    assert_eq!(s.provider.lock().unwrap().jwks_fetches, 1, "cached");

    // The provider rotates its key: the new key id makes the server fetch the keys again.
    let rotated = Key::new("key-2");
    s.provider.lock().unwrap().jwks = vec![rotated.jwk.clone()];
    let started = s.start(&s.browser, "").await;
    let token = rotated.sign(&s.claims(&started.nonce, "ada@example.com"));
    assert_eq!(s.callback(&s.browser, &started.state, token).await, "/");
    assert_eq!(s.provider.lock().unwrap().jwks_fetches, 2);
}

#[tokio::test]
async fn an_existing_address_is_linked_only_after_the_password() {
    let s = setup().await;
    s.app.confirmed_user("ada@example.com").await;
    let ended = s.sign_in_with("ada@example.com", |_| {}).await;
    assert_eq!(ended, "/login?oidc_link=Fake%20ID&email=ada%40example%2Ecom");
    assert_eq!(s.session_email(&s.browser).await, None, "not signed in");
    assert_eq!(s.count("oidc_identities"), 0, "not linked yet");

    // A wrong password links nothing; the right one links.
    let wrong = json!({"email": "ada@example.com", "password": "not the password"});
    let response = s.browser.post(s.app.url("/api/auth/login")).json(&wrong).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(s.count("oidc_identities"), 0);
    let right = json!({"email": "ada@example.com", "password": PASSWORD});
    let response = s.browser.post(s.app.url("/api/auth/login")).json(&right).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let identities = s.identities(&s.browser).await;
    assert!(identities.has_password);
    assert_eq!(identities.identities.len(), 1);

    // From now on the provider signs in to that account.
    let other = browser();
    let started = s.start(&other, "").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));
    assert_eq!(s.callback(&other, &started.state, token).await, "/");
    assert_eq!(s.session_email(&other).await.as_deref(), Some("ada@example.com"));
    assert_eq!(s.count("users"), 1);
}

#[tokio::test]
async fn an_existing_address_can_be_linked_by_the_emailed_link() {
    let s = setup().await;
    s.app.confirmed_user("ada@example.com").await;
    s.sign_in_with("ada@example.com", |_| {}).await;
    let mails = s.app.outbox("ada@example.com").await;
    let link = mails.iter().filter_map(|m| m["link"].as_str()).find(|l| l.contains("/login?link=")).unwrap();
    let token = link.split("link=").nth(1).unwrap();

    let elsewhere = browser();
    let confirm = |token: &str| {
        elsewhere.post(s.app.url("/api/auth/oidc/confirm-link")).json(&json!({ "token": token })).send()
    };
    assert_eq!(confirm("").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(confirm(token).await.unwrap().status(), StatusCode::OK);
    assert_eq!(s.session_email(&elsewhere).await.as_deref(), Some("ada@example.com"));
    assert_eq!(s.count("oidc_identities"), 1);
    assert_eq!(confirm(token).await.unwrap().status(), StatusCode::BAD_REQUEST, "used once");
}

#[tokio::test]
async fn the_profile_links_and_unlinks_but_never_the_last_way_in() {
    let s = setup().await;
    // A provider-made account: its only identity stays.
    s.sign_in_with("ada@example.com", |_| {}).await;
    let response = s.browser.delete(s.app.url("/api/account/identities/fake")).send().await.unwrap();
    let (status, body) = crate::helpers::error_of(response).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::CONFLICT, Some("last_way_in")));
    let response = s.browser.delete(s.app.url("/api/account/identities/other")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A password account links from the profile and unlinks.
    s.app.logged_in_user("bob@example.com").await;
    let bob_browser = browser();
    let login = json!({"email": "bob@example.com", "password": PASSWORD});
    bob_browser.post(s.app.url("/api/auth/login")).json(&login).send().await.unwrap();
    let started = s.start(&bob_browser, "?link=true").await;
    // Bob's identity at the provider has another address: it is his all the same.
    let token = s.key.sign(&s.claims(&started.nonce, "bob.personal@example.com"));
    assert_eq!(s.callback(&bob_browser, &started.state, token).await, "/profile?linked=fake");
    assert_eq!(s.identities(&bob_browser).await.identities[0].email, "bob.personal@example.com");

    // Ada's identity cannot be linked to Bob.
    let started = s.start(&bob_browser, "?link=true").await;
    let token = s.key.sign(&s.claims(&started.nonce, "ada@example.com"));
    assert_eq!(s.callback(&bob_browser, &started.state, token).await, "/profile?oidc_error=linked_elsewhere");

    let response = bob_browser.delete(s.app.url("/api/account/identities/fake")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(s.identities(&bob_browser).await.identities.is_empty());

    // Linking needs a session.
    let anonymous = browser();
    let response = anonymous.get(s.app.url("/api/auth/oidc/fake/start?link=true")).send().await.unwrap();
    assert_eq!(location(&response), "/login?next=%2Fprofile");
}

#[tokio::test]
async fn deleting_the_account_removes_its_links() {
    let s = setup().await;
    s.app.logged_in_user("bob@example.com").await;
    let bob_browser = browser();
    let login = json!({"email": "bob@example.com", "password": PASSWORD});
    bob_browser.post(s.app.url("/api/auth/login")).json(&login).send().await.unwrap();
    let started = s.start(&bob_browser, "?link=true").await;
    let token = s.key.sign(&s.claims(&started.nonce, "bob@example.com"));
    s.callback(&bob_browser, &started.state, token).await;
    assert_eq!(s.count("oidc_identities"), 1);

    let response = bob_browser
        .delete(s.app.url("/api/account"))
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.count("oidc_identities"), 0);
    // The provider identity now makes a new account.
    assert_eq!(s.sign_in_with("bob@example.com", |_| {}).await, "/");
    assert_eq!(s.count("users"), 1);
}

#[tokio::test]
async fn an_account_without_a_password_is_deleted_by_typing_its_address() {
    let s = setup().await;
    s.sign_in_with("ada@example.com", |_| {}).await;
    let delete =
        |typed: &str| s.browser.delete(s.app.url("/api/account")).json(&json!({ "password": typed })).send();
    let (status, body) = crate::helpers::error_of(delete("eve@example.com").await.unwrap()).await;
    assert_eq!(
        (status, body["fields"]["password"]["problem"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("mismatch"))
    );
    assert_eq!(delete(" Ada@Example.com ").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!((s.count("users"), s.count("oidc_identities")), (0, 0));
}

#[tokio::test]
async fn a_provider_may_post_its_answer() {
    let s = setup().await;
    let started = s.start(&s.browser, "").await;
    s.provider.lock().unwrap().id_token = Some(s.key.sign(&s.claims(&started.nonce, "ada@example.com")));
    let response = s
        .browser
        .post(s.app.url("/api/auth/oidc/callback"))
        .form(&[("code", "the-code"), ("state", started.state.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/");
    assert_eq!(s.session_email(&s.browser).await.as_deref(), Some("ada@example.com"));
}
