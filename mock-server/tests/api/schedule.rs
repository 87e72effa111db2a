//! Timers, dynamic power control and tariffs: validation, the simulator honouring them, and
//! each charge's cost frozen when it is recorded.

use charge_model::madrid;
use chrono::{Duration, Timelike};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

/// Minutes since local midnight, now, in Madrid (the test clock included).
fn local_minute(app: &TestApp) -> u16 {
    let local = madrid::local(app.state.clock.now());
    (local.hour() * 60 + local.minute()) as u16
}

const ALL_DAYS: [bool; 7] = [true; 7];

fn status(detail: &Value) -> &Value {
    &detail["summary"]["status"]
}

/// Lets `minutes` of simulated time pass in one-minute ticks.
fn run(app: &TestApp, minutes: i64) {
    for _ in 0..minutes {
        app.state.clock.advance(Duration::minutes(1));
        let _ = app.state.simulator.tick();
    }
}

async fn unplug(app: &TestApp, id: &str) {
    let response = app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": false})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn two_timers_are_kept_and_a_third_is_refused() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let timer = |start: u16, end: u16| json!({"enabled": true, "days": ALL_DAYS, "start": start, "end": end});
    let two = json!({"timers": [timer(60, 420), timer(1320, 120)]});
    let saved = app.put(&format!("/api/chargers/{id}/timers"), two.clone()).await;
    assert_eq!(saved.status(), StatusCode::OK);

    let three = json!({"timers": [timer(60, 420), timer(1320, 120), timer(600, 660)]});
    let (status, error) = error_of(app.put(&format!("/api/chargers/{id}/timers"), three).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["timers"]["problem"], "too_many_timers");
    let no_day = json!({"timers": [{"enabled": true, "days": [false, false, false, false, false, false, false], "start": 60, "end": 120}]});
    let (_, error) = error_of(app.put(&format!("/api/chargers/{id}/timers"), no_day).await).await;
    assert!(error["fields"]["timers.0.days"].is_object(), "{error}");

    let kept: Value = app.get(&format!("/api/chargers/{id}/timers")).await.json().await.unwrap();
    assert_eq!(kept, two, "a refused change changed nothing");
}

#[tokio::test]
async fn with_a_timer_a_car_waits_for_its_window() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    // A window opening in 30 minutes, for an hour, every day.
    let start = (local_minute(&app) + 30) % 1440;
    let end = (start + 60) % 1440;
    let end = if end == 0 { 1440 } else { end };
    let timers = json!({"timers": [{"enabled": true, "days": ALL_DAYS, "start": start, "end": end}]});
    assert_eq!(app.put(&format!("/api/chargers/{id}/timers"), timers).await.status(), StatusCode::OK);

    app.plug_car(&id).await;
    let waiting = app.detail(&id).await;
    assert_eq!(status(&waiting)["state"], "connected");
    assert_eq!(status(&waiting)["waiting_for_timer"], true);
    assert_eq!(status(&waiting)["charge_power_w"], 0.0);

    run(&app, 31);
    let charging = app.detail(&id).await;
    assert_eq!(status(&charging)["state"], "charging", "{charging}");
    assert_eq!(status(&charging)["waiting_for_timer"], false);

    run(&app, 61);
    assert_eq!(status(&app.detail(&id).await)["state"], "connected", "the window has closed");
}

fn power(enabled: bool, weekdays: Value) -> Value {
    json!({
        "enabled": enabled, "scheme": "standard", "contracted_kw": 5.75, "pv_mode": "maximum_power",
        "weekdays": weekdays, "weekends": [{"start": 0, "end": 1440, "max_kw": 5.75}],
    })
}

