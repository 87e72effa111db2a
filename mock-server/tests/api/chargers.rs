//! Pairing, the list, settings, cards and removal.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};

#[tokio::test]
async fn pairing_makes_the_user_the_owner() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.unpaired("trydan").await;

    let response = app.post("/api/chargers", json!({"id": id.to_lowercase(), "name": "  Garage  "})).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let charger: Value = response.json().await.unwrap();
    assert_eq!(charger["id"], id.as_str());
    assert_eq!(charger["name"], "Garage");
    assert_eq!(charger["model"], "trydan");
    assert_eq!(charger["role"], "owner");
    assert_eq!(charger["status"]["online"], true);
    assert_eq!(charger["status"]["state"], "disconnected");
    let list: Vec<Value> = app.get("/api/chargers").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
}

#[tokio::test]
async fn an_unknown_or_malformed_id_is_refused_next_to_the_field() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let cases = [
        (json!({"id": "ZZZZZZZZZZ", "name": "X"}), "id", "unknown_charger", "No charger with this ID"),
        (json!({"id": "ABC", "name": "X"}), "id", "invalid_charger_id", "10 letters and digits"),
        (json!({"id": "", "name": "X"}), "id", "required", "required"),
        (json!({"id": "ZZZZZZZZZZ", "name": " "}), "name", "required", "required"),
        (json!({"id": "ZZZZZZZZZZ", "name": "n".repeat(41)}), "name", "too_long", "at most 40"),
    ];
    for (body, field, problem, words) in cases {
        let (status, error) = error_of(app.post("/api/chargers", body.clone()).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error["fields"][field]["problem"], problem, "{body}: {error}");
        assert!(error["fields"][field]["message"].as_str().unwrap().contains(words), "{error}");
    }
    let list: Vec<Value> = app.get("/api/chargers").await.json().await.unwrap();
    assert!(list.is_empty());
}

#[tokio::test]
async fn a_charger_paired_by_someone_else_says_its_owner_can_share_it() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("denka", "Ana's").await;

    let (status, error) = error_of(app.post("/api/chargers", json!({"id": id, "name": "Again"})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["fields"]["id"]["problem"], "already_yours");

    let bob = new_client();
    app.confirmed_user("bob@example.com").await;
    let login = json!({"email": "bob@example.com", "password": PASSWORD});
    bob.post(app.url("/api/auth/login")).json(&login).send().await.unwrap();
    let response =
        bob.post(app.url("/api/chargers")).json(&json!({"id": id, "name": "Mine"})).send().await.unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["fields"]["id"]["problem"], "charger_taken");
    assert!(error["fields"]["id"]["message"].as_str().unwrap().contains("owner to share it"));
    let bobs: Vec<Value> = bob.get(app.url("/api/chargers")).send().await.unwrap().json().await.unwrap();
    assert!(bobs.is_empty());
}

#[tokio::test]
async fn other_users_chargers_do_not_exist_for_a_stranger() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Ana's").await;
    let stranger = new_client();
    app.confirmed_user("eve@example.com").await;
    let login = json!({"email": "eve@example.com", "password": PASSWORD});
    stranger.post(app.url("/api/auth/login")).json(&login).send().await.unwrap();

    for path in [
        format!("/api/chargers/{id}"),
        format!("/api/chargers/{id}/cards"),
        format!("/api/chargers/{id}/power"),
    ] {
        let (status, body) = error_of(stranger.get(app.url(&path)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["code"], "not_found");
        assert_eq!(body["reason"], "no_such_charger");
    }
    let response = stranger
        .put(app.url(&format!("/api/chargers/{id}/lock")))
        .json(&json!({"locked": true}))
        .send()
        .await;
    assert_eq!(response.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(app.detail(&id).await["summary"]["status"]["locked"], false, "nothing changed");
}

#[tokio::test]
async fn chargers_need_a_session_and_malformed_ids_are_not_found() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/chargers").await.status(), StatusCode::UNAUTHORIZED);
    app.logged_in_user("ana@example.com").await;
    assert_eq!(app.get("/api/chargers/not-an-id").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete("/api/chargers/AAAAAAAAAA/cards/notanumber").await.status(), StatusCode::NOT_FOUND);
}

