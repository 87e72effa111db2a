//! The history of charges: filters, sorting, paging, one charge's prices, and the CSV.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

async fn past(app: &TestApp, id: &str, started_at: i64, minutes: u32, power_w: f64) {
    let body = json!({"started_at": started_at, "minutes": minutes, "power_w": power_w});
    let response = app.post(&format!("/api/dev/chargers/{id}/sessions"), body).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn page(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/sessions?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// 2025-11-01T00:00:00+01:00.
const NOV_1: i64 = 1_761_951_600;
const DAY: i64 = 86_400;

#[tokio::test]
async fn the_history_filters_sorts_and_pages() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let home = app.paired("trydan", "Home").await;
    let office = app.paired("denka", "Office").await;
    app.put(&format!("/api/chargers/{home}/tariff"), json!({"kind": "flat", "price": 200_000})).await;
    for day in 0..6 {
        past(&app, &home, NOV_1 + day * DAY + 20 * 3600, 30 + day as u32 * 10, 7_400.0).await;
    }
    past(&app, &office, NOV_1 + 2 * DAY + 9 * 3600, 120, 11_000.0).await;
    app.query::<i64>(
        &format!("UPDATE charge_sessions SET rfid = 'CAFE01' WHERE charger_id = '{office}' RETURNING 0"),
        |r| r.get(0),
    );

    let all = page(&app, "").await;
    assert_eq!(all["total"], 7);
    let starts: Vec<i64> =
        all["rows"].as_array().unwrap().iter().map(|r| r["started_at"].as_i64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first: {starts:?}");

    let homes = page(&app, &format!("charger={home}&per_page=4&page=2")).await;
    assert_eq!((homes["total"].as_i64(), homes["rows"].as_array().unwrap().len()), (Some(6), 2));
    assert!(homes["rows"].as_array().unwrap().iter().all(|r| r["charger_name"] == "Home"));

    let carded = page(&app, "rfid=CAFE01").await;
    assert_eq!(carded["total"], 1);
    assert_eq!(carded["rows"][0]["charger_id"], office.as_str());

    let days = page(&app, "from=2025-11-02&to=2025-11-03").await;
    assert_eq!(days["total"], 3, "two home charges and the office one on the 2nd and 3rd");

    let by_energy = page(&app, "sort=energy&order=asc").await;
    let energies: Vec<f64> =
        by_energy["rows"].as_array().unwrap().iter().map(|r| r["energy_wh"].as_f64().unwrap()).collect();
    assert!(energies.windows(2).all(|w| w[0] <= w[1]), "{energies:?}");
    for (query, field, problem) in [
        ("sort=name", "sort", "not_one_of"),
        ("order=up", "order", "not_one_of"),
        ("per_page=500", "per_page", "out_of_range"),
        ("from=1/11/2025", "from", "invalid_date"),
    ] {
        let (status, error) = error_of(app.get(&format!("/api/sessions?{query}")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(error["fields"][field]["problem"], problem, "{query}: {error}");
    }

    // One charge: its energy by hour and the price of each quarter.
    let id = homes["rows"][0]["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/sessions/{id}")).await.json().await.unwrap();
    assert!(detail["prices"].as_array().unwrap().iter().all(|p| p[2] == 200_000), "{detail}");
    assert_eq!(detail["tariff"]["kind"], "flat");
    let hourly_wh: f64 = detail["hourly"].as_array().unwrap().iter().map(|h| h[1].as_f64().unwrap()).sum();
    assert!((hourly_wh - detail["energy_wh"].as_f64().unwrap()).abs() < 0.01);
    let stranger = app.other_user("eve@example.com").await;
    let hidden = stranger.get(app.url(&format!("/api/sessions/{id}"))).send().await.unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_csv_has_headers_in_the_users_language_and_the_filtered_charges() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let home = app.paired("trydan", "Home").await;
    app.put(&format!("/api/chargers/{home}/tariff"), json!({"kind": "flat", "price": 200_000})).await;
    // 20:00–21:00 local on 2025-11-01 at 7.4 kW: 7.4 kWh, 1.48 €.
    past(&app, &home, NOV_1 + 20 * 3600, 60, 7_400.0).await;
    past(&app, &home, NOV_1 + 5 * DAY, 60, 7_400.0).await;
    let response = app.get("/api/sessions.csv?lang=es&to=2025-11-02").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("charges.csv"));
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Cargador;Inicio;Fin;Duración (min);Energía (kWh);Coste (€);Estimado;Tarjeta RFID");
    assert_eq!(lines[1], "\"Home\";2025-11-01 20:00;2025-11-01 21:00;60;7,400;1,48;no;\"\"");
    assert_eq!(lines.len(), 2, "the filter applies");
    let english = app.get("/api/sessions.csv?lang=en").await.text().await.unwrap();
    assert!(
        english.starts_with("Charger;Start;End;Duration (min);Energy (kWh);Cost (€);Estimated;RFID card\n")
    );
    assert!(english.contains(";7.400;1.48;no;"));
}
