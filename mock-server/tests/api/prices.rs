//! Market prices: stored real files served by `GET /api/prices`, estimates where nothing is
//! stored, and the fetcher against a local stand-in for OMIE.

use charge_mock_server::tariffs::{fetch, omie, store};
use charge_model::tariff::Market;
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, error_of, spawn_app};

const DST_END: &[u8] = include_bytes!("../fixtures/tariffs/omie/marginalpdbc_20251026.1");

fn store_dst_end_day(app: &TestApp) {
    let prices = omie::parse_marginalpdbc(DST_END).unwrap();
    app.state.db.blocking(|conn| store::save(conn, Market::Omie, "omie", &prices, 0)).unwrap();
}

async fn prices(app: &TestApp, query: &str) -> reqwest::Response {
    app.get(&format!("/api/prices?{query}")).await
}

#[tokio::test]
async fn stored_days_are_served_as_they_are_and_missing_days_are_estimated_by_the_hour() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    store_dst_end_day(&app);

    let points: Vec<Value> = prices(&app, "market=omie&from=2025-10-26&days=2").await.json().await.unwrap();
    let (stored, estimated): (Vec<&Value>, Vec<&Value>) =
        points.iter().partition(|p| p["estimated"] == false);
    assert_eq!(stored.len(), 100, "the 25-hour day in quarters");
    assert_eq!(stored[0]["start"], 1_761_429_600, "2025-10-25T22:00:00Z");
    assert_eq!(stored[0]["minutes"], 15);
    assert_eq!(stored[0]["price"], 105_190);
    assert_eq!(estimated.len(), 24, "the next day, estimated by the hour");
    assert_eq!(estimated[0]["start"], 1_761_519_600, "2025-10-26T23:00:00Z");
    // 00:00–01:00 local is estimated from the same hour of the stored day.
    let first_hour: i64 = stored[..4].iter().map(|p| p["price"].as_i64().unwrap()).sum::<i64>() / 4;
    assert_eq!(estimated[0]["price"], first_hour);

    let nothing: Vec<Value> = prices(&app, "market=pvpc&from=2026-03-29&days=1").await.json().await.unwrap();
    assert_eq!(nothing.len(), 23, "a 23-hour day");
    assert!(nothing.iter().all(|p| p["estimated"] == true && p["price"] == 150_000));
}

#[tokio::test]
async fn bad_queries_name_the_field_and_prices_need_a_session() {
    let app = spawn_app().await;
    assert_eq!(prices(&app, "market=omie&from=2025-10-26").await.status(), StatusCode::UNAUTHORIZED);
    app.logged_in_user("ana@example.com").await;
    for (query, field) in [
        ("market=gas&from=2025-10-26", "market"),
        ("market=omie&from=26/10/2025", "from"),
        ("market=omie", "from"),
        ("market=omie&from=2025-10-26&days=9", "days"),
        ("market=omie&from=2025-10-26&days=two", "days"),
    ] {
        let (status, error) = error_of(prices(&app, query).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(error["fields"][field].is_object(), "{query}: {error}");
    }
}

/// A stand-in for omie.es serving one real file.
async fn fake_omie() -> String {
    let router = axum::Router::new().route(
        "/es/file-download",
        axum::routing::get(|axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
            if query.unwrap_or_default().contains("marginalpdbc_20251026.1") {
                (StatusCode::OK, DST_END.to_vec())
            } else {
                (StatusCode::NOT_FOUND, Vec::new())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    address
}

#[tokio::test]
async fn the_fetcher_stores_a_real_file_and_survives_an_unreachable_source() {
    let app = spawn_app().await;
    let mut sources = fetch::Sources::from_config(&app.state.config);
    sources.omie_url = fake_omie().await;
    let client = fetch::client();
    let day = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
    let (source, fetched) = fetch::fetch_day(&client, &sources, Market::Omie, day).await.unwrap();
    assert_eq!((source, fetched.len()), ("omie", 100));
    let missing = fetch::fetch_day(&client, &sources, Market::Omie, day.succ_opt().unwrap()).await;
    assert!(matches!(missing, Err(fetch::FetchError::Status(StatusCode::NOT_FOUND))), "{missing:?}");

    // The configured sources of the test config are unreachable: nothing panics, nothing changes.
    store_dst_end_day(&app);
    fetch::refresh(&app.state, &client, &fetch::Sources::from_config(&app.state.config)).await;
    let count: i64 = app.query("SELECT COUNT(*) FROM market_prices", |r| r.get(0));
    assert_eq!(count, 100);
}

#[tokio::test]
async fn a_charge_under_the_spot_tariff_is_priced_from_the_stored_quarters_by_hand() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    store_dst_end_day(&app);
    let id = app.paired("trydan", "Garage").await;
    let spot = serde_json::json!({"kind": "omie_spot"});
    assert_eq!(app.put(&format!("/api/chargers/{id}/tariff"), spot).await.status(), StatusCode::OK);
    // 00:00–01:00 UTC on 2025-10-26 at 4 kW: 1 kWh in each quarter, across the repeated hour.
    let past = serde_json::json!({"started_at": 1_761_436_800, "minutes": 60, "power_w": 4000});
    let response = app.post(&format!("/api/dev/chargers/{id}/sessions"), past).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let page: Value = app.get(&format!("/api/sessions?charger={id}")).await.json().await.unwrap();
    let sessions = page["rows"].as_array().unwrap();
    // Quarters 9–12 of the day (the day starts 2025-10-25T22:00Z), by hand from the file.
    let file = String::from_utf8_lossy(DST_END);
    let quarter = |period: u32| -> i128 {
        let line = file.lines().find(|l| l.starts_with(&format!("2025;10;26;{period};"))).unwrap();
        let euros_per_mwh: f64 = line.split(';').nth(5).unwrap().parse().unwrap();
        (euros_per_mwh * 1000.0).round() as i128
    };
    let pico: i128 = (9..=12).map(|p| 1_000_000 * quarter(p)).sum();
    let cents = ((pico + 5_000_000_000) / 10_000_000_000) as i64;
    assert_eq!(sessions[0]["cost"]["cents"], cents, "{sessions:?}");
    assert_eq!(sessions[0]["cost"]["estimated"], false);
}
