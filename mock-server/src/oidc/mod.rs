//! Signing in with OpenID Connect providers: the authorization code flow with PKCE, `state`
//! and `nonce`; the ID token checked against the provider's keys; accounts made on first
//! sign-in, linked to an existing account only once its owner proves it.
//!
//! The browser goes to `start`, which sends it to the provider; the provider sends it back
//! to `callback`, which answers with a redirect to a portal page: the page it was heading
//! for, or the login page (the profile when linking) with `oidc_error=<code>`
//! ([`charge_model::oidc::OidcFailure`]), having created nothing.

pub mod provider;
mod store;
pub mod verify;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use charge_model::account::Account;
use charge_model::oidc::{ConfirmLinkRequest, Identities, LinkedIdentity, OidcFailure, OidcProvider};
use charge_model::{ErrorBody, Language, Reason};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use provider::{ProviderConfig, Providers};

use crate::accounts::store as accounts;
use crate::auth::throttle::ClientIp;
use crate::auth::{CurrentUser, session, token};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::{AppState, mail};

/// The cookie that ties a sign-in to the browser that started it (against login CSRF).
const BROWSER_COOKIE: &str = "cp_oidc";
/// The cookie holding a link that waits for the owner's password.
pub const PENDING_COOKIE: &str = "cp_oidc_link";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(providers))
        .routes(routes!(start))
        .routes(routes!(callback, callback_post))
        .routes(routes!(confirm_link))
        .routes(routes!(identities))
        .routes(routes!(unlink))
}

/// The address the providers send the browser back to: register it with each provider.
pub fn redirect_uri(config: &crate::Config) -> String {
    format!("{}/api/auth/oidc/callback", config.public_url())
}

/// The configured providers, for the "Continue with …" buttons (empty when none is).
#[utoipa::path(get, path = "/api/auth/oidc/providers", tag = "auth",
    responses((status = 200, body = Vec<OidcProvider>)))]
pub async fn providers(State(state): State<AppState>) -> ApiJson<Vec<OidcProvider>> {
    ApiJson(
        state.oidc.list().iter().map(|p| OidcProvider { id: p.id.clone(), name: p.name.clone() }).collect(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// The portal path to go to once signed in.
    next: Option<String>,
    /// `true` to link the provider to the logged-in account (from the profile).
    #[serde(default)]
    link: bool,
}

/// Sends the browser to the provider to sign in (or, with `link=true`, to link it to the
/// logged-in account).
#[utoipa::path(get, path = "/api/auth/oidc/{provider}/start", tag = "auth",
    params(("provider" = String, Path, description = "The provider's id"), StartQuery),
    responses(
        (status = 303, description = "To the provider's authorization page; or back to the login \
            page with `oidc_error` when the provider is unknown or unreachable"),
    ))]
pub async fn start(
    State(state): State<AppState>,
    ApiPath(provider_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<StartQuery>,
    user: Option<CurrentUser>,
    jar: CookieJar,
) -> ApiResult<(CookieJar, Redirect)> {
    let linking = query.link;
    let fail = |failure| Ok((CookieJar::new(), failed(failure, linking)));
    let user_id = match (linking, &user) {
        (true, Some(user)) => Some(user.id),
        (true, None) => return Ok((CookieJar::new(), Redirect::to("/login?next=%2Fprofile"))),
        (false, _) => None,
    };
    let Some(provider) = state.oidc.get(&provider_id).cloned() else {
        return fail(OidcFailure::UnknownProvider);
    };
    let discovery = match state.oidc.discovery(&provider).await {
        Ok(discovery) => discovery,
        Err(error) => {
            tracing::warn!(provider = provider.id, %error, "OpenID provider unreachable");
            return fail(OidcFailure::Unreachable);
        }
    };

    // One browser secret for all the sign-ins this browser has under way.
    let browser = match jar.get(BROWSER_COOKIE) {
        Some(cookie) if cookie.value().len() == 43 => cookie.value().to_owned(),
        _ => token::generate().0,
    };
    let state_value = token::generate().0;
    let nonce = token::generate().0;
    let verifier = token::generate().0;
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let now = state.clock.unix();
    let next = charge_model::redirect::safe_next(query.next.as_deref()).to_owned();
    let flow = store::Flow {
        browser_hash: token::hash(&browser),
        provider: provider.id.clone(),
        nonce: nonce.clone(),
        verifier,
        user_id,
        next,
        expires_at: now + store::FLOW_TTL_SECS,
    };
    let stored = state_value.clone();
    state.db.run(move |conn| store::insert_flow(conn, &stored, &flow, now)).await?;

    let mut url = reqwest::Url::parse(&discovery.authorization_endpoint)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("authorization endpoint of {}: {e}", provider.id)))?;
    {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("response_type", "code")
            .append_pair("client_id", &provider.client_id)
            .append_pair("redirect_uri", &redirect_uri(&state.config))
            .append_pair("scope", &format!("openid {}", provider.scopes))
            .append_pair("state", &state_value)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(mode) = &provider.response_mode {
            pairs.append_pair("response_mode", mode);
        }
    }
    let cookie = browser_cookie(&state, browser);
    Ok((jar.add(cookie), Redirect::to(url.as_str())))
}

