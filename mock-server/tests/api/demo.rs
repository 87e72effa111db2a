//! The demo account: seeded once, with chargers of its own, one shared in, and 18 months of
//! priced charges.

use charge_mock_server::demo;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_account_has_chargers_a_shared_one_and_a_year_and_a_half_of_charges() {
    let app = spawn_app().await;
    assert!(demo::seed(&app.state).await.unwrap());
    assert!(!demo::seed(&app.state).await.unwrap(), "seeded once");

    assert_eq!(app.login(demo::DEMO_EMAIL, demo::DEMO_PASSWORD).await.status(), StatusCode::OK);
    let chargers: Vec<Value> = app.get("/api/chargers").await.json().await.unwrap();
    let roles: Vec<&str> = chargers.iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "owner").count(), 2, "{chargers:?}");
    assert_eq!(roles.iter().filter(|r| **r == "viewer").count(), 1, "{chargers:?}");

    let (count, first, last, uncosted): (i64, i64, i64, i64) = app.query(
        "SELECT COUNT(*), MIN(started_at), MAX(started_at), SUM(cost_cents <= 0) FROM charge_sessions",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    );
    assert!(count > 500, "{count} charges");
    let days = (last - first) / 86_400;
    assert!((500..=demo::HISTORY_DAYS).contains(&days), "{days} days of history");
    assert_eq!(uncosted, 0, "every charge has its cost");
    let home = chargers.iter().find(|c| c["name"] == "Home").unwrap()["id"].as_str().unwrap().to_owned();
    let page: Value =
        app.get(&format!("/api/sessions?charger={home}&per_page=5")).await.json().await.unwrap();
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    let home_charges = page["total"].as_i64().unwrap();
    assert!(home_charges > 100, "{home_charges}");

    // Some of Home's charges were started with the demo's card: the history filters by it.
    let carded: Value = app
        .get(&format!("/api/sessions?charger={home}&rfid=A1B2C3D4&per_page=200"))
        .await
        .json()
        .await
        .unwrap();
    let carded_total = carded["total"].as_i64().unwrap();
    assert!(0 < carded_total && carded_total < home_charges, "{carded_total} of {home_charges}");
    assert!(carded["rows"].as_array().unwrap().iter().all(|r| r["rfid"] == "A1B2C3D4"), "{carded}");

    // The shared charger counts in the statistics from the day it was shared only.
    let shared = chargers.iter().find(|c| c["role"] == "viewer").unwrap()["id"].as_str().unwrap().to_owned();
    let (all_charges, since_shared): (i64, i64) = app.query(
        &format!(
            "SELECT COUNT(*), SUM(started_at >= (SELECT shared_at FROM shares WHERE charger_id = '{shared}'))
             FROM charge_sessions WHERE charger_id = '{shared}'"
        ),
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert!(0 < since_shared && since_shared < all_charges, "{since_shared} of {all_charges}");
    let today = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let from = today - chrono::Duration::days(demo::HISTORY_DAYS + 2);
    let statistics: Value = app
        .get(&format!("/api/statistics?from={from}&to={today}&bucket=month&charger={shared}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(statistics["totals"]["sessions"], since_shared, "{statistics}");
}
