//! A Trydan paired by its address: the server reads and writes the local API of a simulated
//! Trydan (`trydan::local::router`) on a free port, as it would a real one on the network.

use std::time::Duration;

use charge_mock_server::simulator::Car;
use charge_mock_server::trydan::client::TrydanClient;
use charge_mock_server::trydan::local;
use charge_mock_server::{AppState, Config};
use charge_model::charger::{ChargerDetail, ChargerId, ChargerModel, ChargerStatus, ChargerSummary};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::helpers::{TestApp, error_of, spawn_app};

/// A simulated Trydan answering V2C's local API on a loopback port, until stopped.
struct LocalTrydan {
    address: String,
    client: TrydanClient,
    stop: Option<oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<()>,
}

impl LocalTrydan {
    /// Simulated in the app's own simulator (under an ID of its own, not paired in the portal),
    /// with a car plugged in.
    async fn start(app: &TestApp) -> LocalTrydan {
        let id = ChargerId::parse("LOCALTRY01").unwrap();
        app.state.simulator.add(id.clone(), ChargerModel::Trydan, "2.3.4".to_owned());
        let car = Car { max_current_a: 32.0, phases: 1, capacity_wh: 60_000.0, soc: 0.3, target_soc: 0.9 };
        assert!(app.state.simulator.plug_car(&id, Some(car)));
        LocalTrydan::serve(app, "127.0.0.1:0").await
    }

    /// Serves the local API of the charger [`LocalTrydan::start`] simulates at `address`.
    async fn serve(app: &TestApp, address: &str) -> LocalTrydan {
        let id = ChargerId::parse("LOCALTRY01").unwrap();
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (stop, stopping) = oneshot::channel::<()>();
        let router = local::router(app.state.simulator.clone(), id);
        let served = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopping.await;
                })
                .await
                .unwrap();
        });
        let client = TrydanClient::new(&address).unwrap();
        LocalTrydan { address, client, stop: Some(stop), served }
    }

    /// Stops answering: the server closes, with its open connections.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(5), self.served).await.unwrap().unwrap();
    }
}