/// The provider's answer, in the query (GET) or, with `response_mode=form_post`, the body.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackParams {
    state: Option<String>,
    code: Option<String>,
    /// Set by the provider when the user cancelled (`access_denied`) or it failed.
    error: Option<String>,
    /// The provider's issuer (RFC 9207), when it says: must be the expected one.
    iss: Option<String>,
}

/// Where the provider sends the browser back. Checks the answer and the ID token, signs in
/// (making the account on a first sign-in), links, or asks the owner of an existing account
/// with that address to prove it; then redirects to the portal.
#[utoipa::path(get, path = "/api/auth/oidc/callback", tag = "auth",
    params(CallbackParams),
    responses(
        (status = 303, description = "Signed in (session cookie set) and on to the page asked for; \
            or to the login page with `oidc_error` (nothing created), or with `oidc_link` when an \
            existing account must prove it owns the address"),
    ))]
pub async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientIp,
    ApiQuery(params): ApiQuery<CallbackParams>,
) -> ApiResult<(CookieJar, Redirect)> {
    finish(state, jar, headers, client, params).await
}

/// The same as `GET`, for providers that post their answer (`response_mode=form_post`).
#[utoipa::path(post, path = "/api/auth/oidc/callback", tag = "auth",
    request_body(content = inline(CallbackForm), content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "As for `GET`")))]
pub async fn callback_post(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientIp,
    form: Result<axum::Form<CallbackParams>, axum::extract::rejection::FormRejection>,
) -> ApiResult<(CookieJar, Redirect)> {
    finish(state, jar, headers, client, form.map(|f| f.0).unwrap_or_default()).await
}

/// The form a provider posts back.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CallbackForm {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

async fn finish(
    state: AppState,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientIp,
    params: CallbackParams,
) -> ApiResult<(CookieJar, Redirect)> {
    let now = state.clock.unix();
    let flow = match params.state {
        Some(value) => state.db.run(move |conn| store::take_flow(conn, &value)).await?,
        None => None,
    };
    let browser = jar.get(BROWSER_COOKIE).map(|c| token::hash(c.value()));
    // Unknown (never sent, or already answered: a replay), expired, or begun in another browser.
    let Some(flow) = flow.filter(|f| f.expires_at > now && browser.as_deref() == Some(&f.browser_hash[..]))
    else {
        return Ok((jar, failed(OidcFailure::Expired, false)));
    };
    let linking = flow.user_id.is_some();
    let fail = |failure: OidcFailure| Ok((jar.clone(), failed(failure, linking)));
    if let Some(error) = params.error {
        tracing::info!(provider = flow.provider, error, "OpenID provider answered with an error");
        return fail(if error == "access_denied" {
            OidcFailure::Cancelled
        } else {
            OidcFailure::ProviderError
        });
    }
    let Some(code) = params.code else { return fail(OidcFailure::ProviderError) };
    let Some(provider) = state.oidc.get(&flow.provider).cloned() else {
        return fail(OidcFailure::UnknownProvider);
    };

    let identity = match signed_in(&state, &provider, &code, params.iss.as_deref(), &flow).await {
        Ok(identity) => identity,
        Err(failure) => return fail(failure),
    };

    let provider_id = provider.id.clone();
    let subject = identity.subject.clone();
    let known = state.db.run(move |conn| store::identity_user(conn, &provider_id, &subject)).await?;

    // Linking from the profile.
    if let Some(user_id) = flow.user_id {
        if known.is_some_and(|other| other != user_id) {
            return fail(OidcFailure::LinkedElsewhere);
        }
        let email = identity.verified_email.clone().unwrap_or_default();
        let (provider_id, subject) = (provider.id.clone(), identity.subject.clone());
        state.db.run(move |conn| store::link(conn, user_id, &provider_id, &subject, &email, now)).await?;
        return Ok((jar, Redirect::to(&format!("/profile?linked={}", provider.id))));
    }

    let user_id = match known {
        Some(user_id) => user_id,
        None => {
            let Some(email) =
                identity.verified_email.as_deref().and_then(|e| charge_model::account::Email::parse(e).ok())
            else {
                return fail(OidcFailure::UnverifiedEmail);
            };
            let address = email.clone();
            let existing = state.db.run(move |conn| accounts::credentials(conn, &address)).await?;
            if let Some(existing) = existing {
                return ask_for_proof(&state, jar, &provider, &identity, &email, existing).await;
            }
            let language = accept_language(&headers);
            let (provider_id, subject, name) =
                (provider.id.clone(), identity.subject.clone(), identity.name.clone());
            state
                .db
                .run(move |conn| {
                    let tx = conn.transaction()?;
                    let user_id = accounts::insert_user(&tx, &email, "", name.trim(), language, now)?;
                    accounts::mark_confirmed(&tx, user_id, now)?;
                    store::link(&tx, user_id, &provider_id, &subject, email.as_str(), now)?;
                    tx.commit()?;
                    Ok(user_id)
                })
                .await?
        }
    };
    let origin = session::Origin::of(&headers, client);
    let cookie = session::start(&state, user_id, origin).await?;
    Ok((jar.add(cookie), Redirect::to(&flow.next)))
}

