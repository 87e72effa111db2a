//! Notifications: each event's trigger, the fan-out to the people a charger is shared with,
//! the choice of kinds and channels, the emails' rate limit and unsubscribe link, and the
//! unread count pushed on the live stream.

use charge_model::notifications::{
    NotificationEvent, NotificationKind, NotificationPage, NotificationPreferences, UnreadCount,
};
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};
use crate::live::{read_until, subscribe};

/// A user's notifications, newest first, read on `client`.
async fn list(app: &TestApp, client: &Client) -> NotificationPage {
    let response = client.get(app.url("/api/notifications")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn events(app: &TestApp, client: &Client) -> Vec<NotificationEvent> {
    list(app, client).await.items.into_iter().map(|n| n.event).collect()
}

/// The notification emails to `to` (newest first): those with an unsubscribe link.
async fn notification_mails(app: &TestApp, to: &str) -> Vec<Value> {
    let mails = app.outbox(to).await;
    mails
        .into_iter()
        .filter(|m| m["link"].as_str().is_some_and(|l| l.contains("/unsubscribe?token=")))
        .collect()
}

/// Ana, logged in on `app.client`, with a paired Trydan "Garage"; returns its ID.
async fn anas_charger(app: &TestApp) -> String {
    app.logged_in_user("ana@example.com").await;
    app.paired("trydan", "Garage").await
}

/// A charge of `minutes` at 3680 W on `id`, finished by unplugging the car.
async fn charge(app: &TestApp, id: &str, minutes: i64) {
    app.plug_car(id).await;
    app.state.clock.advance(Duration::minutes(minutes));
    let _ = app.state.simulator.tick();
    let response = app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": false})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn set_connected(app: &TestApp, id: &str, online: bool) {
    let response = app.post(&format!("/api/dev/chargers/{id}/connection"), json!({ "online": online })).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let _ = app.state.simulator.tick();
}

async fn check_connectivity(app: &TestApp) {
    charge_mock_server::notify::check_connectivity(&app.state.notifier, &app.state.links).await;
}

#[tokio::test]
async fn a_finished_charge_reaches_the_owner_and_a_viewer_each_in_their_language() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let bea = app.other_user("bea@example.com").await;
    app.share_accepted(&id, &bea, "bea@example.com", "viewer").await;
    let response = bea.put(app.url("/api/account")).json(&json!({"language": "es"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    charge(&app, &id, 30).await;

    for client in [&app.client, &bea] {
        let page = list(&app, client).await;
        let finished =
            page.items.iter().find(|n| n.kind == NotificationKind::ChargeFinished).expect("listed");
        assert_eq!((finished.charger_id.as_str(), finished.charger_name.as_str()), (id.as_str(), "Garage"));
        match finished.event {
            NotificationEvent::ChargeFinished { energy_wh, cost_cents, minutes, .. } => {
                assert!((energy_wh - 1840.0).abs() < 20.0, "30 minutes at 3680 W: {energy_wh}");
                assert_eq!((cost_cents, minutes), (28, 30), "1.84 kWh × 0.15 €");
            }
            ref other => panic!("{other:?}"),
        }
        assert!(!finished.read);
    }
    let anas = notification_mails(&app, "ana@example.com").await;
    assert_eq!(anas.len(), 1, "{anas:?}");
    assert_eq!(anas[0]["subject"], "Charge finished on Garage");
    assert!(anas[0]["body"].as_str().unwrap().contains("€0.28"), "{}", anas[0]["body"]);
    let beas = notification_mails(&app, "bea@example.com").await;
    assert_eq!(beas[0]["subject"], "Carga terminada en Garage");
    assert!(beas[0]["body"].as_str().unwrap().contains("0,28 €"), "{}", beas[0]["body"]);
}

#[tokio::test]
async fn a_car_unplugged_without_taking_energy_is_recorded_but_not_notified() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    charge(&app, &id, 0).await;
    let (charges, energy): (i64, f64) = app
        .query("SELECT COUNT(*), COALESCE(SUM(energy_wh), 0) FROM charge_sessions", |row| {
            Ok((row.get(0)?, row.get(1)?))
        });
    assert_eq!(charges, 1, "the plug-in is in the history");
    assert!(energy < 10.0, "under 0.01 kWh: {energy} Wh");
    assert!(events(&app, &app.client).await.is_empty());
    assert!(notification_mails(&app, "ana@example.com").await.is_empty());

    charge(&app, &id, 10).await;
    assert_eq!(events(&app, &app.client).await.len(), 1, "a charge with energy is notified");
}

#[tokio::test]
async fn an_invitation_reaches_the_invitee_and_its_acceptance_the_owner() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let bea = app.other_user("bea@example.com").await;

    let response = app
        .post(&format!("/api/chargers/{id}/shares"), json!({"email": "bea@example.com", "role": "editor"}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let beas = events(&app, &bea).await;
    assert!(
        matches!(&beas[..], [NotificationEvent::Shared { by, role: charge_model::charger::Role::Editor }] if by == "Test User"),
        "{beas:?}"
    );
    assert_eq!(
        app.outbox("bea@example.com").await.len(),
        2,
        "confirmation and the invitation itself: no second email"
    );

    app.accept_invitation(&bea, &id).await;
    let anas = events(&app, &app.client).await;
    assert!(matches!(&anas[..], [NotificationEvent::ShareAccepted { by }] if by == "Test User"), "{anas:?}");
}

#[tokio::test]
async fn a_charge_started_with_an_unknown_card_is_notified() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let response =
        app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": true, "card": "deadbeef"})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(events(&app, &app.client).await, [NotificationEvent::UnknownCard { card: "DEADBEEF".into() }]);
}

#[tokio::test]
async fn a_charger_offline_for_more_than_ten_minutes_is_notified_once_and_then_its_return() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;

    // A short outage says nothing, not even when it ends.
    set_connected(&app, &id, false).await;
    check_connectivity(&app).await;
    app.state.clock.advance(Duration::minutes(5));
    check_connectivity(&app).await;
    set_connected(&app, &id, true).await;
    check_connectivity(&app).await;
    assert_eq!(events(&app, &app.client).await, []);

    set_connected(&app, &id, false).await;
    check_connectivity(&app).await;
    app.state.clock.advance(Duration::minutes(11));
    check_connectivity(&app).await;
    app.state.clock.advance(Duration::minutes(5));
    check_connectivity(&app).await;
    assert_eq!(events(&app, &app.client).await, [NotificationEvent::Offline { minutes: 11 }], "once");

    set_connected(&app, &id, true).await;
    check_connectivity(&app).await;
    check_connectivity(&app).await;
    assert_eq!(
        events(&app, &app.client).await,
        [NotificationEvent::BackOnline { minutes: 16 }, NotificationEvent::Offline { minutes: 11 }]
    );
    let mails = notification_mails(&app, "ana@example.com").await;
    assert_eq!(mails.len(), 1, "the same kind within 15 minutes: one email");
    assert_eq!(mails[0]["subject"], "Garage is offline");
}

#[tokio::test]
async fn a_plan_that_cannot_be_met_is_notified_once_per_departure() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let departure = app.state.clock.unix() + 3600;
    let response = app
        .put(&format!("/api/chargers/{id}/plan"), json!({"departure": departure, "energy_wh": 100_000}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    charge_mock_server::plans::follow(&app.state.db, &app.state.links, &app.state.notifier, &app.state.clock)
        .await;

    let listed = events(&app, &app.client).await;
    assert!(
        matches!(
            &listed[..],
            [NotificationEvent::PlanUnmet { reason: charge_model::plan::PlanError::NotEnoughTime { .. } }]
        ),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_finished_firmware_update_is_notified() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let response =
        app.post(&format!("/api/chargers/{id}/operations"), json!({"operation": "update_firmware"})).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    app.state.clock.advance(Duration::seconds(31));
    app.state.charges.step().await;
    let firmware = app.detail(&id).await["summary"]["status"]["firmware"].as_str().unwrap().to_owned();
    assert_eq!(events(&app, &app.client).await, [NotificationEvent::FirmwareUpdated { version: firmware }]);
}

#[tokio::test]
async fn preferences_start_from_the_defaults_and_are_honoured() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let defaults: NotificationPreferences =
        app.get("/api/notifications/preferences").await.json().await.unwrap();
    assert_eq!(defaults, NotificationPreferences::default());

    let off = json!({"kinds": [{"kind": "charge_finished", "email": false, "portal": false}]});
    let saved: NotificationPreferences =
        app.put("/api/notifications/preferences", off).await.json().await.unwrap();
    assert_eq!(saved.kinds.len(), NotificationKind::ALL.len(), "every kind answered");
    assert!(
        !saved.of(NotificationKind::ChargeFinished).email
            && !saved.of(NotificationKind::ChargeFinished).portal
    );
    assert!(saved.of(NotificationKind::Offline).email, "the others keep theirs");

    charge(&app, &id, 10).await;
    assert_eq!(events(&app, &app.client).await, []);
    assert_eq!(notification_mails(&app, "ana@example.com").await.len(), 0);

    let email_only = json!({"kinds": [{"kind": "charge_finished", "email": true, "portal": false}]});
    assert_eq!(app.put("/api/notifications/preferences", email_only).await.status(), StatusCode::OK);
    charge(&app, &id, 10).await;
    assert_eq!(events(&app, &app.client).await, [], "not in the portal");
    assert_eq!(notification_mails(&app, "ana@example.com").await.len(), 1, "by email");
}

#[tokio::test]
async fn bad_preferences_and_pages_are_refused_field_by_field() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let twice = json!({"kinds": [
        {"kind": "firmware", "email": true, "portal": true},
        {"kind": "firmware", "email": false, "portal": true}]});
    let (status, error) = error_of(app.put("/api/notifications/preferences", twice).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["kinds[1].kind"]["problem"], "duplicate_kind", "{error}");

    let unknown = json!({"kinds": [{"kind": "weather", "email": true, "portal": true}]});
    let (status, error) = error_of(app.put("/api/notifications/preferences", unknown).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["kinds[0].kind"]["problem"], "invalid_value", "{error}");

    let (status, error) = error_of(app.get("/api/notifications?limit=0").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["limit"]["problem"], "out_of_range", "{error}");
}

#[tokio::test]
async fn at_most_one_email_per_kind_and_charger_in_15_minutes_but_every_event_listed() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    charge(&app, &id, 5).await;
    charge(&app, &id, 5).await;
    assert_eq!(events(&app, &app.client).await.len(), 2);
    assert_eq!(notification_mails(&app, "ana@example.com").await.len(), 1);

    app.state.clock.advance(Duration::minutes(5));
    charge(&app, &id, 5).await; // 15 minutes after the first email.
    assert_eq!(events(&app, &app.client).await.len(), 3);
    assert_eq!(notification_mails(&app, "ana@example.com").await.len(), 2);
}

#[tokio::test]
async fn the_unsubscribe_link_turns_that_kind_of_email_off_without_a_login() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    charge(&app, &id, 5).await;
    let token = app.emailed_token("ana@example.com", "unsubscribe").await;

    let anonymous = crate::helpers::new_client();
    for _ in 0..2 {
        let response = anonymous
            .post(app.url("/api/auth/unsubscribe"))
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "followed again, still fine");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"kind": "charge_finished"}));
    }
    let preferences: NotificationPreferences =
        app.get("/api/notifications/preferences").await.json().await.unwrap();
    let finished = preferences.of(NotificationKind::ChargeFinished);
    assert!(!finished.email && finished.portal, "only that kind's emails");
    assert!(preferences.of(NotificationKind::Offline).email);

    app.state.clock.advance(Duration::minutes(16));
    charge(&app, &id, 5).await;
    assert_eq!(notification_mails(&app, "ana@example.com").await.len(), 1, "no new email");
    assert_eq!(events(&app, &app.client).await.len(), 2, "still in the portal");

    let bad = anonymous
        .post(app.url("/api/auth/unsubscribe"))
        .json(&json!({"token": "nope"}))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(bad).await;
    assert_eq!((status, error["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_token")));
}