fn settings(detail: &Value) -> Value {
    detail["settings"].clone()
}

#[tokio::test]
async fn settings_are_saved_and_survive_a_restart_of_the_simulation() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let mut changed = settings(&app.detail(&id).await);
    for (key, value) in [
        ("name", json!("Casa")),
        ("cover", json!("night")),
        ("led", json!(false)),
        ("display_language", json!("fr")),
        ("min_current_a", json!(8)),
        ("max_current_a", json!(20)),
        ("supply", json!("three_phase")),
        ("auto_lock", json!(true)),
        ("button_shortcuts", json!(true)),
        ("wake_up", json!(true)),
        ("energy_alert", json!(true)),
        ("payments", json!(true)),
        ("ocpp", json!({"enabled": true, "url": "wss://csms.example.com/ocpp", "charge_point_id": "CP-7"})),
    ] {
        changed[key] = value;
    }

    let response = app.put(&format!("/api/chargers/{id}/settings"), changed.clone()).await;

    assert_eq!(response.status(), StatusCode::OK);
    let detail = app.detail(&id).await;
    assert_eq!(settings(&detail), changed);
    assert_eq!(detail["summary"]["name"], "Casa");
    assert_eq!(detail["summary"]["cover"], "night");
    // The charging current (16 A) stays inside the new limits.
    assert_eq!(detail["summary"]["status"]["intensity_a"], 16);
}

#[tokio::test]
async fn narrowing_the_limits_brings_the_current_inside() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let mut changed = settings(&app.detail(&id).await);
    changed["max_current_a"] = json!(10);
    app.put(&format!("/api/chargers/{id}/settings"), changed).await;
    assert_eq!(app.detail(&id).await["summary"]["status"]["intensity_a"], 10);
    let stored: i64 = app.query(&format!("SELECT intensity_a FROM chargers WHERE id = '{id}'"), |r| r.get(0));
    assert_eq!(stored, 10);
}

#[tokio::test]
async fn every_invalid_setting_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("pole_pro", "Garage").await;
    let before = app.detail(&id).await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("name", json!(""), "name", "required"),
        ("name", json!("n".repeat(41)), "name", "too_long"),
        ("min_current_a", json!(5), "min_current_a", "out_of_range"),
        ("max_current_a", json!(33), "max_current_a", "out_of_range"),
        ("min_current_a", json!(-1), "min_current_a", "invalid_value"),
        ("phase_mapping", json!([1, 1, 2]), "phase_mapping", "not_a_permutation"),
        ("phase_mapping", json!([1, 2]), "phase_mapping", "invalid_value"),
        ("cover", json!("beach"), "cover", "invalid_value"),
        ("display_language", json!("xx"), "display_language", "invalid_value"),
        ("supply", json!("two_phase"), "supply", "invalid_value"),
        (
            "ocpp",
            json!({"enabled": true, "url": "https://csms.example.com", "charge_point_id": "CP"}),
            "ocpp.url",
            "invalid_web_socket_url",
        ),
        ("ocpp", json!({"enabled": true, "url": "", "charge_point_id": "CP"}), "ocpp.url", "required"),
        (
            "ocpp",
            json!({"enabled": true, "url": "ws://10.0.0.2:9000", "charge_point_id": " "}),
            "ocpp.charge_point_id",
            "required",
        ),
    ];
    for (key, value, field, problem) in cases {
        let mut body = settings(&before);
        body[key] = value.clone();
        let (status, error) = error_of(app.put(&format!("/api/chargers/{id}/settings"), body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key} = {value}");
        assert_eq!(error["fields"][field]["problem"], problem, "{key} = {value}: {error}");
    }
    let mut crossed = settings(&before);
    crossed["min_current_a"] = json!(20);
    crossed["max_current_a"] = json!(16);
    let (_, error) = error_of(app.put(&format!("/api/chargers/{id}/settings"), crossed).await).await;
    assert_eq!(error["fields"]["min_current_a"]["problem"], "min_above_max");

    assert_eq!(settings(&app.detail(&id).await), settings(&before), "nothing changed");
}