/// Exchanges the code and checks the ID token; the failure to report otherwise.
async fn signed_in(
    state: &AppState,
    provider: &ProviderConfig,
    code: &str,
    iss: Option<&str>,
    flow: &store::Flow,
) -> Result<verify::Identity, OidcFailure> {
    use provider::ProviderError;
    let report = |error: ProviderError| {
        tracing::warn!(provider = provider.id, %error, "OpenID sign-in failed");
        match error {
            ProviderError::Unreachable(_) => OidcFailure::Unreachable,
            ProviderError::Refused(_) => OidcFailure::ProviderError,
        }
    };
    let discovery = state.oidc.discovery(provider).await.map_err(report)?;
    // An answer naming another issuer is meant for another provider (a mix-up): the code is not sent.
    if iss.is_some_and(|iss| iss != discovery.issuer) {
        tracing::warn!(provider = provider.id, iss, "the answer names another issuer");
        return Err(OidcFailure::InvalidToken);
    }
    let id_token = state
        .oidc
        .exchange(provider, &discovery, code, &flow.verifier, &redirect_uri(&state.config))
        .await
        .map_err(report)?;
    let invalid = |error: verify::TokenError| {
        tracing::warn!(provider = provider.id, %error, "ID token refused");
        OidcFailure::InvalidToken
    };
    let kid = verify::key_id(&id_token).map_err(invalid)?;
    let keys = state.oidc.keys(provider, &discovery, kid.as_deref()).await.map_err(report)?;
    verify::verify(&id_token, &keys, &discovery.issuer, &provider.client_id, &flow.nonce).map_err(invalid)
}

/// The address belongs to an account: link only once its owner proves it, by logging in with
/// the password in this browser (the cookie) or by following the emailed link.
async fn ask_for_proof(
    state: &AppState,
    jar: CookieJar,
    provider: &ProviderConfig,
    identity: &verify::Identity,
    email: &charge_model::account::Email,
    existing: accounts::Credentials,
) -> ApiResult<(CookieJar, Redirect)> {
    let now = state.clock.unix();
    let (provider_id, subject, address) = (provider.id.clone(), identity.subject.clone(), email.to_string());
    let user_id = existing.id;
    let secret = state
        .db
        .run(move |conn| store::insert_pending(conn, user_id, &provider_id, &subject, &address, now))
        .await?;
    let link = format!("{}/login?link={secret}", state.config.public_url());
    let mail = mail::link_provider(email.as_str(), existing.language, &provider.name, link);
    state.mailer.send(&state.db, &state.clock, mail).await?;
    let cookie = Cookie::build((PENDING_COOKIE, secret))
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(cookie::time::Duration::seconds(store::PENDING_TTL_SECS))
        .build();
    let to = format!(
        "/login?oidc_link={}&email={}",
        percent_encoding::utf8_percent_encode(&provider.name, percent_encoding::NON_ALPHANUMERIC),
        percent_encoding::utf8_percent_encode(email.as_str(), percent_encoding::NON_ALPHANUMERIC)
    );
    Ok((jar.add(cookie), Redirect::to(&to)))
}

