//! Sharing: shares by email, invitations, roles, leaving, and what each role sees.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, new_client, spawn_app};

async fn share(app: &TestApp, id: &str, email: &str, role: &str) -> reqwest::Response {
    app.post(&format!("/api/chargers/{id}/shares"), json!({"email": email, "role": role})).await
}

async fn list_of(client: &reqwest::Client, app: &TestApp) -> Vec<Value> {
    client.get(app.url("/api/chargers")).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_share_with_an_account_takes_effect_at_once_with_its_role() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea = app.other_user("bea@example.com").await;
    assert!(list_of(&bea, &app).await.is_empty());

    let response = share(&app, &id, "Bea@Example.com", "editor").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sharing: Value = response.json().await.unwrap();
    assert_eq!(sharing["shares"][0]["email"], "bea@example.com");
    assert_eq!(sharing["shares"][0]["role"], "editor");
    assert_eq!(sharing["invitations"], json!([]));

    let listed = list_of(&bea, &app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["role"], "editor");
    assert_eq!(listed[0]["shared_by"], "Test User");
    let mail = &app.outbox("bea@example.com").await[0];
    assert!(mail["subject"].as_str().unwrap().contains("shared the charger Garage"), "{mail}");
}

#[tokio::test]
async fn an_address_without_an_account_is_invited_until_it_confirms() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let sharing: Value = share(&app, &id, "carla@example.com", "viewer").await.json().await.unwrap();
    assert_eq!(sharing["shares"], json!([]));
    assert_eq!(sharing["invitations"][0]["email"], "carla@example.com");
    assert_eq!(sharing["invitations"][0]["role"], "viewer");
    assert_eq!(app.outbox("carla@example.com").await.len(), 1, "the invitation is emailed");

    // Registering is not enough: the address must be confirmed.
    assert_eq!(
        app.register("carla@example.com", crate::helpers::PASSWORD).await.status(),
        StatusCode::CREATED
    );
    let pending: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(pending["invitations"].as_array().unwrap().len(), 1);
    let token = app.emailed_token("carla@example.com", "confirm").await;
    app.post("/api/auth/confirm", json!({ "token": token })).await;

    let now: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(now["invitations"], json!([]));
    assert_eq!(now["shares"][0]["email"], "carla@example.com");
    assert_eq!(now["shares"][0]["role"], "viewer");
}

#[tokio::test]
async fn bad_shares_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    app.confirmed_user("bea@example.com").await;
    assert_eq!(share(&app, &id, "bea@example.com", "viewer").await.status(), StatusCode::CREATED);
    let before: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();

    let cases = [
        (
            json!({"email": "not an address", "role": "viewer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
            "invalid_email",
        ),
        (
            json!({"email": "zoe@example.com", "role": "owner"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role",
            "other",
        ),
        (
            json!({"email": "zoe@example.com", "role": "admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role",
            "other",
        ),
        (
            json!({"email": "ana@example.com", "role": "viewer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
            "own_charger",
        ),
        (
            json!({"email": "BEA@example.com", "role": "editor"}),
            StatusCode::CONFLICT,
            "email",
            "already_shared",
        ),
    ];
    for (body, status, field, problem) in cases {
        let (got, error) =
            error_of(app.post(&format!("/api/chargers/{id}/shares"), body.clone()).await).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(error["fields"][field]["problem"], problem, "{body}: {error}");
    }
    share(&app, &id, "dan@example.com", "viewer").await;
    let (status, error) = error_of(share(&app, &id, "dan@example.com", "editor").await).await;
    assert_eq!(status, StatusCode::CONFLICT, "an invitation is a share too");
    assert_eq!(error["fields"]["email"]["problem"], "already_shared");

    let bea = app.user_id("bea@example.com");
    let (status, _) =
        error_of(app.put(&format!("/api/chargers/{id}/shares/{bea}"), json!({"role": "owner"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let after: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(after["shares"], before["shares"], "nothing changed");
}

#[tokio::test]
async fn the_owner_changes_roles_and_removes_people_and_a_shared_user_can_leave() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea = app.other_user("bea@example.com").await;
    let carl = app.other_user("carl@example.com").await;
    share(&app, &id, "bea@example.com", "editor").await;
    share(&app, &id, "carl@example.com", "viewer").await;
    let (bea_id, carl_id) = (app.user_id("bea@example.com"), app.user_id("carl@example.com"));

    let lock = |client: &reqwest::Client| {
        client.put(app.url(&format!("/api/chargers/{id}/lock"))).json(&json!({"locked": true})).send()
    };
    assert_eq!(lock(&bea).await.unwrap().status(), StatusCode::OK);
    let changed = app.put(&format!("/api/chargers/{id}/shares/{bea_id}"), json!({"role": "viewer"})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let (status, error) = error_of(lock(&bea).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error["message"].as_str().unwrap().contains("editor or owner"), "{error}");

    let removed = app.delete(&format!("/api/chargers/{id}/shares/{bea_id}")).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert!(list_of(&bea, &app).await.is_empty());
    let gone = bea.get(app.url(&format!("/api/chargers/{id}"))).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    // A shared user may remove only themself.
    let (status, _) =
        error_of(carl.delete(app.url(&format!("/api/chargers/{id}/shares/{bea_id}"))).send().await.unwrap())
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let left = carl.delete(app.url(&format!("/api/chargers/{id}/shares/{carl_id}"))).send().await.unwrap();
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    assert!(list_of(&carl, &app).await.is_empty());

    // The owner cannot leave: there is exactly one.
    let ana_id = app.user_id("ana@example.com");
    let (status, _) = error_of(app.delete(&format!("/api/chargers/{id}/shares/{ana_id}")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.detail(&id).await["summary"]["role"], "owner");
}

#[tokio::test]
async fn invitations_can_be_changed_and_revoked_and_releasing_the_charger_drops_them() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let sharing: Value = share(&app, &id, "dan@example.com", "viewer").await.json().await.unwrap();
    let invitation = sharing["invitations"][0]["id"].as_i64().unwrap();
    let changed: Value = app
        .put(&format!("/api/chargers/{id}/invitations/{invitation}"), json!({"role": "editor"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["invitations"][0]["role"], "editor");
    let revoked = app.delete(&format!("/api/chargers/{id}/invitations/{invitation}")).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let (status, _) =
        error_of(app.delete(&format!("/api/chargers/{id}/invitations/{invitation}")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    share(&app, &id, "erin@example.com", "viewer").await;
    app.confirmed_user("fay@example.com").await;
    share(&app, &id, "fay@example.com", "viewer").await;
    assert_eq!(app.delete(&format!("/api/chargers/{id}")).await.status(), StatusCode::NO_CONTENT);
    let left: (i64, i64) = app.query(
        &format!("SELECT (SELECT COUNT(*) FROM shares WHERE charger_id = '{id}'), (SELECT COUNT(*) FROM invitations WHERE charger_id = '{id}')"),
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(left, (0, 0));
    // Erin registering later gets nothing.
    app.confirmed_user("erin@example.com").await;
    let erin = new_client();
    erin.post(app.url("/api/auth/login"))
        .json(&json!({"email": "erin@example.com", "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(list_of(&erin, &app).await.is_empty());
}
