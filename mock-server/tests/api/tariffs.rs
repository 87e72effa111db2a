//! Tariffs: boundaries of time ranges on quarter-hours, and an indexed tariff that needs only
//! the retailer's margin because the regulated tolls and charges come from the model's table.

use charge_mock_server::tariffs::{omie, store};
use charge_model::sessions::SessionDetail;
use charge_model::tariff::{Market, Price, Tariff};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, error_of, spawn_app};

/// Monday 2025-09-15, OMIE hour by hour (CEST).
const SEP_15: &[u8] = include_bytes!("../fixtures/tariffs/omie/marginalpdbc_20250915.1");

fn store_sep_15(app: &TestApp) {
    let prices = omie::parse_marginalpdbc(SEP_15).unwrap();
    app.state.db.blocking(|conn| store::save(conn, Market::Omie, "omie", &prices, 0)).unwrap();
}

#[tokio::test]
async fn a_range_boundary_inside_a_quarter_hour_is_refused_field_by_field() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;

    let off = json!({"kind": "time_ranges", "ranges": [
        {"start": 0, "end": 1330, "price": 300_000},
        {"start": 1330, "end": 1440, "price": 100_000},
    ]});
    let (status, error) = error_of(app.put(&format!("/api/chargers/{id}/tariff"), off).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["ranges"]["problem"], "off_quarter_hour", "{error}");
    assert_eq!(error["fields"]["ranges"]["detail"], "22:10", "{error}");

    let mut days = vec![json!([{"start": 0, "end": 1440, "price": 150_000}]); 7];
    days[4] =
        json!([{"start": 0, "end": 487, "price": 90_000}, {"start": 487, "end": 1440, "price": 150_000}]);
    let weekly = json!({"kind": "day_time_ranges", "days": days});
    let (status, error) = error_of(app.put(&format!("/api/chargers/{id}/tariff"), weekly).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["days.4"]["problem"], "off_quarter_hour", "{error}");

    let on = json!({"kind": "time_ranges", "ranges": [
        {"start": 0, "end": 1335, "price": 300_000},
        {"start": 1335, "end": 1440, "price": 100_000},
    ]});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), on).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_indexed_tariff_saved_with_a_margin_only_prices_with_the_regulated_tolls() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    store_sep_15(&app);

    let saved =
        app.put(&format!("/api/chargers/{id}/tariff"), json!({"kind": "indexed", "margin": 10_000})).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let tariff: Tariff = app.get(&format!("/api/chargers/{id}/tariff")).await.json().await.unwrap();
    assert_eq!(tariff, Tariff::Indexed { margin: Price(10_000), p1: None, p2: None, p3: None });

    // 18:00–19:00 CEST (16:00Z) on Monday 2025-09-15 at 7.4 kW: 7.4 kWh in P1.
    let body = json!({"started_at": 1_757_952_000, "minutes": 60, "power_w": 7_400.0});
    let recorded = app.post(&format!("/api/dev/chargers/{id}/sessions"), body).await;
    assert_eq!(recorded.status(), StatusCode::NO_CONTENT);
    let page: serde_json::Value = app.get("/api/sessions").await.json().await.unwrap();
    let session = page["rows"][0]["id"].as_i64().unwrap();
    let detail: SessionDetail = app.get(&format!("/api/sessions/{session}")).await.json().await.unwrap();

    // OMIE 43.99 €/MWh (the file's hour 19) + 2025 P1 tolls and charges 0.092539 €/kWh +
    // margin 0.010 = 0.146529 €/kWh; 7.4 kWh × 0.146529 € = 1.0843 €.
    assert!(detail.prices.iter().all(|p| p.2 == 146_529), "{:?}", detail.prices);
    assert_eq!(detail.row.session.cost.cents, 108);
    assert!(!detail.row.session.cost.estimated);

    // Typed tolls still win over the regulated ones.
    let overridden = json!({"kind": "indexed", "margin": 10_000, "p1": 50_000});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), overridden).await.status(), StatusCode::OK);
    let body = json!({"started_at": 1_757_952_000 + 3_600, "minutes": 15, "power_w": 4_000.0});
    app.post(&format!("/api/dev/chargers/{id}/sessions"), body).await;
    let page: serde_json::Value =
        app.get("/api/sessions?sort=started_at&order=desc").await.json().await.unwrap();
    let session = page["rows"][0]["id"].as_i64().unwrap();
    let detail: SessionDetail = app.get(&format!("/api/sessions/{session}")).await.json().await.unwrap();
    // 19:00–19:15: OMIE 94.17 €/MWh (hour 20) + 0.050 + 0.010 = 0.15417 €/kWh.
    assert_eq!(detail.prices[0].2, 154_170, "{:?}", detail.prices);
}
