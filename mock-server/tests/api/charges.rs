//! Charges kept by the server: saved as they go, recorded once and priced when they end,
//! retried when the database refuses them, and taken over by the next start after a crash.

use std::time::Duration as StdDuration;

use charge_mock_server::AppState;
use charge_model::charger::{ChargeState, ChargerId};
use charge_model::sessions::PricedSlice;
use charge_model::tariff::round_pico_to_cents;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// A paired Trydan with a car charging at 16 A on one phase (3680 W); returns its ID.
pub async fn charging(app: &TestApp) -> String {
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    app.plug_car(&id).await;
    id
}

/// Runs SQL on the app's database through a connection of its own (a fault to inject).
pub fn execute(app: &TestApp, sql: &str) {
    rusqlite::Connection::open(&app.state.config.database).unwrap().execute_batch(sql).unwrap();
}

/// Checks `done` every 100 ms until it holds, for up to 10 s.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("{what}: not within 10 s");
}

fn count(app: &TestApp, table: &str) -> i64 {
    app.query(&format!("SELECT COUNT(*) FROM {table}"), |r| r.get(0))
}

/// The energy of the charge in progress as last saved (0 when none is).
fn saved_energy(app: &TestApp) -> f64 {
    app.query("SELECT COALESCE(MAX(energy_wh), 0) FROM charges_in_progress", |r| r.get(0))
}

async fn unplug(app: &TestApp, id: &str) -> StatusCode {
    app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": false})).await.status()
}

#[tokio::test]
async fn a_charge_is_saved_as_it_goes_then_recorded_once_and_priced() {
    let app = spawn_app().await;
    let id = charging(&app).await;
    app.state.start_background_tasks();

    app.state.clock.advance(Duration::minutes(30));
    eventually("the charge in progress is saved", || saved_energy(&app) > 1800.0).await;
    assert_eq!(unplug(&app, &id).await, StatusCode::NO_CONTENT);

    assert_eq!((count(&app, "charge_sessions"), count(&app, "charges_in_progress")), (1, 0));
    let (energy, cents, estimated, quarters): (f64, i64, bool, String) = app
        .query("SELECT energy_wh, cost_cents, cost_estimated, quarters FROM charge_sessions", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        });
    assert!((energy - 1840.0).abs() < 10.0, "30 minutes at 3680 W: {energy} Wh");
    // The default tariff, 0.15 €/kWh: each quarter-hour priced exactly, the total rounded once.
    let quarters: Vec<PricedSlice> = serde_json::from_str(&quarters).unwrap();
    assert!(quarters.iter().all(|q| q.cost_pico == q.energy_mwh * 150_000), "{quarters:?}");
    let picos: i128 = quarters.iter().map(|q| i128::from(q.cost_pico)).sum();
    assert_eq!((cents, estimated), (round_pico_to_cents(picos), false));
    assert_eq!(cents, 28, "1.84 kWh × 0.15 €");

    // Later ticks and saves add nothing.
    tokio::time::sleep(StdDuration::from_millis(2500)).await;
    assert_eq!((count(&app, "charge_sessions"), count(&app, "charges_in_progress")), (1, 0));
}

#[tokio::test]
async fn a_charge_the_database_refuses_is_retried_until_it_is_recorded() {
    let app = spawn_app().await;
    let id = charging(&app).await;
    app.state.start_background_tasks();
    app.state.clock.advance(Duration::minutes(10));
    eventually("the charge in progress is saved", || saved_energy(&app) > 600.0).await;

    execute(
        &app,
        "CREATE TRIGGER refuse BEFORE INSERT ON charge_sessions BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    assert_eq!(unplug(&app, &id).await, StatusCode::NO_CONTENT, "the car is gone; its charge waits");
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    assert_eq!(count(&app, "charge_sessions"), 0, "refused, tick after tick");
    assert_eq!(count(&app, "charges_in_progress"), 1, "its saved progress is kept meanwhile");
    assert_eq!(app.state.charges.queued(), 1);

    execute(&app, "DROP TRIGGER refuse;");
    eventually("the queued charge is recorded", || count(&app, "charge_sessions") == 1).await;
    let energy: f64 = app.query("SELECT energy_wh FROM charge_sessions", |r| r.get(0));
    assert!((energy - 613.3).abs() < 10.0, "10 minutes at 3680 W: {energy} Wh");
    assert_eq!(count(&app, "charges_in_progress"), 0);
    assert_eq!(app.state.charges.queued(), 0);
}

/// A charger with a charge of `minutes` saved in progress, and the simulation stopped as if
/// the process had died: what the next start finds.
async fn crashed_while_charging(app: &TestApp, minutes: i64) -> (ChargerId, f64) {
    let id = charging(app).await;
    app.state.start_background_tasks();
    app.state.clock.advance(Duration::minutes(minutes));
    let expected = 3680.0 * minutes as f64 / 60.0;
    eventually("the charge in progress is saved", || saved_energy(app) > expected - 10.0).await;
    app.state.stopping.send_replace(true);
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    (ChargerId::parse(&id).unwrap(), saved_energy(app))
}

#[tokio::test]
async fn after_a_crash_the_next_start_resumes_the_charge_with_its_energy_so_far() {
    let app = spawn_app().await;
    let (id, saved) = crashed_while_charging(&app, 20).await;

    let restarted = AppState::new(app.state.config.as_ref().clone()).unwrap();

    let status = restarted.simulator.status(&id).unwrap();
    assert_eq!(status.state, ChargeState::Charging);
    assert!(
        (status.session_energy_wh - saved).abs() < 0.1,
        "{} Wh resumed of {saved}",
        status.session_energy_wh
    );
    assert_eq!(count(&app, "charge_sessions"), 0, "still going on");

    // When it ends, it is one charge with all its energy.
    let finished = restarted.simulator.unplug_car(&id).unwrap();
    restarted.charges.finished(vec![finished]).await;
    let energy: f64 = app.query("SELECT energy_wh FROM charge_sessions", |r| r.get(0));
    assert!(energy >= saved, "{energy} Wh recorded of {saved}");
    assert_eq!((count(&app, "charge_sessions"), count(&app, "charges_in_progress")), (1, 0));
}

#[tokio::test]
async fn a_charge_saved_too_long_ago_is_recorded_as_finished_at_its_last_save() {
    let app = spawn_app().await;
    let (id, saved) = crashed_while_charging(&app, 20).await;
    execute(&app, "UPDATE charges_in_progress SET saved_at_ms = saved_at_ms - 2 * 3600 * 1000;");
    let saved_at: i64 = app.query("SELECT saved_at_ms / 1000 FROM charges_in_progress", |r| r.get(0));

    let restarted = AppState::new(app.state.config.as_ref().clone()).unwrap();

    assert_eq!(restarted.simulator.status(&id).unwrap().state, ChargeState::Disconnected);
    assert_eq!((count(&app, "charge_sessions"), count(&app, "charges_in_progress")), (1, 0));
    let (energy, ended_at, cents): (f64, i64, i64) = app
        .query("SELECT energy_wh, ended_at, cost_cents FROM charge_sessions", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        });
    assert_eq!((energy, ended_at), (saved, saved_at));
    assert!(saved.mul_add(-0.015, cents as f64).abs() <= 1.0, "priced like any other: {cents} cents");
}