#[tokio::test]
async fn a_profile_with_a_gap_is_refused_naming_it_and_the_current_follows_the_house() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let gap = power(
        true,
        json!([{"start": 0, "end": 480, "max_kw": 5.75}, {"start": 600, "end": 1440, "max_kw": 3.45}]),
    );
    let (status_code, error) =
        error_of(app.put(&format!("/api/chargers/{id}/dynamic-power"), gap).await).await;
    assert_eq!(status_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["weekdays"]["problem"], "uncovered");
    assert_eq!(error["fields"]["weekdays"]["detail"], "08:00–10:00");
    assert!(error["fields"]["weekdays"]["message"].as_str().unwrap().contains("08:00–10:00"));
    let overlap = power(
        true,
        json!([{"start": 0, "end": 720, "max_kw": 5.75}, {"start": 660, "end": 1440, "max_kw": 5.75}]),
    );
    let (_, error) = error_of(app.put(&format!("/api/chargers/{id}/dynamic-power"), overlap).await).await;
    assert_eq!(error["fields"]["weekdays"]["problem"], "overlapping");
    assert_eq!(status(&app.detail(&id).await)["dynamic_power"], false, "nothing changed");

    let whole_day = power(true, json!([{"start": 0, "end": 1440, "max_kw": 5.75}]));
    assert_eq!(
        app.put(&format!("/api/chargers/{id}/dynamic-power"), whole_day).await.status(),
        StatusCode::OK
    );
    app.plug_car(&id).await;
    run(&app, 1);
    let detail = app.detail(&id).await;
    assert_eq!(status(&detail)["dynamic_power"], true);
    let house = status(&detail)["house_power_w"].as_f64().unwrap();
    assert!(house <= 5750.0 + 1.0, "never above the contracted power: {house} W");
    let car = status(&detail)["charge_power_w"].as_f64().unwrap();
    assert!(car >= 1379.0 || car == 0.0, "charging at 6 A × 230 V or more, or waiting: {car}");

    let (status_code, error) =
        error_of(app.put(&format!("/api/chargers/{id}/intensity"), json!({"amps": 10})).await).await;
    assert_eq!(status_code, StatusCode::CONFLICT);
    assert!(error["message"].as_str().unwrap().contains("Dynamic power control"));
    assert_eq!(error["reason"], "dynamic_power_on");
}

#[tokio::test]
async fn a_charge_is_priced_when_recorded_and_a_tariff_change_applies_to_later_ones_only() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let bad = json!({"kind": "time_ranges", "ranges": [{"start": 0, "end": 480, "price": 80000}]});
    let (status_code, error) = error_of(app.put(&format!("/api/chargers/{id}/tariff"), bad).await).await;
    assert_eq!(status_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["ranges"]["detail"], "08:00–24:00");

    let flat = |price: i64| json!({"kind": "flat", "price": price});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), flat(200_000)).await.status(), StatusCode::OK);
    app.plug_car(&id).await;
    run(&app, 60);
    unplug(&app, &id).await;

    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), flat(300_000)).await.status(), StatusCode::OK);
    app.plug_car(&id).await;
    run(&app, 30);
    unplug(&app, &id).await;

    let page: Value = app.get(&format!("/api/sessions?charger={id}")).await.json().await.unwrap();
    let sessions = page["rows"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let (later, first) = (&sessions[0], &sessions[1]);
    // By hand from the stored quarter-hours: Σ mWh × µ€/kWh, rounded to cents once.
    let cents = |session: &Value, price: i128| {
        let quarters: String = app
            .query(&format!("SELECT quarters FROM charge_sessions WHERE id = {}", session["id"]), |r| {
                r.get(0)
            });
        let slices: Vec<Value> = serde_json::from_str(&quarters).unwrap();
        let pico: i128 = slices.iter().map(|s| i128::from(s["energy_mwh"].as_i64().unwrap()) * price).sum();
        ((pico + 5_000_000_000) / 10_000_000_000) as i64
    };
    assert!((first["energy_wh"].as_f64().unwrap() - 3680.0).abs() < 5.0, "an hour at 3.68 kW: {first}");
    assert_eq!(first["cost"]["cents"], cents(first, 200_000), "{first}");
    assert_eq!(first["cost"]["cents"], 74, "3.68 kWh × 0.20 €");
    assert_eq!(later["cost"]["cents"], cents(later, 300_000), "{later}");
    assert_eq!(later["cost"]["estimated"], false);
}

#[tokio::test]
async fn a_market_tariff_without_market_data_says_its_cost_is_estimated() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    assert_eq!(
        app.put(&format!("/api/chargers/{id}/tariff"), json!({"kind": "omie_spot"})).await.status(),
        StatusCode::OK
    );
    app.plug_car(&id).await;
    run(&app, 20);
    unplug(&app, &id).await;
    let page: Value = app.get(&format!("/api/sessions?charger={id}")).await.json().await.unwrap();
    let sessions = page["rows"].as_array().unwrap();
    assert_eq!(sessions[0]["cost"]["estimated"], true, "{sessions:?}");
    assert!(sessions[0]["cost"]["cents"].as_i64().unwrap() > 0);
}
