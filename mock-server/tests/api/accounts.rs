//! Registration, confirmation, login, sessions, logout.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, error_of, new_client, session_cookie, spawn_app};

#[tokio::test]
async fn register_creates_an_unconfirmed_account_and_emails_a_link() {
    let app = spawn_app().await;

    let response = app.register(" Ana@Example.com ", PASSWORD).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["email"], "ana@example.com");
    let mails = app.outbox("ana@example.com").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0]["link"].as_str().unwrap().starts_with("http://portal.test/confirm?token="));
    assert!(mails[0]["body"].as_str().unwrap().contains(mails[0]["link"].as_str().unwrap()));
    let confirmed: Option<i64> = app.query("SELECT confirmed_at FROM users", |r| r.get(0));
    assert_eq!(confirmed, None);
}

#[tokio::test]
async fn passwords_and_tokens_are_stored_hashed() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let stored: String = app.query("SELECT password_hash FROM users", |r| r.get(0));
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains(PASSWORD));
    let session: Vec<u8> = app.query("SELECT token_hash FROM sessions", |r| r.get(0));
    assert_eq!(session.len(), 32, "a SHA-256, not the token itself");
}

#[tokio::test]
async fn the_emails_language_follows_the_registration() {
    let app = spawn_app().await;
    let body = json!({"email": "eva@example.es", "password": PASSWORD, "language": "es"});
    assert_eq!(app.post("/api/auth/register", body).await.status(), StatusCode::CREATED);
    let mails = app.outbox("eva@example.es").await;
    assert_eq!(mails[0]["subject"], "Confirma tu correo de Charge Portal");
}

#[tokio::test]
async fn login_is_refused_until_the_email_is_confirmed() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;

    let (status, body) = error_of(app.login("ana@example.com", PASSWORD).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "email_not_confirmed");

    let token = app.emailed_token("ana@example.com", "confirm").await;
    let confirmed = app.post("/api/auth/confirm", json!({ "token": token })).await;
    assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_confirmation_link_works_once() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;
    let token = app.emailed_token("ana@example.com", "confirm").await;
    app.post("/api/auth/confirm", json!({ "token": token })).await;

    let (status, body) = error_of(app.post("/api/auth/confirm", json!({ "token": token })).await).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_token");
}

