//! A write the database refuses changes nothing: settings are stored before the live charger
//! applies them, and deleting an account is one transaction.

use charge_model::charger::{ChargeState, ChargerId};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::charges::{charging, execute};
use crate::helpers::{PASSWORD, spawn_app};

const REFUSE: &str = "BEGIN SELECT RAISE(ABORT, 'disk full'); END;";

#[tokio::test]
async fn settings_the_database_refuses_do_not_reach_the_charger() {
    let app = spawn_app().await;
    let id = charging(&app).await;
    let mut settings: Value = app.detail(&id).await["settings"].clone();
    settings["max_current_a"] = json!(10);

    execute(&app, &format!("CREATE TRIGGER refuse BEFORE UPDATE OF settings ON chargers {REFUSE}"));
    let refused = app.put(&format!("/api/chargers/{id}/settings"), settings.clone()).await;
    assert!(refused.status().is_server_error(), "{}", refused.status());
    let live = app.state.simulator.status(&ChargerId::parse(&id).unwrap()).unwrap();
    assert_eq!((live.intensity_a, live.charge_power_w), (16, 3680.0), "the charger goes on as stored");

    execute(&app, "DROP TRIGGER refuse;");
    assert_eq!(app.put(&format!("/api/chargers/{id}/settings"), settings).await.status(), StatusCode::OK);
    let live = app.state.simulator.status(&ChargerId::parse(&id).unwrap()).unwrap();
    assert_eq!((live.intensity_a, live.charge_power_w), (10, 2300.0));
}

#[tokio::test]
async fn a_removal_the_database_refuses_leaves_the_charger_running() {
    let app = spawn_app().await;
    let id = charging(&app).await;

    execute(&app, &format!("CREATE TRIGGER refuse BEFORE UPDATE OF owner_id ON chargers {REFUSE}"));
    let refused = app.delete(&format!("/api/chargers/{id}")).await;
    assert!(refused.status().is_server_error(), "{}", refused.status());

    let live = app.state.simulator.status(&ChargerId::parse(&id).unwrap());
    assert_eq!(live.map(|s| s.state), Some(ChargeState::Charging), "still simulated");
}

#[tokio::test]
async fn an_account_deletion_the_database_refuses_keeps_the_chargers() {
    let app = spawn_app().await;
    let id = charging(&app).await;
    let user = app.user_id("ana@example.com");

    execute(&app, &format!("CREATE TRIGGER refuse BEFORE DELETE ON users {REFUSE}"));
    let refused =
        app.client.delete(app.url("/api/account")).json(&json!({"password": PASSWORD})).send().await.unwrap();
    assert!(refused.status().is_server_error(), "{}", refused.status());

    let owner: Option<i64> =
        app.query(&format!("SELECT owner_id FROM chargers WHERE id = '{id}'"), |r| r.get(0));
    assert_eq!(owner, Some(user), "the account and its chargers stay together");
    let live = app.state.simulator.status(&ChargerId::parse(&id).unwrap());
    assert_eq!(live.map(|s| s.state), Some(ChargeState::Charging));
}
