//! The logged-in user's profile, password and account deletion.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};

fn full_profile() -> Value {
    json!({
        "name": "Ana García",
        "vehicle_make": "Kia",
        "vehicle_model": "EV6",
        "battery_kwh": 77.4,
        "language": "es"
    })
}

#[tokio::test]
async fn a_profile_update_is_stored() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let response = app.client.put(app.url("/api/account")).json(&full_profile()).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let account: Value = app.get("/api/account").await.json().await.unwrap();
    for (key, value) in full_profile().as_object().unwrap() {
        assert_eq!(&account["profile"][key], value, "{key}");
    }
    assert_eq!(account["email"], "ana@example.com");
}

#[tokio::test]
async fn an_invalid_profile_changes_nothing() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let before: Value = app.get("/api/account").await.json().await.unwrap();
    let cases = [
        ("battery_kwh", json!(0.5), "out_of_range"),
        ("battery_kwh", json!(301), "out_of_range"),
        ("battery_kwh", json!("big"), "invalid_value"),
        ("name", json!("n".repeat(81)), "too_long"),
        ("vehicle_model", json!("m".repeat(61)), "too_long"),
    ];
    for (field, value, problem) in cases {
        let mut body = full_profile();
        body[field] = value;
        let response = app.client.put(app.url("/api/account")).json(&body).send().await.unwrap();
        let (status, error) = error_of(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(error["fields"][field]["problem"], problem, "{field}: {error}");
    }
    let after: Value = app.get("/api/account").await.json().await.unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_profile_needs_a_session() {
    let app = spawn_app().await;
    let response = app.client.put(app.url("/api/account")).json(&full_profile()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let body = json!({"current_password": "not my password", "new_password": "a new password"});
    let (status, error) = error_of(app.post("/api/account/password", body).await).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["current_password"]["problem"], "wrong_password");
    assert_eq!(
        new_client()
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "ana@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let other = new_client();
    let login = json!({"email": "ana@example.com", "password": PASSWORD});
    other.post(app.url("/api/auth/login")).json(&login).send().await.unwrap();

    let body = json!({"current_password": PASSWORD, "new_password": "a new password"});
    assert_eq!(app.post("/api/account/password", body).await.status(), StatusCode::NO_CONTENT);

    assert_eq!(app.get("/api/account").await.status(), StatusCode::OK);
    assert_eq!(other.get(app.url("/api/account")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ana@example.com", "a new password").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_new_password_is_validated() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    for (new, problem) in [("short", "too_short"), (PASSWORD, "same_as_current")] {
        let body = json!({"current_password": PASSWORD, "new_password": new});
        let (status, error) = error_of(app.post("/api/account/password", body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["fields"]["new_password"]["problem"], problem);
    }
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let guess = json!({"current_password": "guess guess", "new_password": "a new password"});
    for _ in 0..5 {
        assert_eq!(
            app.post("/api/account/password", guess.clone()).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(app.post("/api/account/password", guess).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_removes_everything() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let wrong =
        app.client.delete(app.url("/api/account")).json(&json!({"password": "nope nope"})).send().await;
    let (status, error) = error_of(wrong.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["password"]["problem"], "wrong_password");
    assert_eq!(app.get("/api/account").await.status(), StatusCode::OK, "nothing deleted");

    let deleted =
        app.client.delete(app.url("/api/account")).json(&json!({"password": PASSWORD})).send().await;
    assert_eq!(deleted.unwrap().status(), StatusCode::NO_CONTENT);

    assert_eq!(app.get("/api/account").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    for table in ["users", "sessions", "email_tokens", "outbox"] {
        let rows: i64 = app.query(&format!("SELECT COUNT(*) FROM {table}"), |r| r.get(0));
        assert_eq!(rows, 0, "{table}");
    }
    assert_eq!(
        app.register("ana@example.com", PASSWORD).await.status(),
        StatusCode::CREATED,
        "the address is free"
    );
}