#[tokio::test]
async fn a_confirmation_link_expires_after_a_day() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;
    let token = app.emailed_token("ana@example.com", "confirm").await;
    app.state.clock.advance(Duration::hours(24) + Duration::seconds(1));

    let (status, body) = error_of(app.post("/api/auth/confirm", json!({ "token": token })).await).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_token");
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_unknown_confirmation_token_is_refused() {
    let app = spawn_app().await;
    let (status, body) = error_of(app.post("/api/auth/confirm", json!({"token": "made-up"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_token");
}

#[tokio::test]
async fn resending_the_confirmation_sends_a_new_working_link() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;

    let response = app.post("/api/auth/resend-confirmation", json!({"email": "ANA@example.com"})).await;

    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox("ana@example.com").await.len(), 2);
    let token = app.emailed_token("ana@example.com", "confirm").await;
    assert_eq!(
        app.post("/api/auth/confirm", json!({ "token": token })).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn resending_says_nothing_about_unknown_or_confirmed_addresses() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;

    for email in ["ana@example.com", "nobody@example.com"] {
        let response = app.post("/api/auth/resend-confirmation", json!({ "email": email })).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
    }
    assert_eq!(app.outbox("ana@example.com").await.len(), 1, "only the original email");
    assert!(app.outbox("nobody@example.com").await.is_empty());
}

#[tokio::test]
async fn registration_refuses_each_bad_field_and_creates_nothing() {
    let app = spawn_app().await;
    let cases = [
        (json!({"email": "", "password": PASSWORD}), "email", "required"),
        (json!({"email": "not-an-email", "password": PASSWORD}), "email", "invalid_email"),
        (json!({"email": "ana@example", "password": PASSWORD}), "email", "invalid_email"),
        (
            json!({"email": format!("{}@example.com", "a".repeat(250)), "password": PASSWORD}),
            "email",
            "too_long",
        ),
        (json!({"email": "ana@example.com", "password": ""}), "password", "required"),
        (json!({"email": "ana@example.com", "password": "short"}), "password", "too_short"),
        (json!({"email": "ana@example.com", "password": "x".repeat(129)}), "password", "too_long"),
        (
            json!({"email": "ana@example.com", "password": PASSWORD, "name": "n".repeat(81)}),
            "name",
            "too_long",
        ),
        (json!({"email": "ana@example.com", "password": 12345678}), "password", "invalid_value"),
        (json!({"password": PASSWORD}), "email", "required"),
        (
            json!({"email": "ana@example.com", "password": PASSWORD, "language": "klingon"}),
            "language",
            "invalid_value",
        ),
    ];
    for (body, field, problem) in cases {
        let (status, error) = error_of(app.post("/api/auth/register", body.clone()).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error["code"], "validation", "{body}");
        assert_eq!(error["fields"][field]["problem"], problem, "{body} -> {error}");
        assert!(error["fields"][field]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let users: i64 = app.query("SELECT COUNT(*) FROM users", |r| r.get(0));
    assert_eq!(users, 0);
    assert!(app.outbox("ana@example.com").await.is_empty());
}

#[tokio::test]
async fn bad_credentials_get_one_generic_message() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;

    let (wrong_status, wrong_password) = error_of(app.login("ana@example.com", "wrong password").await).await;
    let (unknown_status, unknown_email) = error_of(app.login("bob@example.com", PASSWORD).await).await;

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown_email, "the same answer reveals nothing");
    assert_eq!(wrong_password["code"], "invalid_credentials");
}

#[tokio::test]
async fn an_unconfirmed_account_with_a_wrong_password_looks_like_any_bad_login() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;
    let (status, body) = error_of(app.login("ana@example.com", "wrong password").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_credentials");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    for _ in 0..5 {
        assert_eq!(app.login("ana@example.com", "wrong password").await.status(), StatusCode::UNAUTHORIZED);
    }

    // Even the right password is refused while throttled.
    let response = app.login("ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (_, body) = error_of(response).await;
    assert_eq!(body["code"], "too_many_requests");

    // Other addresses are unaffected, and the block lifts when the window has passed.
    assert_eq!(app.login("bob@example.com", "whatever1").await.status(), StatusCode::UNAUTHORIZED);
    app.state.clock.advance(Duration::seconds(retry_after as i64 + 1));
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn login_sets_a_strict_httponly_expiring_cookie() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;

    let response = app.login("ana@example.com", PASSWORD).await;

    let cookie = session_cookie(&response);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(cookie.contains("Max-Age=86400"), "{cookie}");
    let account: serde_json::Value = response.json().await.unwrap();
    assert_eq!(account["email"], "ana@example.com");
    assert_eq!(account["profile"]["name"], "Test User");
}

#[tokio::test]
async fn the_session_identifies_the_user_until_logout() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let account: serde_json::Value = app.get("/api/account").await.json().await.unwrap();
    assert_eq!(account["email"], "ana@example.com");

    let logout = app.post("/api/auth/logout", json!({})).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(session_cookie(&logout).contains("Max-Age=0"));
    let (status, body) = error_of(app.get("/api/account").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
}

#[tokio::test]
async fn a_logged_out_token_no_longer_works_even_if_replayed() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let login = app.login("ana@example.com", PASSWORD).await;
    let cookie = session_cookie(&login);
    let pair = cookie.split(';').next().unwrap().to_owned();
    app.post("/api/auth/logout", json!({})).await;

    let replayed = new_client().get(app.url("/api/account")).header("cookie", pair).send().await.unwrap();

    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_expire() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    app.state.clock.advance(Duration::hours(24) + Duration::seconds(1));
    assert_eq!(app.get("/api/account").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_forged_cookie_is_not_a_session() {
    let app = spawn_app().await;
    let response =
        new_client().get(app.url("/api/account")).header("cookie", "cp_session=forged").send().await;
    assert_eq!(response.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_without_a_session_is_harmless() {
    let app = spawn_app().await;
    assert_eq!(app.post("/api/auth/logout", json!({})).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_session_endpoint_says_who_is_logged_in_without_an_error() {
    let app = spawn_app().await;
    let anonymous = app.get("/api/auth/session").await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    assert_eq!(anonymous.json::<serde_json::Value>().await.unwrap(), json!({"account": null}));

    app.logged_in_user("ana@example.com").await;
    let info: serde_json::Value = app.get("/api/auth/session").await.json().await.unwrap();
    assert_eq!(info["account"]["email"], "ana@example.com");
}
