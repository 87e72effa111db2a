//! Forgotten passwords: emailed single-use links that expire.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};

const NEW_PASSWORD: &str = "a brand new secret";

async fn reset_token(app: &TestApp, email: &str) -> String {
    let response = app.post("/api/auth/forgot-password", json!({ "email": email })).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    app.emailed_token(email, "reset-password").await
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let token = reset_token(&app, "ana@example.com").await;

    let reset = app.post("/api/auth/reset-password", json!({"token": token, "password": NEW_PASSWORD})).await;

    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ana@example.com", NEW_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reset_link_works_once() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let token = reset_token(&app, "ana@example.com").await;
    app.post("/api/auth/reset-password", json!({"token": token, "password": NEW_PASSWORD})).await;

    let again =
        app.post("/api/auth/reset-password", json!({"token": token, "password": "yet another one"})).await;

    let (status, body) = error_of(again).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_token");
    assert_eq!(app.login("ana@example.com", NEW_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let token = reset_token(&app, "ana@example.com").await;
    app.state.clock.advance(Duration::minutes(61));

    let late = app.post("/api/auth/reset-password", json!({"token": token, "password": NEW_PASSWORD})).await;

    assert_eq!(error_of(late).await.1["code"], "invalid_token");
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn using_one_reset_link_voids_the_older_ones() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let first = reset_token(&app, "ana@example.com").await;
    let second = reset_token(&app, "ana@example.com").await;
    assert_ne!(first, second);
    app.post("/api/auth/reset-password", json!({"token": second, "password": NEW_PASSWORD})).await;

    let old =
        app.post("/api/auth/reset-password", json!({"token": first, "password": "yet another one"})).await;

    assert_eq!(old.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_too_short_new_password_is_refused_and_the_link_stays_usable() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let token = reset_token(&app, "ana@example.com").await;

    let (status, body) =
        error_of(app.post("/api/auth/reset-password", json!({"token": token, "password": "short"})).await)
            .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["password"]["problem"], "too_short");
    let retry = app.post("/api/auth/reset-password", json!({"token": token, "password": NEW_PASSWORD})).await;
    assert_eq!(retry.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn resetting_ends_every_session() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let token = reset_token(&app, "ana@example.com").await;

    new_client()
        .post(app.url("/api/auth/reset-password"))
        .json(&json!({"token": token, "password": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();

    assert_eq!(app.get("/api/account").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn resetting_confirms_an_unconfirmed_address() {
    let app = spawn_app().await;
    app.register("ana@example.com", PASSWORD).await;
    let token = reset_token(&app, "ana@example.com").await;
    app.post("/api/auth/reset-password", json!({"token": token, "password": NEW_PASSWORD})).await;
    assert_eq!(app.login("ana@example.com", NEW_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_email() {
    let app = spawn_app().await;
    let response = app.post("/api/auth/forgot-password", json!({"email": "nobody@example.com"})).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(app.outbox("nobody@example.com").await.is_empty());
}

#[tokio::test]
async fn a_malformed_address_is_a_field_error() {
    let app = spawn_app().await;
    let (status, body) =
        error_of(app.post("/api/auth/forgot-password", json!({"email": "nope"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["email"]["problem"], "invalid_email");
}
