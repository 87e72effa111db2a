//! Market prices: stored real files served by `GET /api/prices`, estimates where nothing is
//! stored, and the fetcher against a local stand-in for OMIE, REE and ESIOS.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::RawQuery;
use axum::http::HeaderMap;
use charge_mock_server::tariffs::{MarketPrice, fetch, omie, store};
use charge_model::madrid;
use charge_model::tariff::Market;
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, error_of, spawn_app};

const DST_END: &[u8] = include_bytes!("../fixtures/tariffs/omie/marginalpdbc_20251026.1");
const APIDATOS_OCT_31: &[u8] = include_bytes!("../fixtures/tariffs/aiopvpc/PRICES_APIDATOS_2021_10_31.json");
const ESIOS_OCT_31: &[u8] = include_bytes!("../fixtures/tariffs/aiopvpc/PRICES_ESIOS_1001_2021_10_31.json");

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn store_dst_end_day(app: &TestApp) {
    let prices = omie::parse_marginalpdbc(DST_END).unwrap();
    app.state.db.blocking(|conn| store::save(conn, Market::Omie, "omie", &prices, 0)).unwrap();
}

async fn prices(app: &TestApp, query: &str) -> reqwest::Response {
    app.get(&format!("/api/prices?{query}")).await
}

async fn get_points(app: &TestApp, query: &str) -> Vec<Value> {
    let response = prices(app, query).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn int(point: &Value, field: &str) -> i64 {
    point[field].as_i64().unwrap()
}

/// The points run back to back from the first day's local midnight to the last day's end.
fn assert_gapless(points: &[Value], from: NaiveDate, days: i64) {
    let mut at = madrid::day_start(from).timestamp();
    for point in points {
        assert_eq!(int(point, "start"), at, "{point}");
        assert!([15, 60].contains(&int(point, "minutes")), "{point}");
        at += int(point, "minutes") * 60;
    }
    assert_eq!(at, madrid::day_start(from + Duration::days(days)).timestamp());
}

#[tokio::test]
async fn stored_days_are_served_as_they_are_and_missing_days_are_estimated_by_the_hour() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    store_dst_end_day(&app);

    // Two days by default.
    let points = get_points(&app, "market=omie&from=2025-10-26").await;
    assert_gapless(&points, day(2025, 10, 26), 2);
    let (stored, estimated): (Vec<&Value>, Vec<&Value>) =
        points.iter().partition(|p| p["estimated"] == false);
    assert_eq!(stored.len(), 100, "the 25-hour day in quarters");
    assert_eq!(stored[0]["start"], 1_761_429_600, "2025-10-25T22:00:00Z");
    assert_eq!(stored[0]["minutes"], 15);
    assert_eq!(stored[0]["price"], 105_190, "105.19 €/MWh, the file's first line");
    assert_eq!(stored[99]["price"], 88_100, "88.1 €/MWh, its last");
    assert_eq!(estimated.len(), 24, "the next day, estimated by the hour");
    assert!(estimated.iter().all(|p| p["minutes"] == 60));
    assert_eq!(estimated[0]["start"], 1_761_519_600, "2025-10-26T23:00:00Z");
    // 00:00–01:00 local from the same hour the day before, the file's first four quarters:
    // (105.19 + 96.69 + 94.4 + 93.68) / 4 = 97.49 €/MWh.
    assert_eq!(estimated[0]["price"], 97_490);
}

#[tokio::test]
async fn days_with_nothing_stored_are_estimated_by_the_hour_with_23_or_25_on_dst_days() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    for (from, days, hours) in
        [("2026-03-29", 1, 23), ("2025-10-26", 1, 25), ("2026-04-15", 1, 24), ("2026-03-28", 3, 71)]
    {
        let points = get_points(&app, &format!("market=pvpc&from={from}&days={days}")).await;
        assert_eq!(points.len(), hours, "{from}");
        assert_gapless(&points, from.parse().unwrap(), days);
        assert!(points.iter().all(|p| p["estimated"] == true && p["minutes"] == 60 && p["price"] == 150_000));
    }
    // The OMIE default.
    let points = get_points(&app, "market=omie&from=2026-04-15&days=1").await;
    assert!(points.iter().all(|p| p["price"] == 90_000));
}