async fn pair(app: &TestApp, address: &str) -> ChargerSummary {
    let response = app.post("/api/chargers/trydan", json!({"address": address, "name": "Garage"})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn listed_status(app: &TestApp, id: &str) -> ChargerStatus {
    let list: Vec<ChargerSummary> = app.get("/api/chargers").await.json().await.unwrap();
    list.into_iter().find(|c| c.id.as_str() == id).expect("listed").status
}

/// Asks `/api/chargers` until `done` holds for the charger's status (20 s at most).
async fn status_until(app: &TestApp, id: &str, done: impl Fn(&ChargerStatus) -> bool) -> ChargerStatus {
    let mut status = listed_status(app, id).await;
    for _ in 0..200 {
        if done(&status) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = listed_status(app, id).await;
    }
    status
}

async fn put_ok(app: &TestApp, path: &str, body: Value) -> ChargerStatus {
    let response = app.put(path, body).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}: {}", response.text().await.unwrap());
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_trydan_paired_by_address_is_read_and_driven_through_its_local_api() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let trydan = LocalTrydan::start(&app).await;

    let summary = pair(&app, &trydan.address).await;
    assert_eq!(summary.model, ChargerModel::Trydan);
    assert!(summary.status.online, "the first reading is shown at once: {:?}", summary.status);
    assert_eq!((summary.status.intensity_a, summary.status.charge_power_w), (16, 16.0 * 230.0));
    let id = summary.id.to_string();
    let link: String = app.query(&format!("SELECT link FROM chargers WHERE id = '{id}'"), |r| r.get(0));
    assert_eq!(link, "trydan");

    let detail: ChargerDetail = app.get(&format!("/api/chargers/{id}")).await.json().await.unwrap();
    let info = detail.trydan.expect("the detail says how the charger is reached");
    assert_eq!((info.address.as_str(), info.connected), (trydan.address.as_str(), true));
    assert_eq!(info.serial.as_deref(), Some("LOCALTRY01"));
    assert_eq!(detail.ocpp, None);

    // Each control reaches the charger's local API, and the answer is what it reads back.
    let status = put_ok(&app, &format!("/api/chargers/{id}/lock"), json!({"locked": true})).await;
    assert!(status.locked);
    assert_eq!(trydan.client.read().await.unwrap().locked, 1);
    put_ok(&app, &format!("/api/chargers/{id}/lock"), json!({"locked": false})).await;
    let status = put_ok(&app, &format!("/api/chargers/{id}/pause"), json!({"paused": true})).await;
    assert!(status.paused && status.charge_power_w == 0.0, "{status:?}");
    assert_eq!(trydan.client.read().await.unwrap().paused, 1);
    put_ok(&app, &format!("/api/chargers/{id}/pause"), json!({"paused": false})).await;
    let status = put_ok(&app, &format!("/api/chargers/{id}/intensity"), json!({"amps": 10})).await;
    assert_eq!((status.intensity_a, status.charge_power_w), (10, 10.0 * 230.0));
    let data = trydan.client.read().await.unwrap();
    assert_eq!((data.intensity, data.locked, data.paused), (10, 0, 0));

    // New limits: minimum and maximum current written, the current brought inside them.
    let mut settings = serde_json::to_value(&detail.settings).unwrap();
    settings["min_current_a"] = json!(12);
    settings["max_current_a"] = json!(20);
    let response = app.put(&format!("/api/chargers/{id}/settings"), settings).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let data = trydan.client.read().await.unwrap();
    assert_eq!((data.min_intensity, data.max_intensity, data.intensity), (12, 20, 12));

    // What the local API cannot do is refused, not pretended.
    let response = app.post(&format!("/api/chargers/{id}/operations"), json!({"operation": "restart"})).await;
    let (code, body) = error_of(response).await;
    assert_eq!(
        (code, &body["fields"]["operation"]["problem"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("not_supported"))
    );

    // The charger stops answering: offline after two failed reads, and live commands are refused.
    trydan.stop().await;
    let status = status_until(&app, &id, |s| !s.online).await;
    assert!(!status.online, "{status:?}");
    assert_eq!(status.charge_power_w, 0.0);
    let response = app.put(&format!("/api/chargers/{id}/lock"), json!({"locked": true})).await;
    let (code, body) = error_of(response).await;
    assert_eq!((code, &body["reason"]), (StatusCode::CONFLICT, &json!("charger_offline")));
    let detail: ChargerDetail = app.get(&format!("/api/chargers/{id}")).await.json().await.unwrap();
    assert!(!detail.trydan.unwrap().connected);
}

#[tokio::test]
async fn an_address_where_no_trydan_answers_is_refused_on_the_address_field() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    // Nothing listens; something answers but not as a Trydan (this server: 404 at /RealTimeData).
    let not_a_trydan = app.address.trim_start_matches("http://").to_owned();
    for (address, problem) in [
        (closed.as_str(), "no_trydan_at_address"),
        (not_a_trydan.as_str(), "no_trydan_at_address"),
        ("http://192.168.1.20", "invalid_trydan_address"),
        ("192.168.1.20/RealTimeData", "invalid_trydan_address"),
        // Not on a local network: never asked (the server is no proxy to other hosts).
        ("8.8.8.8", "invalid_trydan_address"),
        ("[2001:4860:4860::8888]:80", "invalid_trydan_address"),
        ("", "required"),
    ] {
        let response = app.post("/api/chargers/trydan", json!({"address": address, "name": "Garage"})).await;
        let (code, body) = error_of(response).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{address}: {body}");
        assert_eq!(body["fields"]["address"]["problem"], problem, "{address}: {body}");
    }
    let response = app.post("/api/chargers/trydan", json!({"address": 7, "name": "Garage"})).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list: Vec<Value> = app.get("/api/chargers").await.json().await.unwrap();
    assert!(list.is_empty(), "nothing was paired: {list:?}");

    // Documented with the rest of the API.
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let operation = &spec["paths"]["/api/chargers/trydan"]["post"];
    for status in ["201", "409", "422"] {
        assert!(operation["responses"][status].is_object(), "{status}: {operation}");
    }
    let schemas = &spec["components"]["schemas"];
    assert!(schemas["TrydanPairRequest"]["properties"]["address"].is_object());
    assert!(schemas["ChargerDetail"]["properties"]["trydan"].is_object());
}

#[tokio::test]
async fn addresses_tried_are_limited_per_user() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    for _ in 0..20 {
        let response = app.post("/api/chargers/trydan", json!({"address": closed, "name": "Garage"})).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = app.post("/api/chargers/trydan", json!({"address": closed, "name": "Garage"})).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn the_same_address_twice_is_refused_and_a_removed_trydan_is_forgotten() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let trydan = LocalTrydan::start(&app).await;
    let id = pair(&app, &trydan.address).await.id.to_string();
    let response =
        app.post("/api/chargers/trydan", json!({"address": trydan.address, "name": "Again"})).await;
    let (code, body) = error_of(response).await;
    assert_eq!(
        (code, &body["fields"]["address"]["problem"]),
        (StatusCode::CONFLICT, &json!("already_yours"))
    );

    assert_eq!(app.delete(&format!("/api/chargers/{id}")).await.status(), StatusCode::NO_CONTENT);
    let left: i64 = app.query(
        &format!(
            "SELECT (SELECT COUNT(*) FROM chargers WHERE id = '{id}') + (SELECT COUNT(*) FROM trydan_links)"
        ),
        |r| r.get(0),
    );
    assert_eq!(left, 0);
    assert_eq!(app.get(&format!("/api/chargers/{id}")).await.status(), StatusCode::NOT_FOUND);
    // Pairable again.
    pair(&app, &trydan.address).await;
}

#[tokio::test]
async fn a_paired_trydan_is_polled_again_when_the_server_starts() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let trydan = LocalTrydan::start(&app).await;
    let id = pair(&app, &trydan.address).await.id;
    put_ok(&app, &format!("/api/chargers/{id}/intensity"), json!({"amps": 9})).await;

    // A second server on the same database: it knows the Trydan, offline until it polls.
    let restarted = AppState::new(Config::for_tests(app.state.config.database.clone())).unwrap();
    let before = restarted.links.status(&id).expect("known at start-up");
    assert!(!before.online);
    restarted.links.start();
    let mut status = before;
    for _ in 0..50 {
        if status.online {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = restarted.links.status(&id).unwrap();
    }
    assert!(status.online && status.intensity_a == 9, "{status:?}");
    restarted.links.shutdown().await;
}

#[tokio::test]
async fn limits_set_while_the_trydan_does_not_answer_are_written_when_it_answers_again() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let trydan = LocalTrydan::start(&app).await;
    let id = pair(&app, &trydan.address).await.id.to_string();
    let address = trydan.address.clone();
    trydan.stop().await;
    assert!(!status_until(&app, &id, |s| !s.online).await.online);

    // The settings are saved (a name, the limits): the limits wait for the charger.
    let detail: ChargerDetail = app.get(&format!("/api/chargers/{id}")).await.json().await.unwrap();
    let mut settings = serde_json::to_value(&detail.settings).unwrap();
    settings["min_current_a"] = json!(8);
    settings["max_current_a"] = json!(24);
    let response = app.put(&format!("/api/chargers/{id}/settings"), settings).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

    let back = LocalTrydan::serve(&app, &address).await;
    let status = status_until(&app, &id, |s| s.online).await;
    assert!(status.online, "answers again (after the backoff): {status:?}");
    let mut data = back.client.read().await.unwrap();
    for _ in 0..50 {
        if (data.min_intensity, data.max_intensity) == (8, 24) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        data = back.client.read().await.unwrap();
    }
    assert_eq!((data.min_intensity, data.max_intensity, data.intensity), (8, 24, 16));
}
