//! Serving the portal: fallback to index.html, caching, compression, security headers, OpenAPI.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn logged_out_pages_get_the_small_public_bundle() {
    let app = spawn_app().await;
    for path in [
        "/login",
        "/register",
        "/check-email?email=a%40b.es",
        "/confirm?token=x",
        "/forgot-password",
        "/reset-password?token=x",
    ] {
        let response = no_redirects().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(response.text().await.unwrap().contains("public bundle"), "{path}");
    }
}

#[tokio::test]
async fn app_pages_without_a_session_cookie_go_straight_to_login() {
    let app = spawn_app().await;
    let cases = [
        ("/", "/login"),
        ("/profile", "/login?next=%2Fprofile"),
        ("/chargers/7?tab=a", "/login?next=%2Fchargers%2F7%3Ftab%3Da"),
    ];
    for (path, login) in cases {
        let response = no_redirects().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], login, "{path}");
    }
}

#[tokio::test]
async fn app_pages_with_a_session_cookie_get_the_app_bundle() {
    let app = spawn_app().await;
    for path in ["/", "/profile", "/chargers/7"] {
        // The app itself checks whether the session is still valid.
        let response =
            no_redirects().get(app.url(path)).header("cookie", "cp_session=anything").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("/app-0123456789abcdef.js") && !body.contains("public bundle"), "{path}");
    }
}

#[tokio::test]
async fn assets_are_not_redirected() {
    let app = spawn_app().await;
    assert_eq!(no_redirects().get(app.url("/config.json")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        no_redirects().get(app.url("/app-0123456789abcdef.js")).send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_compressed() {
    let app = spawn_app().await;
    for (encoding, expected) in [("br", "br"), ("gzip", "gzip")] {
        let response = app
            .client
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(response.headers()["content-encoding"], expected);
    }
}

#[tokio::test]
async fn security_headers_are_sent_and_the_loader_script_is_allowed_by_hash() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 2, "both bundles' loaders: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn precompressed_files_are_sent_as_they_are() {
    let app = spawn_app().await;
    let dist = &app.state.config.dist;
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), b"already brotli").unwrap();

    let response = app
        .client
        .get(app.url("/app-0123456789abcdef.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "text/javascript");
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"already brotli");
}

#[tokio::test]
async fn api_answers_are_not_cached() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/account").await.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn the_openapi_document_describes_the_contract() {
    let app = spawn_app().await;
    let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/auth/register", "/api/auth/login", "/api/auth/reset-password", "/api/account"] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
    assert!(spec["paths"]["/api/account"]["delete"].is_object());
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
    assert!(spec["components"]["schemas"]["RegisterRequest"]["properties"]["email"].is_object());
}

#[tokio::test]
async fn dev_endpoints_can_be_turned_off() {
    let app = crate::helpers::spawn_app_with(|config| config.dev_endpoints = Some(false)).await;
    assert_eq!(app.get("/api/dev/outbox").await.status(), StatusCode::NOT_FOUND);
    let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/api/dev/outbox"].is_null());
}