/// After a password login: links the identity waiting in this browser, if it is this
/// account's; the cookie is removed either way.
pub async fn complete_after_login(state: &AppState, jar: CookieJar, user_id: i64) -> ApiResult<CookieJar> {
    let Some(secret) = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned()) else { return Ok(jar) };
    let now = state.clock.unix();
    state.db.run(move |conn| store::complete_pending(conn, &secret, Some(user_id), now)).await?;
    Ok(jar.add(
        Cookie::build((PENDING_COOKIE, "")).path("/api/auth").max_age(cookie::time::Duration::ZERO).build(),
    ))
}

/// Follows the emailed link that links a provider to an existing account: the link proves
/// the address (it is confirmed, if it was not), and the user is signed in.
#[utoipa::path(post, path = "/api/auth/oidc/confirm-link", tag = "auth",
    request_body = ConfirmLinkRequest,
    responses(
        (status = 200, description = "Linked and signed in; the session cookie is set", body = Account),
        (status = 400, description = "Unknown, used or expired link", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn confirm_link(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientIp,
    ApiJson(request): ApiJson<ConfirmLinkRequest>,
) -> ApiResult<(CookieJar, ApiJson<Account>)> {
    if request.token.trim().is_empty() {
        return Err(ApiError::field("token", charge_model::Problem::Required));
    }
    let now = state.clock.unix();
    let user_id = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let user_id =
                store::complete_pending(&tx, &request.token, None, now)?.ok_or(ApiError::InvalidToken)?;
            accounts::mark_confirmed(&tx, user_id, now)?;
            tx.commit()?;
            Ok(user_id)
        })
        .await?;
    let cookie = session::start(&state, user_id, session::Origin::of(&headers, client)).await?;
    let account = state.db.run(move |conn| accounts::account(conn, user_id)).await?;
    Ok((jar.add(cookie), ApiJson(account)))
}

/// The providers linked to the logged-in account, and whether it has a password.
#[utoipa::path(get, path = "/api/account/identities", tag = "account",
    responses((status = 200, body = Identities)))]
pub async fn identities(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Identities>> {
    let (has_password, rows) = state
        .db
        .run(move |conn| Ok((store::has_password(conn, user.id)?, store::identities(conn, user.id)?)))
        .await?;
    let identities = rows
        .into_iter()
        .map(|(provider, email, linked_at)| LinkedIdentity {
            name: state.oidc.get(&provider).map_or_else(|| provider.clone(), |p| p.name.clone()),
            provider,
            email,
            linked_at,
        })
        .collect();
    Ok(ApiJson(Identities { has_password, identities }))
}

/// Unlinks a provider from the logged-in account, unless it is the account's only way in
/// (no password and no other provider).
#[utoipa::path(delete, path = "/api/account/identities/{provider}", tag = "account",
    params(("provider" = String, Path, description = "The provider's id")),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, description = "No such provider linked", body = ErrorBody),
        (status = 409, description = "The account's only way in (`last_way_in`)", body = ErrorBody),
    ))]
pub async fn unlink(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(provider): ApiPath<String>,
) -> ApiResult<StatusCode> {
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let others = store::identities(&tx, user.id)?.iter().filter(|(p, _, _)| *p != provider).count();
            if !store::unlink(&tx, user.id, &provider)? {
                return Err(ApiError::NotFound(Reason::NoSuchResource));
            }
            if others == 0 && !store::has_password(&tx, user.id)? {
                return Err(ApiError::Conflict(Reason::LastWayIn));
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Back to the login page (the profile when linking) with the failure's code.
fn failed(failure: OidcFailure, linking: bool) -> Redirect {
    let page = if linking { "/profile" } else { "/login" };
    Redirect::to(&format!("{page}?oidc_error={}", failure.code()))
}

fn browser_cookie(state: &AppState, value: String) -> Cookie<'static> {
    // A provider that posts its answer (form_post) is a cross-site POST, which carries only
    // `SameSite=None` cookies, and those must be `Secure`: that needs HTTPS.
    let same_site = if state.config.secure_cookies() { SameSite::None } else { SameSite::Lax };
    Cookie::build((BROWSER_COOKIE, value))
        .path("/api/auth/oidc")
        .http_only(true)
        .same_site(same_site)
        .secure(state.config.secure_cookies())
        .max_age(cookie::time::Duration::seconds(store::FLOW_TTL_SECS))
        .build()
}

/// The language of a new account: Spanish when the browser prefers it, else English.
fn accept_language(headers: &HeaderMap) -> Language {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';', '-']).next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    Language::from_tag(&first).unwrap_or_default()
}
