//! Every bad request gets a 4xx with the one JSON error shape, never a 500.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, spawn_app};

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_a_bad_request() {
    let app = spawn_app().await;
    for body in [json!([1, 2]), json!("text"), json!(null)] {
        let (status, error) = error_of(app.post("/api/auth/login", body.clone()).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["code"], "bad_request");
    }
}

#[tokio::test]
async fn a_body_without_json_content_type_is_refused() {
    let app = spawn_app().await;
    let response = app.client.post(app.url("/api/auth/login")).body("{}").send().await.unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["code"], "bad_request");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let huge = json!({"email": "ana@example.com", "password": "x".repeat(100 * 1024)});
    let (status, body) = error_of(app.post("/api/auth/register", huge).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "payload_too_large");
}

#[tokio::test]
async fn unknown_endpoints_and_methods_answer_in_the_error_shape() {
    let app = spawn_app().await;
    let (status, body) = error_of(app.get("/api/no-such-thing").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["reason"], "no_such_endpoint");

    let (status, body) = error_of(app.get("/api/auth/login").await).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn validation_errors_have_a_stable_shape() {
    let app = spawn_app().await;
    let (_, body) = error_of(app.post("/api/auth/login", json!({"email": "x", "password": ""})).await).await;
    assert_eq!(
        body,
        json!({
            "code": "validation",
            "message": "Some fields are not valid.",
            "fields": {
                "email": {"problem": "invalid_email", "message": "Enter a valid email address, like name@example.com."},
                "password": {"problem": "required", "message": "This field is required."}
            }
        })
    );
}

#[tokio::test]
async fn a_repeated_query_parameter_gets_the_json_error_shape() {
    let app = spawn_app().await;
    let (status, body) = error_of(app.get("/api/dev/outbox?to=a@x.es&to=b@x.es").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
}
