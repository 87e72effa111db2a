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

async fn invitations_of(client: &reqwest::Client, app: &TestApp) -> Vec<Value> {
    client.get(app.url("/api/invitations")).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_share_takes_effect_when_the_invited_person_accepts_it() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea = app.other_user("bea@example.com").await;
    assert!(list_of(&bea, &app).await.is_empty());

    let response = share(&app, &id, "Bea@Example.com", "editor").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sharing: Value = response.json().await.unwrap();
    assert_eq!(sharing["shares"], json!([]), "nothing is shared before Bea accepts");
    assert_eq!(sharing["invitations"][0]["email"], "bea@example.com");
    assert_eq!(sharing["invitations"][0]["role"], "editor");
    assert!(list_of(&bea, &app).await.is_empty());
    let mail = &app.outbox("bea@example.com").await[0];
    assert!(mail["subject"].as_str().unwrap().contains("invites you to share the charger Garage"), "{mail}");

    let invitations = invitations_of(&bea, &app).await;
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0]["charger_id"], id.as_str());
    assert_eq!(invitations[0]["charger_name"], "Garage");
    assert_eq!(invitations[0]["owner"], "Test User");
    assert_eq!(invitations[0]["role"], "editor");
    let accept = app.url(&format!("/api/invitations/{}/accept", invitations[0]["id"]));
    assert_eq!(bea.post(accept).send().await.unwrap().status(), StatusCode::NO_CONTENT);

    let listed = list_of(&bea, &app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["role"], "editor");
    assert_eq!(listed[0]["shared_by"], "Test User");
    assert!(invitations_of(&bea, &app).await.is_empty());
    let now: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(now["invitations"], json!([]));
    assert_eq!(now["shares"][0]["email"], "bea@example.com");
    assert_eq!(now["shares"][0]["name"], "Test User");
}

#[tokio::test]
async fn sharing_reveals_nothing_about_the_address() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    app.confirmed_user("bea@example.com").await;
    app.query("UPDATE users SET name = 'Beatriz Secret' WHERE email = 'bea@example.com' RETURNING id", |r| {
        r.get::<_, i64>(0)
    });

    let with_account = share(&app, &id, "bea@example.com", "viewer").await;
    let without_account = share(&app, &id, "nobody@example.com", "viewer").await;
    assert_eq!(with_account.status(), without_account.status());
    let with_account = with_account.text().await.unwrap();
    let without_account: Value = without_account.json().await.unwrap();
    assert!(!with_account.contains("Beatriz"), "{with_account}");
    // Both are pending invitations, listed alike.
    assert_eq!(without_account["shares"], json!([]));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let invitations = without_account["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 2);
    assert_eq!(keys(&invitations[0]), keys(&invitations[1]));
}

#[tokio::test]
async fn only_the_invited_address_can_accept_and_declining_shares_nothing() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea = app.other_user("bea@example.com").await;
    let mallory = app.other_user("mallory@example.com").await;
    share(&app, &id, "bea@example.com", "editor").await;
    let invitation = invitations_of(&bea, &app).await[0]["id"].as_i64().unwrap();

    assert!(invitations_of(&mallory, &app).await.is_empty());
    for response in [
        mallory.post(app.url(&format!("/api/invitations/{invitation}/accept"))).send().await.unwrap(),
        mallory.delete(app.url(&format!("/api/invitations/{invitation}"))).send().await.unwrap(),
        app.client.post(app.url(&format!("/api/invitations/{invitation}/accept"))).send().await.unwrap(),
        new_client().post(app.url(&format!("/api/invitations/{invitation}/accept"))).send().await.unwrap(),
    ] {
        assert!([StatusCode::NOT_FOUND, StatusCode::UNAUTHORIZED].contains(&response.status()));
    }
    assert!(list_of(&mallory, &app).await.is_empty());

    let declined = bea.delete(app.url(&format!("/api/invitations/{invitation}"))).send().await.unwrap();
    assert_eq!(declined.status(), StatusCode::NO_CONTENT);
    assert!(list_of(&bea, &app).await.is_empty());
    let sharing: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(sharing, json!({"shares": [], "invitations": []}));
}

#[tokio::test]
async fn registering_an_invited_address_first_does_not_capture_the_share() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    share(&app, &id, "carla@example.com", "viewer").await;

    // Someone registers Carla's address: they cannot confirm it without her mailbox, and
    // confirming (Carla herself) shares nothing until she accepts.
    let carla = app.other_user("carla@example.com").await;
    assert!(list_of(&carla, &app).await.is_empty());
    let pending: Value = app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
    assert_eq!(pending["invitations"].as_array().unwrap().len(), 1);
    app.accept_invitation(&carla, &id).await;
    assert_eq!(list_of(&carla, &app).await.len(), 1);
}

#[tokio::test]
async fn an_owner_cannot_send_invitations_without_end() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    for n in 0..30 {
        assert_eq!(
            share(&app, &id, &format!("p{n}@example.com"), "viewer").await.status(),
            StatusCode::CREATED
        );
    }
    let (status, error) = error_of(share(&app, &id, "p30@example.com", "viewer").await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["code"], "too_many_requests");
}

#[tokio::test]
async fn bad_shares_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea_client = app.other_user("bea@example.com").await;
    app.share_accepted(&id, &bea_client, "bea@example.com", "viewer").await;
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
            "owner_role",
        ),
        (
            json!({"email": "zoe@example.com", "role": "admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role",
            "invalid_value",
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
    app.share_accepted(&id, &bea, "bea@example.com", "editor").await;
    app.share_accepted(&id, &carl, "carl@example.com", "viewer").await;
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
