//! Serving the portal's files: its two bundles, SPA fallback, cache lifetimes, security headers.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use charge_model::pages::PublicPage;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest as _, Sha256};
use tower_http::services::{ServeDir, ServeFile};

/// The portal's files: the public bundle (`dist/public/`) for the logged-out pages
/// ([`PublicPage`]), so that the login page does not download the whole app; the app bundle for every
/// other page (client-side routes get `index.html` with status 200, so a reload works).
pub fn portal(dist: &Path) -> Router {
    let public_index = Some(dist.join("public/index.html"))
        .filter(|index| index.exists())
        .unwrap_or_else(|| dist.join("index.html"));
    // The build writes `.br` and `.gz` beside each file: sent as they are, they cost no
    // compression per request (the compression layer handles files without them).
    let file = |path: &Path| ServeFile::new(path).precompressed_br().precompressed_gzip();
    let mut router = Router::new();
    for page in PublicPage::ALL {
        router = router.route_service(page.path(), file(&public_index));
    }
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    router
        .fallback_service(files.fallback(file(&dist.join("index.html"))))
        .layer(middleware::from_fn(send_visitors_to_login))
}

/// A page of the app requested without any session cookie can only end on the login page:
/// redirect at once, before the browser downloads the app bundle to find that out.
/// (With a cookie, the app checks it and redirects itself if it has expired.)
async fn send_visitors_to_login(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_page = request.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.rsplit('/').next().unwrap_or_default().contains('.')
        && PublicPage::from_path(path).is_none();
    if !is_page || has_session_cookie(request.headers()) {
        return next.run(request).await;
    }
    let here = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let login = if here == "/" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", utf8_percent_encode(here, NON_ALPHANUMERIC))
    };
    Redirect::to(&login).into_response()
}

fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, _)| [crate::auth::session::COOKIE, crate::auth::session::SECURE_COOKIE].contains(&name))
}

/// Sets `Cache-Control`: a year for content-hashed assets, revalidation for the rest,
/// nothing stored for API answers.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let value = if path.starts_with("/api/") {
        "no-store"
    } else if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Trunk names built files `<name>-<16 hex digits>[_bg].<ext>`.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The Content-Security-Policy: only this origin's scripts (plus the inline loader Trunk
/// writes into `index.html`, allowed by its hash), wasm compilation, no framing.
/// An API on another origin (the `api_base` of `config.json`) is allowed as a connect source.
pub fn content_security_policy(dist: &Path) -> String {
    let pages: Vec<String> = ["index.html", "public/index.html"]
        .iter()
        .filter_map(|page| std::fs::read_to_string(dist.join(page)).ok())
        .collect();
    let api_origin = api_origin(dist);
    let hashes: String = pages
        .iter()
        .flat_map(|page| inline_scripts(page))
        .map(|script| {
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script)))
        })
        .collect();
    let connect = api_origin.map(|origin| format!(" {origin}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'{connect}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The origin of `api_base` in the portal's `config.json`, when it is an absolute URL.
fn api_origin(dist: &Path) -> Option<String> {
    let config = std::fs::read_to_string(dist.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_str(&config).ok()?;
    let base = config.get("api_base")?.as_str()?;
    let (scheme, rest) = base.split_once("://")?;
    let host = rest.split('/').next()?;
    Some(format!("{scheme}://{host}"))
}

/// The contents of the `<script>` elements of `html` that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/charge-portal-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/charge-portal-0123456789abcdef.js"));
        assert!(is_hashed_asset("/main-fedcba9876543210.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/config.json"));
        assert!(!is_hashed_asset("/images/trydan-front.webp"));
    }

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<script src="/a.js"></script><script type="module">boot()</script>"#;
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), vec!["boot()"]);
    }
}