#[tokio::test]
async fn cards_are_added_renamed_and_deleted() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan_pro", "Garage").await;
    let cards = format!("/api/chargers/{id}/cards");

    let added = app.post(&cards, json!({"code": "04:a3:2b:f1", "name": "Ana"})).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let card: Value = added.json().await.unwrap();
    assert_eq!(card["code"], "04A32BF1");

    let (status, error) = error_of(app.post(&cards, json!({"code": "04A32BF1", "name": "Copy"})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["fields"]["code"]["problem"], "duplicate_card");
    let (status, error) = error_of(app.post(&cards, json!({"code": "nothex!", "name": ""})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["fields"]["code"]["problem"], "invalid_card_code");
    assert_eq!(error["fields"]["name"]["problem"], "required");

    let renamed = app
        .put(&format!("{cards}/{}", card["id"]), json!({"code": "04A32BF1", "name": "Ana's keyring"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let list: Vec<Value> = app.get(&cards).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "Ana's keyring");

    assert_eq!(app.delete(&format!("{cards}/{}", card["id"])).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("{cards}/{}", card["id"])).await.status(), StatusCode::NOT_FOUND);
    let list: Vec<Value> = app.get(&cards).await.json().await.unwrap();
    assert!(list.is_empty());
}

#[tokio::test]
async fn removing_a_charger_releases_it_with_its_data() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    app.post(&format!("/api/chargers/{id}/cards"), json!({"code": "AABBCCDD", "name": "Ana"})).await;
    app.plug_car(&id).await;
    app.state.clock.advance(chrono::Duration::minutes(10));
    app.state.simulator.tick();
    app.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": false})).await;
    let sessions: i64 = app.query("SELECT COUNT(*) FROM charge_sessions", |r| r.get(0));
    assert_eq!(sessions, 1, "the charge was recorded");

    assert_eq!(app.delete(&format!("/api/chargers/{id}")).await.status(), StatusCode::NO_CONTENT);

    let list: Vec<Value> = app.get("/api/chargers").await.json().await.unwrap();
    assert!(list.is_empty());
    for table in ["rfid_cards", "charge_sessions", "shares"] {
        let rows: i64 = app.query(&format!("SELECT COUNT(*) FROM {table}"), |r| r.get(0));
        assert_eq!(rows, 0, "{table}");
    }
    // Anyone can pair it again, starting afresh.
    let again = app.post("/api/chargers", json!({"id": id, "name": "New"})).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let cards: Vec<Value> = app.get(&format!("/api/chargers/{id}/cards")).await.json().await.unwrap();
    assert!(cards.is_empty());
}

#[tokio::test]
async fn deleting_an_account_releases_the_chargers_it_owned() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let deleted =
        app.client.delete(app.url("/api/account")).json(&json!({"password": PASSWORD})).send().await;
    assert_eq!(deleted.unwrap().status(), StatusCode::NO_CONTENT);

    app.logged_in_user("bob@example.com").await;
    assert_eq!(
        app.post("/api/chargers", json!({"id": id, "name": "Bob's"})).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_catalogue_has_every_model_and_one_id_per_pole_pro_connector() {
    let app = spawn_app().await;
    let list: Vec<Value> = app.get("/api/dev/chargers/unpaired").await.json().await.unwrap();
    for model in ["trydan", "trydan_pro", "pole_pro", "denka"] {
        assert!(list.iter().any(|c| c["model"] == model), "{model}");
    }
    let connectors: i64 =
        app.query("SELECT COUNT(*) FROM chargers WHERE model = 'pole_pro' AND connector = 2", |r| r.get(0));
    let units: i64 =
        app.query("SELECT COUNT(DISTINCT unit) FROM chargers WHERE model = 'pole_pro'", |r| r.get(0));
    assert_eq!(connectors, units, "every Pole Pro has a second connector with its own ID");
}
