//! Support requests: validated, emailed to the support address with the account and the
//! charger attached, copied to the user in their language, limited per account.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app, spawn_app_with};

const SUPPORT: &str = "support@charge-portal.local";

async fn send(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/api/support", body).await
}

fn subjects(mails: &[Value]) -> Vec<&str> {
    mails.iter().map(|m| m["subject"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_request_reaches_support_with_the_account_and_charger_and_the_user_gets_a_copy() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;

    let response = send(
        &app,
        json!({"subject": "Slider does not move", "message": "I move it and\nnothing happens.", "charger": id}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap());

    let to_support = app.outbox(SUPPORT).await;
    assert_eq!(subjects(&to_support), ["[Support] Slider does not move"]);
    let body = to_support[0]["body"].as_str().unwrap();
    let user_id = app.user_id("ana@example.com");
    for expected in [
        "I move it and\nnothing happens.".to_owned(),
        format!("ID: {user_id}"),
        "Email: ana@example.com".to_owned(),
        "Name: Test User".to_owned(),
        "Language: en".to_owned(),
        format!("ID: {id}"),
        "Name: Garage".to_owned(),
        "Model: Trydan".to_owned(),
        "Online: yes".to_owned(),
        "Link: simulated".to_owned(),
        "User's role: owner".to_owned(),
    ] {
        assert!(body.contains(&expected), "{expected:?} missing from:\n{body}");
    }
    let firmware = app.detail(&id).await["summary"]["status"]["firmware"].as_str().unwrap().to_owned();
    assert!(!firmware.is_empty());
    assert!(body.contains(&format!("Firmware: {firmware}")), "{body}");

    let copy = app.outbox("ana@example.com").await;
    assert_eq!(subjects(&copy)[0], "We have your support request: Slider does not move");
    let copy_body = copy[0]["body"].as_str().unwrap();
    assert!(copy_body.contains(&format!("Charger: Garage ({id})")), "{copy_body}");
    assert!(copy_body.contains("nothing happens."), "{copy_body}");
}

#[tokio::test]
async fn without_a_charger_the_request_says_so_and_the_copy_is_in_the_users_language() {
    let app = spawn_app().await;
    app.logged_in_user("eva@example.com").await;
    let profile = json!({"name": "Eva", "language": "es"});
    assert_eq!(app.put("/api/account", profile).await.status(), StatusCode::OK);
    // The offline state of a charger is reported too; this request names none.
    let response =
        send(&app, json!({"subject": "Factura", "message": "¿Dónde está mi factura?", "charger": ""})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let body = app.outbox(SUPPORT).await[0]["body"].as_str().unwrap().to_owned();
    assert!(body.contains("Charger: none chosen") && body.contains("Language: es"), "{body}");
    let copy = &app.outbox("eva@example.com").await[0];
    assert_eq!(copy["subject"], "Hemos recibido tu solicitud de soporte: Factura");
    assert!(copy["body"].as_str().unwrap().contains("Cargador: ninguno"));
}

#[tokio::test]
async fn an_offline_charger_shared_with_the_user_is_described_as_it_is() {
    let app = spawn_app().await;
    app.logged_in_user("owner@example.com").await;
    let id = app.paired("pole_pro", "Street").await;
    let viewer = app.other_user("zoe@example.com").await;
    app.share_accepted(&id, &viewer, "zoe@example.com", "viewer").await;
    let cut = app.post(&format!("/api/dev/chargers/{id}/connection"), json!({"online": false})).await;
    assert_eq!(cut.status(), StatusCode::NO_CONTENT);

    let body = json!({"subject": "Offline", "message": "It shows offline since noon.", "charger": id});
    let response = viewer.post(app.url("/api/support")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let mail = app.outbox(SUPPORT).await[0]["body"].as_str().unwrap().to_owned();
    assert!(mail.contains("Email: zoe@example.com"), "{mail}");
    assert!(mail.contains("Model: Pole Pro") && mail.contains("Online: no"), "{mail}");
    assert!(mail.contains("User's role: viewer"), "{mail}");
}

#[tokio::test]
async fn invalid_fields_are_named_and_nothing_is_sent() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;

    let (status, body) =
        error_of(send(&app, json!({"subject": " ", "message": "short", "charger": "not an id"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation");
    assert_eq!(body["fields"]["subject"]["problem"], "required");
    assert_eq!(body["fields"]["message"]["problem"], "too_short");
    assert_eq!(body["fields"]["message"]["min"], 10.0);
    assert_eq!(body["fields"]["charger"]["problem"], "invalid_charger_id");

    let (status, body) =
        error_of(send(&app, json!({"subject": "s".repeat(121), "message": "x".repeat(5001)})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["subject"]["problem"], "too_long");
    assert_eq!(body["fields"]["message"]["problem"], "too_long");

    assert!(app.outbox(SUPPORT).await.is_empty());
}

#[tokio::test]
async fn another_users_charger_is_not_found_and_nothing_is_sent() {
    let app = spawn_app().await;
    app.logged_in_user("owner@example.com").await;
    let id = app.paired("trydan", "Mine").await;
    let stranger = app.other_user("mallory@example.com").await;

    let body = json!({"subject": "Whose?", "message": "Tell me about this charger.", "charger": id});
    let (status, error) =
        error_of(stranger.post(app.url("/api/support")).json(&body).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["reason"], "no_such_charger");
    // An ID nobody has paired is refused alike.
    let unpaired = app.unpaired("trydan").await;
    let body = json!({"subject": "Whose?", "message": "Tell me about this charger.", "charger": unpaired});
    let (status, _) =
        error_of(stranger.post(app.url("/api/support")).json(&body).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    assert!(app.outbox(SUPPORT).await.is_empty());
    assert!(
        app.outbox("mallory@example.com")
            .await
            .iter()
            .all(|m| m["subject"] != "We have your support request: Whose?")
    );
}

#[tokio::test]
async fn an_account_may_send_five_requests_an_hour() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let request =
        |n: usize| json!({"subject": format!("Question {n}"), "message": "A question about charging."});
    for n in 1..=5 {
        assert_eq!(send(&app, request(n)).await.status(), StatusCode::NO_CONTENT, "request {n}");
    }
    let refused = send(&app, request(6)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    assert_eq!(error_of(refused).await.1["code"], "too_many_requests");

    // Another account has its own budget; the support address takes every request.
    let other = app.other_user("bea@example.com").await;
    let sent = other.post(app.url("/api/support")).json(&request(7)).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.outbox(SUPPORT).await.len(), 6);
}

#[tokio::test]
async fn the_support_address_is_configurable_and_logging_in_is_needed() {
    let app = spawn_app_with(|config| config.support_email = "help@example.org".to_owned()).await;
    let (status, _) =
        error_of(send(&app, json!({"subject": "Hi", "message": "Anybody there at all?"})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    app.logged_in_user("ana@example.com").await;
    assert_eq!(
        send(&app, json!({"subject": "Hi", "message": "Anybody there at all?"})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.outbox("help@example.org").await.len(), 1);
    assert!(app.outbox(SUPPORT).await.is_empty());
}
