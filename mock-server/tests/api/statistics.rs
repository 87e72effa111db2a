//! Statistics against sums computed here, across midnight and DST, and for shared chargers
//! only while shared.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

async fn past(
    app: &TestApp,
    client: Option<&reqwest::Client>,
    id: &str,
    start: &str,
    minutes: u32,
    power_w: f64,
) {
    let started_at: DateTime<Utc> = start.parse().unwrap();
    let body = json!({"started_at": started_at.timestamp(), "minutes": minutes, "power_w": power_w});
    let client = client.unwrap_or(&app.client);
    let response =
        client.post(app.url(&format!("/api/dev/chargers/{id}/sessions"))).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn stats(client: &reqwest::Client, app: &TestApp, query: &str) -> Value {
    let response = client.get(app.url(&format!("/api/statistics?{query}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn flat(price: i64) -> Value {
    json!({"kind": "flat", "price": price})
}

#[tokio::test]
async fn totals_match_sums_computed_independently() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let home = app.paired("trydan", "Home").await;
    let office = app.paired("denka", "Office").await;
    app.put(&format!("/api/chargers/{home}/tariff"), flat(200_000)).await;
    app.put(&format!("/api/chargers/{office}/tariff"), flat(150_000)).await;
    // (charger, start, minutes, W)
    let charges = [
        (&home, "2025-11-03T18:00:00Z", 120, 7_400.0),
        (&home, "2025-11-10T19:15:00Z", 45, 3_680.0),
        (&office, "2025-11-04T08:00:00Z", 240, 11_000.0),
        (&office, "2025-11-20T08:30:00Z", 90, 11_000.0),
    ];
    for (id, start, minutes, power) in charges {
        past(&app, None, id, start, minutes, power).await;
    }
    let expected_wh =
        |id: &str| -> f64 { charges.iter().filter(|c| c.0 == id).map(|c| c.3 * f64::from(c.2) / 60.0).sum() };
    let result = stats(&app.client, &app, "from=2025-11-01&to=2025-11-30&bucket=week").await;
    let total_wh = expected_wh(&home) + expected_wh(&office);
    assert_eq!(result["totals"]["energy_wh"].as_f64().unwrap(), total_wh.round());
    assert_eq!(result["totals"]["sessions"], 4);
    assert_eq!(result["totals"]["charging_seconds"], (120 + 45 + 240 + 90) * 60);
    let cost = (expected_wh(&home) * 0.20 + expected_wh(&office) * 0.15) / 1000.0 * 100.0;
    assert_eq!(result["totals"]["cost_cents"].as_f64().unwrap(), cost.round());
    let home_totals =
        result["chargers"].as_array().unwrap().iter().find(|c| c["id"] == home.as_str()).unwrap();
    assert_eq!(home_totals["totals"]["energy_wh"].as_f64().unwrap(), expected_wh(&home).round());
    // Weeks start on Monday 2025-10-27 (the week of the 1st) … 2025-11-24: 5 buckets.
    let starts: Vec<&str> =
        result["buckets"].as_array().unwrap().iter().map(|b| b["start"].as_str().unwrap()).collect();
    assert_eq!(starts, ["2025-10-27", "2025-11-03", "2025-11-10", "2025-11-17", "2025-11-24"]);
    let bucket_sum: i64 =
        result["buckets"].as_array().unwrap().iter().map(|b| b["totals"]["sessions"].as_i64().unwrap()).sum();
    assert_eq!(bucket_sum, 4);
}

#[tokio::test]
async fn a_charge_across_midnight_is_split_by_local_day_and_days_follow_madrid_across_dst() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Home").await;
    // 23:00–01:00 CET on 2025-11-05/06 at 4 kW: 4 kWh each day, one session on the 5th.
    past(&app, None, &id, "2025-11-05T22:00:00Z", 120, 4_000.0).await;
    let days = stats(&app.client, &app, "from=2025-11-05&to=2025-11-06").await;
    assert_eq!(days["buckets"][0]["totals"]["energy_wh"], 4_000);
    assert_eq!(days["buckets"][1]["totals"]["energy_wh"], 4_000);
    assert_eq!(days["buckets"][0]["totals"]["sessions"], 1);
    assert_eq!(days["buckets"][1]["totals"]["sessions"], 0);
    assert_eq!(days["buckets"][1]["totals"]["charging_seconds"], 3_600);

    // 00:30 local on 2025-10-26 (summer time, UTC+2) is 22:30 UTC on the 25th: it counts on the 26th.
    past(&app, None, &id, "2025-10-25T22:30:00Z", 30, 4_000.0).await;
    // 00:30 local on 2026-03-29 (winter time, UTC+1) is 23:30 UTC on the 28th.
    past(&app, None, &id, "2026-03-28T23:30:00Z", 30, 4_000.0).await;
    let dst = stats(&app.client, &app, "from=2025-10-25&to=2025-10-26").await;
    assert_eq!(dst["buckets"][0]["totals"]["sessions"], 0);
    assert_eq!(dst["buckets"][1]["totals"]["energy_wh"], 2_000);
    let march = stats(&app.client, &app, "from=2026-03-01&to=2026-03-31&bucket=month").await;
    assert_eq!(march["buckets"].as_array().unwrap().len(), 1);
    assert_eq!(march["totals"]["energy_wh"], 2_000);
    let last_of_feb = stats(&app.client, &app, "from=2026-03-28&to=2026-03-28").await;
    assert_eq!(last_of_feb["totals"]["energy_wh"], 0, "the 28th local has nothing");
}

#[tokio::test]
async fn a_shared_charger_counts_only_while_shared() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Home").await;
    let bea = app.other_user("bea@example.com").await;
    let shared_at = app.state.clock.now();
    let before = (shared_at - Duration::days(2)).format("%Y-%m-%dT%H:00:00Z").to_string();
    past(&app, None, &id, &before, 60, 3_680.0).await;
    app.share_accepted(&id, &bea, "bea@example.com", "viewer").await;
    let after = (shared_at + Duration::hours(2)).format("%Y-%m-%dT%H:00:00Z").to_string();
    past(&app, None, &id, &after, 60, 3_680.0).await;
    let range = format!(
        "from={}&to={}",
        (shared_at - Duration::days(3)).format("%Y-%m-%d"),
        (shared_at + Duration::days(1)).format("%Y-%m-%d")
    );
    let anas = stats(&app.client, &app, &range).await;
    assert_eq!(anas["totals"]["sessions"], 2);
    let beas = stats(&bea, &app, &range).await;
    assert_eq!(beas["totals"]["sessions"], 1, "only since it was shared: {beas}");
    assert_eq!(beas["totals"]["energy_wh"], 3_680);

    let bea_id = app.user_id("bea@example.com");
    app.delete(&format!("/api/chargers/{id}/shares/{bea_id}")).await;
    let unshared = stats(&bea, &app, &range).await;
    assert_eq!(unshared["totals"]["sessions"], 0);
    let one = bea.get(app.url(&format!("/api/statistics?{range}&charger={id}"))).send().await.unwrap();
    assert_eq!(one.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_periods_are_refused_by_field() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/api/statistics?from=2025-01-01&to=2025-01-31").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.logged_in_user("ana@example.com").await;
    for (query, field, problem) in [
        ("to=2025-01-31", "from", "invalid_date"),
        ("from=2025-01-31&to=2025-01-01", "to", "period_too_long"),
        ("from=2025-01-01&to=2025-01-31&bucket=year", "bucket", "not_one_of"),
        ("from=2000-01-01&to=2025-01-31", "to", "period_too_long"),
    ] {
        let (status, error) = error_of(app.get(&format!("/api/statistics?{query}")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(error["fields"][field]["problem"], problem, "{query}: {error}");
    }
}
