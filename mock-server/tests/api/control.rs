//! Live control of a charger: lock, pause, current, operations; the simulator's response.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

async fn charging_charger(app: &TestApp) -> String {
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    app.plug_car(&id).await;
    id
}

async fn status(app: &TestApp, id: &str) -> Value {
    app.detail(id).await["summary"]["status"].clone()
}

#[tokio::test]
async fn a_plugged_car_charges_at_the_set_current() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    let status = status(&app, &id).await;
    assert_eq!(status["state"], "charging");
    assert_eq!(status["charge_power_w"], 16.0 * 230.0);
    assert_eq!(status["current_a"], 16.0);
}

#[tokio::test]
async fn the_power_follows_the_current_at_once() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;

    let response = app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": 10})).await;

    assert_eq!(response.status(), StatusCode::OK);
    let answered: Value = response.json().await.unwrap();
    assert_eq!(answered["intensity_a"], 10);
    assert_eq!(answered["charge_power_w"], 10.0 * 230.0);
    let stored: i64 = app.query(&format!("SELECT intensity_a FROM chargers WHERE id = '{id}'"), |r| r.get(0));
    assert_eq!(stored, 10);
}

#[tokio::test]
async fn a_current_outside_the_limits_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    let mut settings = app.detail(&id).await["settings"].clone();
    settings["min_current_a"] = json!(8);
    settings["max_current_a"] = json!(20);
    app.put(&format!("/api/chargers/{id}/settings"), settings).await;

    for amps in [json!(6), json!(21), json!(32), json!(-3), json!("ten")] {
        let (status, error) =
            error_of(app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": amps})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{amps}");
        assert!(error["fields"]["amps"].is_object(), "{error}");
    }
    let (_, error) =
        error_of(app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": 21})).await).await;
    assert_eq!(error["fields"]["amps"]["min"], 8.0);
    assert_eq!(error["fields"]["amps"]["max"], 20.0);
    assert_eq!(status(&app, &id).await["intensity_a"], 16);
}

#[tokio::test]
async fn locking_stops_charging_and_unlocking_resumes_it() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;

    let locked: Value =
        app.put(&format!("/api/chargers/{id}/lock"), json!({"locked": true})).await.json().await.unwrap();
    assert_eq!(locked["locked"], true);
    assert_eq!(locked["state"], "connected");
    assert_eq!(locked["charge_power_w"], 0.0);

    let unlocked: Value =
        app.put(&format!("/api/chargers/{id}/lock"), json!({"locked": false})).await.json().await.unwrap();
    assert_eq!(unlocked["state"], "charging");
}

#[tokio::test]
async fn pausing_stops_charging() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    let paused: Value =
        app.put(&format!("/api/chargers/{id}/pause"), json!({"paused": true})).await.json().await.unwrap();
    assert_eq!(paused["paused"], true);
    assert_eq!(paused["charge_power_w"], 0.0);
}

#[tokio::test]
async fn energy_accumulates_and_a_finished_charge_becomes_a_session() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    for _ in 0..30 {
        app.state.clock.advance(Duration::seconds(60));
        app.state.simulator.tick();
    }
    let status = status(&app, &id).await;
    // 30 minutes at 3680 W.
    assert!((status["session_energy_wh"].as_f64().unwrap() - 1840.0).abs() < 2.0, "{status}");
    assert_eq!(status["session_seconds"], 1800);

    app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": false})).await;
    let (energy, hourly): (f64, String) =
        app.query("SELECT energy_wh, hourly FROM charge_sessions", |r| Ok((r.get(0)?, r.get(1)?)));
    assert!((energy - 1840.0).abs() < 2.0, "{energy}");
    let hours: Vec<(i64, f64)> = serde_json::from_str(&hourly).unwrap();
    assert!((hours.iter().map(|(_, wh)| wh).sum::<f64>() - energy).abs() < 1e-6);
    assert_eq!(self::status(&app, &id).await["state"], "disconnected");
}

#[tokio::test]
async fn an_offline_charger_refuses_commands() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    app.post(&format!("/api/dev/chargers/{id}/connection"), json!({"online": false})).await;
    assert_eq!(status(&app, &id).await["online"], false);

    let (status, error) =
        error_of(app.put(&format!("/api/chargers/{id}/lock"), json!({"locked": true})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["message"].as_str().unwrap().contains("offline"));
    assert_eq!(error["code"], "conflict");
    assert_eq!(error["reason"], "charger_offline");
    assert_eq!(self::status(&app, &id).await["locked"], false);
}

#[tokio::test]
async fn a_restart_takes_the_charger_offline_briefly() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    let restarting: Value = app
        .post(&format!("/api/chargers/{id}/operations"), json!({"operation": "restart"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(restarting["online"], false);
    assert_eq!(restarting["charge_power_w"], 0.0);
    app.state.clock.advance(Duration::seconds(11));
    app.state.simulator.tick();
    let back = status(&app, &id).await;
    assert_eq!(back["online"], true);
    assert_eq!(back["state"], "charging");
}

#[tokio::test]
async fn a_firmware_update_shows_progress_then_bumps_the_version() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    let before = status(&app, &id).await["firmware"].as_str().unwrap().to_owned();
    app.post(&format!("/api/chargers/{id}/operations"), json!({"operation": "update_firmware"})).await;
    app.state.clock.advance(Duration::seconds(15));
    app.state.simulator.tick();
    // 15 of the update's 30 s, plus the real time the test took (a second or so under load).
    let progress = status(&app, &id).await["update_progress"].as_u64().unwrap();
    assert!((50..=55).contains(&progress), "{progress}");

    let (status_code, error) =
        error_of(app.post(&format!("/api/chargers/{id}/operations"), json!({"operation": "restart"})).await)
            .await;
    assert_eq!(status_code, StatusCode::CONFLICT, "busy");
    assert_eq!(error["reason"], "charger_busy");

    app.state.clock.advance(Duration::seconds(16));
    app.state.charges.step().await;
    let after = status(&app, &id).await;
    assert_ne!(after["firmware"], before.as_str());
    let stored: String = app.query(&format!("SELECT firmware FROM chargers WHERE id = '{id}'"), |r| r.get(0));
    assert_eq!(stored, after["firmware"].as_str().unwrap());
}

#[tokio::test]
async fn a_model_without_calibration_refuses_it() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("denka", "Denka").await;
    let (status, error) = error_of(
        app.post(&format!("/api/chargers/{id}/operations"), json!({"operation": "calibrate"})).await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["operation"]["problem"], "not_supported");
}

#[tokio::test]
async fn the_power_history_has_one_sample_per_tick() {
    let app = spawn_app().await;
    let id = charging_charger(&app).await;
    for _ in 0..5 {
        app.state.clock.advance(Duration::seconds(1));
        app.state.simulator.tick();
    }
    let samples: Vec<(i64, f64)> =
        app.get(&format!("/api/chargers/{id}/power?seconds=60")).await.json().await.unwrap();
    assert_eq!(samples.len(), 5);
    assert!(samples.iter().all(|(_, w)| *w == 3680.0));
}
