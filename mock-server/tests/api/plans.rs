//! Charging plans: validation, the plan chosen under a tariff, a plan that cannot be met,
//! and a simulated charger following its plan minute by minute.

use charge_model::madrid;
use charge_model::plan::{ChargingPlan, PlanError};
use chrono::{Duration, NaiveTime, Timelike};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

const NO_DAY: [bool; 7] = [false; 7];
const ALL_DAYS: [bool; 7] = [true; 7];

fn path(id: &str) -> String {
    format!("/api/chargers/{id}/plan")
}

async fn put_plan(app: &TestApp, id: &str, goal: Value) -> ChargingPlan {
    let response = app.put(&path(id), goal).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn status(detail: &Value) -> &Value {
    &detail["summary"]["status"]
}

#[tokio::test]
async fn bad_goals_are_refused_field_by_field_and_viewers_only_read() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let now = app.state.clock.unix();
    assert_eq!(app.get(&path(&id)).await.status(), StatusCode::NOT_FOUND, "no plan yet");

    for (goal, field, problem) in [
        (json!({"departure": now - 60, "energy_wh": 10_000}), "departure", "departure_window"),
        (json!({"departure": now + 8 * 86_400, "energy_wh": 10_000}), "departure", "departure_window"),
        (json!({"departure": now + 3600, "energy_wh": 0}), "energy_wh", "out_of_range"),
        (json!({"departure": now + 3600, "energy_wh": 200_001}), "energy_wh", "out_of_range"),
        (json!({"energy_wh": 10_000}), "departure", "required"),
        (json!({"repeat": {"days": NO_DAY, "minute": 450}, "energy_wh": 10_000}), "repeat.days", "no_day"),
        (
            json!({"repeat": {"days": ALL_DAYS, "minute": 1440}, "energy_wh": 10_000}),
            "repeat.minute",
            "out_of_range",
        ),
    ] {
        let (code, error) = error_of(app.put(&path(&id), goal.clone()).await).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{goal}");
        assert_eq!(error["fields"][field]["problem"], problem, "{goal}: {error}");
    }
    let (code, _) =
        error_of(app.put(&path(&id), json!({"departure": "tomorrow", "energy_wh": 1})).await).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "a wrong type is a field error too");
    assert_eq!(app.get(&path(&id)).await.status(), StatusCode::NOT_FOUND, "nothing was stored");

    let viewer = app.other_user("vera@example.com").await;
    app.share_accepted(&id, &viewer, "vera@example.com", "viewer").await;
    let goal = json!({"departure": now + 6 * 3600, "energy_wh": 5_000});
    let refused = viewer.put(app.url(&path(&id))).json(&goal).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    put_plan(&app, &id, goal).await;
    let read = viewer.get(app.url(&path(&id))).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let plan: ChargingPlan = read.json().await.unwrap();
    assert_eq!(plan.goal.energy_wh, 5_000);
    assert_eq!(viewer.delete(app.url(&path(&id))).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&path(&id)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path(&id)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn under_a_time_range_tariff_the_cheap_night_quarters_are_chosen() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let night = json!({"kind": "time_ranges", "ranges": [
        {"start": 0, "end": 480, "price": 80_000}, {"start": 480, "end": 1440, "price": 200_000}]});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), night).await.status(), StatusCode::OK);
    // 08:00 local the day after tomorrow: a whole cheap night comes before it.
    let today = madrid::local(app.state.clock.now()).date();
    let departure =
        madrid::instant((today + Duration::days(2)).and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap()));

    let answer = put_plan(&app, &id, json!({"departure": departure.timestamp(), "energy_wh": 10_000})).await;
    assert_eq!(answer.departure, departure.timestamp());
    let plan = answer.plan.unwrap_or_else(|| panic!("no plan: {:?}", answer.unmet));
    assert_eq!(plan.energy_mwh(), 10_000_000);
    for quarter in &plan.quarters {
        let local = madrid::local(chrono::DateTime::from_timestamp(quarter.start, 0).unwrap());
        assert!(local.hour() < 8, "a quarter at {local}, outside the night");
        assert_eq!(quarter.price.0, 80_000);
    }
    assert_eq!(plan.cost.cents, 80, "10 kWh × 0.08 €");
    assert!(plan.at_once.cents >= plan.cost.cents);
    let read: ChargingPlan = app.get(&path(&id)).await.json().await.unwrap();
    assert_eq!(read.plan.map(|plan| plan.cost), Some(plan.cost), "GET answers the same plan");
}