#[tokio::test]
async fn the_estimate_is_the_average_of_the_same_hour_over_the_week_before() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    // PVPC by the hour, 2025-11-09 … 2025-11-18 (winter, no DST change): hour h of day d costs
    // 100 000 + 1 000 × (d − 10) + h, except the 9th (too old) and the 18th (after).
    let mut prices = Vec::new();
    for d in 9..=18 {
        let start = madrid::day_start(day(2025, 11, d));
        for h in 0..24 {
            let micros_per_kwh = match d {
                9 => 1_000_000,
                18 => 2_000_000,
                _ => 100_000 + 1_000 * i64::from(d - 10) + h,
            };
            prices.push(MarketPrice { start: start + Duration::hours(h), minutes: 60, micros_per_kwh });
        }
    }
    // The 17th is not stored.
    prices.retain(|p| madrid::local(p.start).date() != day(2025, 11, 17));
    app.state.db.blocking(|conn| store::save(conn, Market::Pvpc, "test", &prices, 0)).unwrap();

    let points = get_points(&app, "market=pvpc&from=2025-11-17&days=2").await;
    assert_gapless(&points, day(2025, 11, 17), 2);
    assert_eq!(points.len(), 48);
    // The 17th: days 10 … 16 give 100 000 + 1 000 × (0 + 1 + … + 6) / 7 + h = 103 000 + h.
    for (h, point) in points[..24].iter().enumerate() {
        assert_eq!(point["estimated"], true);
        assert_eq!(int(point, "price"), 103_000 + h as i64, "hour {h}");
    }
    // The 18th as stored.
    assert!(points[24..].iter().all(|p| p["estimated"] == false && p["price"] == 2_000_000));
    // The 20th: days 13 … 16 and 18 (the 19th is not stored either), rounded half up:
    // (103 000 + 104 000 + 105 000 + 106 000 + 2 000 000 + 4 h) / 5 = 483 600 + 0.8 h.
    let points = get_points(&app, "market=pvpc&from=2025-11-20&days=1").await;
    let prices: Vec<i64> = points.iter().map(|p| int(p, "price")).collect();
    assert_eq!(prices[..4], [483_600, 483_601, 483_602, 483_602]);
    assert_eq!(prices[23], 483_618, "483 618.4");
}