#[tokio::test]
async fn the_unread_count_is_pushed_live_and_reading_clears_it() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    let mut stream = subscribe(&app, &app.client).await;

    charge(&app, &id, 5).await;
    read_until(&mut stream, |event, data| event == "notifications" && data["unread"] == 1).await;
    charge(&app, &id, 5).await;
    read_until(&mut stream, |event, data| event == "notifications" && data["unread"] == 2).await;
    let unread: UnreadCount = app.get("/api/notifications/unread").await.json().await.unwrap();
    assert_eq!(unread.unread, 2);
    // A stream opened now says so after the chargers' statuses, with nothing to ask.
    let mut another = subscribe(&app, &app.client).await;
    let opening = read_until(&mut another, |event, _| event == "notifications").await;
    assert_eq!(
        opening.iter().map(|(event, _)| event.as_str()).collect::<Vec<_>>(),
        ["status", "notifications"]
    );
    assert_eq!(opening[1].1["unread"], 2);

    let newest = list(&app, &app.client).await.items[0].id;
    assert_eq!(
        app.post(&format!("/api/notifications/{newest}/read"), json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    read_until(&mut stream, |event, data| event == "notifications" && data["unread"] == 1).await;
    assert_eq!(app.post("/api/notifications/read-all", json!({})).await.status(), StatusCode::NO_CONTENT);
    read_until(&mut stream, |event, data| event == "notifications" && data["unread"] == 0).await;
    let page = list(&app, &app.client).await;
    assert!(page.items.iter().all(|n| n.read) && page.unread == 0);

    // Someone else's notification does not exist for this user.
    let bea = app.other_user("bea@example.com").await;
    let response = bea.post(app.url(&format!("/api/notifications/{newest}/read"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_comes_a_page_at_a_time_newest_first() {
    let app = spawn_app().await;
    let id = anas_charger(&app).await;
    for _ in 0..3 {
        charge(&app, &id, 5).await;
    }
    let first: NotificationPage = app.get("/api/notifications?limit=2").await.json().await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(first.items[0].id > first.items[1].id);
    let before = first.next_before.expect("a next page");
    let second: NotificationPage =
        app.get(&format!("/api/notifications?limit=2&before={before}")).await.json().await.unwrap();
    assert_eq!((second.items.len(), second.next_before), (1, None));
    assert_eq!(second.unread, 3);
}