#[tokio::test]
async fn a_plan_that_cannot_be_met_says_why_and_is_kept() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let now = app.state.clock.unix();
    let answer = put_plan(&app, &id, json!({"departure": now + 3600, "energy_wh": 100_000})).await;
    assert!(answer.plan.is_none());
    match answer.unmet {
        Some(PlanError::NotEnoughTime { max_wh }) => {
            assert!((1000..100_000).contains(&max_wh), "at most an hour at the charger's power: {max_wh} Wh")
        }
        other => panic!("expected not_enough_time, got {other:?}"),
    }
    let raw: Value = app.get(&path(&id)).await.json().await.unwrap();
    assert_eq!(raw["unmet"]["reason"], "not_enough_time", "{raw}");
}

#[tokio::test]
async fn a_simulated_charger_is_paused_outside_its_quarters_and_charges_inside_them() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    // Cheap from the quarter-hour starting an hour after this one, for an hour.
    let local = madrid::local(app.state.clock.now());
    let minute = (local.hour() * 60 + local.minute()) as u16;
    let cheap_start = (minute - minute % 15 + 60) % 1440;
    let cheap_end = (cheap_start + 60) % 1440;
    let ranges = json!([
        {"start": cheap_start, "end": if cheap_end == 0 { 1440 } else { cheap_end }, "price": 50_000},
        {"start": cheap_end, "end": if cheap_start == 0 { 1440 } else { cheap_start }, "price": 250_000},
    ]);
    let tariff = json!({"kind": "time_ranges", "ranges": ranges});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), tariff).await.status(), StatusCode::OK);
    app.plug_car(&id).await;

    let now = app.state.clock.unix();
    let answer = put_plan(&app, &id, json!({"departure": now + 4 * 3600, "energy_wh": 2_000})).await;
    let plan = answer.plan.unwrap_or_else(|| panic!("no plan: {:?}", answer.unmet));
    let quarter = now - now.rem_euclid(900);
    let chosen: Vec<i64> = plan.quarters.iter().map(|q| q.start).collect();
    assert!(!chosen.is_empty());
    assert!(
        chosen.iter().all(|&start| (quarter + 3600..quarter + 7200).contains(&start)),
        "only cheap quarters: {chosen:?}, the cheap hour from {}",
        quarter + 3600
    );
    let detail = app.detail(&id).await;
    assert_eq!(status(&detail)["paused"], true, "paused at once: now is not a chosen quarter");

    let mut charged_inside = 0;
    for _ in 0..150 {
        app.state.clock.advance(Duration::minutes(1));
        let _ = app.state.simulator.tick();
        let now = app.state.clock.unix();
        let detail = app.detail(&id).await;
        let power = status(&detail)["charge_power_w"].as_f64().unwrap();
        let this_quarter = now - now.rem_euclid(900);
        // The follower acts at a minute's end; the simulator shows it at the next tick.
        let settled = now.rem_euclid(900) >= 120;
        if this_quarter < chosen[0] {
            assert_eq!(power, 0.0, "charging before the plan's first quarter, at {now}");
        } else if chosen.contains(&this_quarter)
            && settled
            && app.get(&path(&id)).await.status() == StatusCode::OK
        {
            assert!(power > 0.0, "not charging in a chosen quarter, at {now}: {detail}");
            charged_inside += 1;
        }
        charge_mock_server::plans::follow(
            &app.state.db,
            &app.state.links,
            &app.state.notifier,
            &app.state.clock,
        )
        .await;
    }
    assert!(charged_inside > 5, "charged inside the chosen quarters ({charged_inside} minutes)");
    assert_eq!(app.get(&path(&id)).await.status(), StatusCode::NOT_FOUND, "the energy is in: the plan ended");
    assert_eq!(status(&app.detail(&id).await)["paused"], false, "and the charger is back to itself");
}