#[tokio::test]
async fn bad_queries_name_the_field_and_prices_need_a_session() {
    let app = spawn_app().await;
    let (status, error) = error_of(prices(&app, "market=omie&from=2025-10-26").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    app.logged_in_user("ana@example.com").await;
    for (query, field) in [
        ("market=gas&from=2025-10-26", "market"),
        ("from=2025-10-26", "market"),
        ("market=omie&from=26/10/2025", "from"),
        ("market=omie&from=2025-02-30", "from"),
        ("market=omie", "from"),
        ("market=omie&from=2025-10-26&days=0", "days"),
        ("market=omie&from=2025-10-26&days=8", "days"),
        ("market=omie&from=2025-10-26&days=two", "days"),
    ] {
        let (status, error) = error_of(prices(&app, query).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(error["fields"][field].is_object(), "{query}: {error}");
    }
    let (_, error) = error_of(prices(&app, "days=9").await).await;
    let fields = error["fields"].as_object().unwrap();
    assert!(["market", "from", "days"].iter().all(|f| fields.contains_key(*f)), "{error}");
}

/// What a stand-in for the price sites was asked, by path and query.
type Requests = Arc<Mutex<Vec<String>>>;

/// A stand-in for omie.es, apidatos.ree.es and api.esios.ree.es on one local port, serving
/// real files. OMIE: the 2025-10-26 file; for the 27th the same file (the wrong day), for the
/// 28th an HTML page, for the 29th nothing for 5 s; else 404. REE and ESIOS: 2021-10-31.
async fn fake_sources() -> (String, Requests) {
    let requests: Requests = Arc::default();
    let omie = |RawQuery(query): RawQuery| async move {
        let query = query.unwrap_or_default();
        match query.rsplit("filename=").next().unwrap_or_default() {
            "marginalpdbc_20251026.1" | "marginalpdbc_20251027.1" => (StatusCode::OK, DST_END.to_vec()),
            "marginalpdbc_20251028.1" => (StatusCode::OK, b"<html>No encontrado</html>".to_vec()),
            "marginalpdbc_20251029.1" => {
                tokio::time::sleep(StdDuration::from_secs(5)).await;
                (StatusCode::OK, DST_END.to_vec())
            }
            _ => (StatusCode::NOT_FOUND, Vec::new()),
        }
    };
    let ree = |RawQuery(query): RawQuery| async move {
        let query = query.unwrap_or_default();
        if query == "start_date=2021-10-31T00:00&end_date=2021-10-31T23:59&time_trunc=hour" {
            (StatusCode::OK, APIDATOS_OCT_31.to_vec())
        } else {
            (StatusCode::NOT_FOUND, Vec::new())
        }
    };
    let esios = |headers: HeaderMap, RawQuery(query): RawQuery| async move {
        let header =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if header("x-api-key") != "secret-token"
            || header("accept") != "application/json; application/vnd.esios-api-v1+json"
        {
            return (StatusCode::FORBIDDEN, Vec::new());
        }
        if query.unwrap_or_default() == "start_date=2021-10-31T00:00&end_date=2021-10-31T23:59" {
            (StatusCode::OK, ESIOS_OCT_31.to_vec())
        } else {
            (StatusCode::NOT_FOUND, Vec::new())
        }
    };
    let log = requests.clone();
    let router = axum::Router::new()
        .route("/es/file-download", axum::routing::get(omie))
        .route("/es/datos/mercados/precios-mercados-tiempo-real", axum::routing::get(ree))
        .route("/indicators/1001", axum::routing::get(esios))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(request.uri().to_string());
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (address, requests)
}

/// Stored rows by (market, source), and the sum of their prices.
fn stored(app: &TestApp) -> (HashMap<(String, String), i64>, i64) {
    app.state.db.blocking(|conn| {
        let mut statement = conn
            .prepare("SELECT market, source, COUNT(*) FROM market_prices GROUP BY market, source")
            .unwrap();
        let counts = statement
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let sum = conn
            .query_row("SELECT COALESCE(SUM(micros_per_kwh), 0) FROM market_prices", [], |r| r.get(0))
            .unwrap();
        (counts, sum)
    })
}

fn key(market: &str, source: &str) -> (String, String) {
    (market.to_owned(), source.to_owned())
}

#[tokio::test]
async fn the_fetcher_stores_real_files_and_does_not_fetch_stored_days_again() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let (address, requests) = fake_sources().await;
    let mut sources = fetch::Sources::from_config(&app.state.config);
    sources.omie_url.clone_from(&address);
    sources.ree_url.clone_from(&address);
    let client = fetch::client().unwrap();

    // OMIE has 2025-10-26, REE has 2021-10-31; each lacks the other day (404s, logged).
    let dates = [day(2025, 10, 26), day(2021, 10, 31)];
    let count = fetch::refresh_days(&app.state.db, &app.state.clock, &client, &sources, &dates).await;
    assert_eq!(count, 100 + 25);
    let (counts, _) = stored(&app);
    assert_eq!(counts, HashMap::from([(key("omie", "omie"), 100), (key("pvpc", "ree"), 25)]));
    assert_eq!(requests.lock().unwrap().len(), 4);
    // The fetched file is what the API serves.
    let omie = get_points(&app, "market=omie&from=2025-10-26&days=1").await;
    assert_eq!(omie.len(), 100);
    assert!(omie[0]["price"] == 105_190 && omie.iter().all(|p| p["estimated"] == false));
    // 171.48 €/MWh, the first hour of the REE file.
    let pvpc = get_points(&app, "market=pvpc&from=2021-10-31&days=1").await;
    assert_eq!(pvpc.len(), 25);
    assert!(pvpc[0]["price"] == 171_480 && pvpc.iter().all(|p| p["estimated"] == false));

    // Again: the stored days are not asked for, the missing ones are.
    requests.lock().unwrap().clear();
    assert_eq!(fetch::refresh_days(&app.state.db, &app.state.clock, &client, &sources, &dates).await, 0);
    let asked = requests.lock().unwrap().clone();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked.iter().any(|uri| uri.contains("marginalpdbc_20211031.1")), "{asked:?}");
    assert!(asked.iter().any(|uri| uri.contains("start_date=2025-10-26T00:00")), "{asked:?}");
}

