//! The live stream of statuses (Server-Sent Events).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, new_client, spawn_app};

/// Reads events from an SSE response until `stop` accepts one; returns (event, data) pairs.
pub async fn read_until(
    response: &mut reqwest::Response,
    mut stop: impl FnMut(&str, &Value) -> bool,
) -> Vec<(String, Value)> {
    let mut buffer = String::new();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .expect("an event in time")
            .unwrap()
            .unwrap();
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut event = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event:") {
                    event = name.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim());
                }
            }
            if event.is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
            let done = stop(&event, &value);
            seen.push((event, value));
            if done {
                return seen;
            }
        }
    }
}

pub async fn subscribe(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    let response = client.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response
}

#[tokio::test]
async fn the_stream_starts_with_the_current_status_and_pushes_changes() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let mut events = subscribe(&app, &app.client).await;

    let first = read_until(&mut events, |event, _| event == "status").await;
    assert_eq!(first[0].1["charger_id"], id.as_str());
    assert_eq!(first[0].1["status"]["state"], "disconnected");

    app.plug_car(&id).await;
    let seen = read_until(&mut events, |_, data| data["status"]["state"] == "charging").await;
    assert_eq!(seen.last().unwrap().1["status"]["charge_power_w"], 3680.0);

    app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": 8})).await;
    let seen = read_until(&mut events, |_, data| data["status"]["intensity_a"] == 8).await;
    assert_eq!(seen.last().unwrap().1["status"]["charge_power_w"], 1840.0);
}

#[tokio::test]
async fn the_stream_carries_only_the_users_chargers_and_follows_access_changes() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let anas = app.paired("trydan", "Ana's").await;

    let bob = new_client();
    app.confirmed_user("bob@example.com").await;
    bob.post(app.url("/api/auth/login"))
        .json(&json!({"email": "bob@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let unpaired = app.unpaired("denka").await;
    bob.post(app.url("/api/chargers")).json(&json!({"id": unpaired, "name": "Bob's"})).send().await.unwrap();
    let mut bobs_events = subscribe(&app, &bob).await;
    read_until(&mut bobs_events, |event, _| event == "status").await;

    // Ana's charger changes: Bob hears nothing of it; his own change reaches him.
    app.plug_car(&anas).await;
    app.plug_car(&unpaired).await;
    let seen = read_until(&mut bobs_events, |_, data| data["status"]["state"] == "charging").await;
    assert!(seen.iter().all(|(_, data)| data["charger_id"] != anas.as_str()), "{seen:?}");

    // Removing his charger tells his stream, which then stays quiet about it.
    bob.delete(app.url(&format!("/api/chargers/{unpaired}"))).send().await.unwrap();
    read_until(&mut bobs_events, |event, _| event == "access").await;
}

#[tokio::test]
async fn the_stream_needs_a_session() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/events").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sharing_and_unsharing_reach_an_open_stream_at_once() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bea = app.other_user("bea@example.com").await;
    let bea_id = app.user_id("bea@example.com");
    let mut events = subscribe(&app, &bea).await;

    app.post(&format!("/api/chargers/{id}/shares"), json!({"email": "bea@example.com", "role": "viewer"}))
        .await;
    // The invitation reaches Bea's open portal; accepting it shares the charger.
    read_until(&mut events, |event, _| event == "access").await;
    app.accept_invitation(&bea, &id).await;
    read_until(&mut events, |event, _| event == "access").await;
    // Now Bea's stream carries the shared charger's changes.
    app.plug_car(&id).await;
    read_until(&mut events, |_, data| {
        data["charger_id"] == id.as_str() && data["status"]["state"] == "charging"
    })
    .await;

    app.put(&format!("/api/chargers/{id}/shares/{bea_id}"), json!({"role": "editor"})).await;
    read_until(&mut events, |event, _| event == "access").await;

    app.delete(&format!("/api/chargers/{id}/shares/{bea_id}")).await;
    read_until(&mut events, |event, _| event == "access").await;
    // Unshared: a change of the charger no longer reaches her, only her own events would.
    app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": 8})).await;
    let quiet = tokio::time::timeout(Duration::from_millis(300), events.chunk()).await;
    assert!(quiet.is_err(), "no event after unsharing: {quiet:?}");
}

#[tokio::test]
async fn a_tick_reaches_each_stream_with_only_its_own_chargers() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let anas = app.paired("trydan", "Ana's").await;
    let bob = app.other_user("bob@example.com").await;
    let bobs = app.unpaired("denka").await;
    bob.post(app.url("/api/chargers")).json(&json!({"id": bobs, "name": "Bob's"})).send().await.unwrap();
    app.plug_car(&anas).await;
    app.plug_car(&bobs).await;
    let mut anas_events = subscribe(&app, &app.client).await;
    read_until(&mut anas_events, |event, _| event == "status").await;

    // One tick changes both chargers' energy: Ana hears of hers only.
    app.state.clock.advance(chrono::Duration::seconds(60));
    app.state.simulator.tick();
    let seen =
        read_until(&mut anas_events, |_, data| data["status"]["session_energy_wh"].as_f64() > Some(0.0))
            .await;
    let statuses = seen.iter().filter(|(event, _)| event == "status");
    assert!(
        statuses.clone().count() > 0 && statuses.clone().all(|(_, data)| data["charger_id"] == anas.as_str()),
        "{seen:?}"
    );
    let energy = seen.last().unwrap().1["status"]["session_energy_wh"].as_f64().unwrap();
    assert!((energy - 3680.0 / 60.0).abs() < 1.0, "a minute at 3.68 kW: {energy}");
}