#[tokio::test]
async fn with_a_token_the_pvpc_comes_from_esios() {
    let app = spawn_app().await;
    let (address, _) = fake_sources().await;
    let mut sources = fetch::Sources::from_config(&app.state.config);
    sources.esios_url.clone_from(&address);
    sources.esios_token = Some("secret-token".to_owned());
    let client = fetch::client().unwrap();
    let (source, prices) =
        fetch::fetch_day(&client, &sources, Market::Pvpc, day(2021, 10, 31)).await.unwrap();
    assert_eq!((source, prices.len(), prices[0].micros_per_kwh), ("esios", 25, 171_480));
    assert_eq!(prices[0].start, madrid::day_start(day(2021, 10, 31)));

    sources.esios_token = Some("wrong".to_owned());
    let refused = fetch::fetch_day(&client, &sources, Market::Pvpc, day(2021, 10, 31)).await;
    assert!(matches!(refused, Err(fetch::FetchError::Status(StatusCode::FORBIDDEN))), "{refused:?}");
}

#[tokio::test]
async fn every_kind_of_failure_is_an_error_and_leaves_the_stored_prices_alone() {
    let app = spawn_app().await;
    let (address, _) = fake_sources().await;
    let mut sources = fetch::Sources::from_config(&app.state.config);
    sources.omie_url.clone_from(&address);
    let client = fetch::client_with_timeout(StdDuration::from_millis(500)).unwrap();
    let omie = |sources: fetch::Sources, date| {
        let client = client.clone();
        async move { fetch::fetch_day(&client, &sources, Market::Omie, date).await }
    };

    let missing = omie(sources.clone(), day(2025, 10, 30)).await;
    assert!(matches!(missing, Err(fetch::FetchError::Status(StatusCode::NOT_FOUND))), "{missing:?}");
    let wrong_day = omie(sources.clone(), day(2025, 10, 27)).await;
    assert!(matches!(wrong_day, Err(fetch::FetchError::NoPrices(_))), "{wrong_day:?}");
    let html = omie(sources.clone(), day(2025, 10, 28)).await;
    assert!(matches!(html, Err(fetch::FetchError::Parse(_))), "{html:?}");
    let slow = omie(sources.clone(), day(2025, 10, 29)).await;
    assert!(matches!(&slow, Err(fetch::FetchError::Http(error)) if error.is_timeout()), "{slow:?}");
    // The test configuration's sources: a closed local port.
    let refused = omie(fetch::Sources::from_config(&app.state.config), day(2025, 10, 26)).await;
    assert!(matches!(refused, Err(fetch::FetchError::Http(_))), "{refused:?}");
    // A name that cannot resolve.
    let mut nowhere = sources.clone();
    nowhere.omie_url = "http://prices.invalid".to_owned();
    let unresolved = omie(nowhere.clone(), day(2025, 10, 26)).await;
    assert!(matches!(unresolved, Err(fetch::FetchError::Http(_))), "{unresolved:?}");

    // A refresh through each of them stores nothing, keeps what was stored, and does not panic.
    store_dst_end_day(&app);
    let before = stored(&app);
    let dates = [day(2025, 10, 27), day(2025, 10, 28), day(2025, 10, 29), day(2025, 10, 30)];
    for sources in [sources, nowhere, fetch::Sources::from_config(&app.state.config)] {
        assert_eq!(fetch::refresh_days(&app.state.db, &app.state.clock, &client, &sources, &dates).await, 0);
        assert_eq!(stored(&app), before);
    }
    fetch::refresh(&app.state.db, &app.state.clock, &client, &fetch::Sources::from_config(&app.state.config))
        .await;
    assert_eq!(stored(&app), before);
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
