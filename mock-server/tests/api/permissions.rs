//! The whole permission matrix: every charger endpoint × {owner, editor, viewer, stranger,
//! logged out}, with the expected status; every refused change must leave everything as it was.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, new_client, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Needs {
    Viewer,
    Editor,
    Owner,
}

/// What must exist before each attempt (the previous actor may have deleted it).
#[derive(Debug, Clone, Copy)]
enum Prepare {
    Nothing,
    Card,
    ZoeShared,
    Invitation,
    /// No operation running and the charger online (a successful restart takes it offline).
    Idle,
}

struct Case {
    method: Method,
    /// `{id}`, `{card}`, `{zoe}` and `{invitation}` are filled in.
    path: &'static str,
    /// The body from the current state (so that each attempt is a real change) and the attempt number.
    body: fn(&Value, usize) -> Option<Value>,
    needs: Needs,
    success: StatusCode,
    prepare: Prepare,
}

fn case(method: Method, path: &'static str, needs: Needs, success: StatusCode) -> Case {
    Case { method, path, body: |_, _| None, needs, success, prepare: Prepare::Nothing }
}

fn cases() -> Vec<Case> {
    use Needs::{Editor, Owner, Viewer};
    vec![
        case(Method::GET, "/api/chargers/{id}", Viewer, StatusCode::OK),
        case(Method::GET, "/api/chargers/{id}/power", Viewer, StatusCode::OK),
        case(Method::GET, "/api/chargers/{id}/cards", Viewer, StatusCode::OK),
        Case {
            body: |state, n| {
                let mut settings = state["detail"]["settings"].clone();
                settings["name"] = json!(format!("Renamed {n}"));
                settings["max_current_a"] = json!(if settings["max_current_a"] == 32 { 30 } else { 32 });
                Some(settings)
            },
            ..case(Method::PUT, "/api/chargers/{id}/settings", Editor, StatusCode::OK)
        },
        Case {
            body: |state, _| Some(json!({"locked": state["detail"]["summary"]["status"]["locked"] != true})),
            ..case(Method::PUT, "/api/chargers/{id}/lock", Editor, StatusCode::OK)
        },
        Case {
            body: |state, _| Some(json!({"paused": state["detail"]["summary"]["status"]["paused"] != true})),
            ..case(Method::PUT, "/api/chargers/{id}/pause", Editor, StatusCode::OK)
        },
        Case {
            body: |state, _| {
                let now = &state["detail"]["summary"]["status"]["intensity_a"];
                Some(json!({"amps": if now == 10 { 12 } else { 10 }}))
            },
            ..case(Method::PUT, "/api/chargers/{id}/intensity", Editor, StatusCode::OK)
        },
        Case {
            body: |_, n| Some(json!({"code": format!("C0DE{n:04}"), "name": format!("Card {n}")})),
            ..case(Method::POST, "/api/chargers/{id}/cards", Editor, StatusCode::CREATED)
        },
        Case {
            body: |_, n| Some(json!({"code": "AAAA0001", "name": format!("Renamed {n}")})),
            prepare: Prepare::Card,
            ..case(Method::PUT, "/api/chargers/{id}/cards/{card}", Editor, StatusCode::OK)
        },
        Case {
            prepare: Prepare::Card,
            ..case(Method::DELETE, "/api/chargers/{id}/cards/{card}", Editor, StatusCode::NO_CONTENT)
        },
        case(Method::GET, "/api/chargers/{id}/timers", Viewer, StatusCode::OK),
        Case {
            body: |state, _| {
                let start = if state["timers"]["timers"][0]["start"] == 60 { 120 } else { 60 };
                Some(
                    json!({"timers": [{"enabled": true, "days": [true, true, true, true, true, false, false], "start": start, "end": 420}]}),
                )
            },
            ..case(Method::PUT, "/api/chargers/{id}/timers", Editor, StatusCode::OK)
        },
        case(Method::GET, "/api/chargers/{id}/dynamic-power", Viewer, StatusCode::OK),
        Case {
            body: |state, _| {
                let mut power = state["dynamic_power"].clone();
                power["contracted_kw"] = json!(if power["contracted_kw"] == 5.75 { 6.9 } else { 5.75 });
                Some(power)
            },
            ..case(Method::PUT, "/api/chargers/{id}/dynamic-power", Editor, StatusCode::OK)
        },
        case(Method::GET, "/api/chargers/{id}/tariff", Viewer, StatusCode::OK),
        Case {
            body: |state, _| {
                let price = if state["tariff"]["price"] == 200_000 { 210_000 } else { 200_000 };
                Some(json!({"kind": "flat", "price": price}))
            },
            ..case(Method::PUT, "/api/chargers/{id}/tariff", Editor, StatusCode::OK)
        },
        case(Method::GET, "/api/sessions?charger={id}", Viewer, StatusCode::OK),
        case(Method::GET, "/api/chargers/{id}/shares", Owner, StatusCode::OK),
        Case {
            body: |_, n| Some(json!({"email": format!("new{n}@example.com"), "role": "viewer"})),
            ..case(Method::POST, "/api/chargers/{id}/shares", Owner, StatusCode::CREATED)
        },
        Case {
            body: |state, _| {
                let zoe = state["shares"]["shares"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["email"] == "zoe@example.com");
                Some(
                    json!({"role": if zoe.is_some_and(|z| z["role"] == "editor") { "viewer" } else { "editor" }}),
                )
            },
            prepare: Prepare::ZoeShared,
            ..case(Method::PUT, "/api/chargers/{id}/shares/{zoe}", Owner, StatusCode::OK)
        },
        Case {
            prepare: Prepare::ZoeShared,
            ..case(Method::DELETE, "/api/chargers/{id}/shares/{zoe}", Owner, StatusCode::NO_CONTENT)
        },
        Case {
            body: |state, _| {
                let role = &state["shares"]["invitations"][0]["role"];
                Some(json!({"role": if role == "editor" { "viewer" } else { "editor" }}))
            },
            prepare: Prepare::Invitation,
            ..case(Method::PUT, "/api/chargers/{id}/invitations/{invitation}", Owner, StatusCode::OK)
        },
        Case {
            prepare: Prepare::Invitation,
            ..case(
                Method::DELETE,
                "/api/chargers/{id}/invitations/{invitation}",
                Owner,
                StatusCode::NO_CONTENT,
            )
        },
        Case {
            body: |_, _| Some(json!({"operation": "restart"})),
            prepare: Prepare::Idle,
            ..case(Method::POST, "/api/chargers/{id}/operations", Editor, StatusCode::OK)
        },
        // Last: it releases the charger.
        case(Method::DELETE, "/api/chargers/{id}", Owner, StatusCode::NO_CONTENT),
    ]
}

struct World {
    app: TestApp,
    id: String,
    zoe: i64,
    /// Zoe's browser, to accept the shares the owner makes her.
    zoe_client: Client,
}

impl World {
    /// Everything an endpoint could change, as the owner sees it.
    async fn state(&self) -> Value {
        let get = |path: String| async move {
            let response = self.app.get(&path).await;
            if response.status() == StatusCode::OK {
                response.json::<Value>().await.unwrap()
            } else {
                Value::Null
            }
        };
        let mut detail = get(format!("/api/chargers/{}", self.id)).await;
        if let Some(status) = detail["summary"]["status"].as_object_mut() {
            // Time passes; that is not a change.
            status.remove("at_ms");
        }
        json!({
            "detail": detail,
            "cards": get(format!("/api/chargers/{}/cards", self.id)).await,
            "shares": get(format!("/api/chargers/{}/shares", self.id)).await,
            "timers": get(format!("/api/chargers/{}/timers", self.id)).await,
            "dynamic_power": get(format!("/api/chargers/{}/dynamic-power", self.id)).await,
            "tariff": get(format!("/api/chargers/{}/tariff", self.id)).await,
        })
    }

    async fn prepare(&self, prepare: Prepare) -> (i64, i64) {
        let id = &self.id;
        let mut card = 0;
        let mut invitation = 0;
        match prepare {
            Prepare::Nothing => {}
            Prepare::Card => {
                let cards: Vec<Value> =
                    self.app.get(&format!("/api/chargers/{id}/cards")).await.json().await.unwrap();
                card = match cards.iter().find(|c| c["code"] == "AAAA0001") {
                    Some(card) => card["id"].as_i64().unwrap(),
                    None => {
                        let added = self
                            .app
                            .post(
                                &format!("/api/chargers/{id}/cards"),
                                json!({"code": "AAAA0001", "name": "Target"}),
                            )
                            .await;
                        added.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
                    }
                };
            }
            Prepare::ZoeShared => {
                let body = json!({"email": "zoe@example.com", "role": "viewer"});
                let response = self.app.post(&format!("/api/chargers/{id}/shares"), body).await;
                match response.status() {
                    StatusCode::CREATED => self.app.accept_invitation(&self.zoe_client, id).await,
                    status => assert_eq!(status, StatusCode::CONFLICT),
                }
            }
            Prepare::Invitation => {
                let body = json!({"email": "pending@example.com", "role": "viewer"});
                let response = self.app.post(&format!("/api/chargers/{id}/shares"), body).await;
                assert!([StatusCode::CREATED, StatusCode::CONFLICT].contains(&response.status()));
                let sharing: Value =
                    self.app.get(&format!("/api/chargers/{id}/shares")).await.json().await.unwrap();
                invitation = sharing["invitations"][0]["id"].as_i64().unwrap();
            }
            Prepare::Idle => {
                let charger = charge_model::charger::ChargerId::parse(id).unwrap();
                self.app.state.simulator.update(&charger, |c| c.operation = None);
            }
        }
        (card, invitation)
    }
}

#[tokio::test]
async fn every_endpoint_checks_the_role_and_a_refused_change_changes_nothing() {
    let app = spawn_app().await;
    app.logged_in_user("owner@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let editor = app.other_user("editor@example.com").await;
    let viewer = app.other_user("viewer@example.com").await;
    let stranger = app.other_user("stranger@example.com").await;
    let zoe_client = app.other_user("zoe@example.com").await;
    let zoe = app.user_id("zoe@example.com");
    for (client, email, role) in
        [(&editor, "editor@example.com", "editor"), (&viewer, "viewer@example.com", "viewer")]
    {
        app.share_accepted(&id, client, email, role).await;
    }
    let world = World { app, id, zoe, zoe_client };
    let logged_out = new_client();
    // Least access first, the owner last (its successful deletes are restored by `prepare`).
    let actors: [(&str, &Client, Option<Needs>); 5] = [
        ("logged out", &logged_out, None),
        ("stranger", &stranger, None),
        ("viewer", &viewer, Some(Needs::Viewer)),
        ("editor", &editor, Some(Needs::Editor)),
        ("owner", &world.app.client, Some(Needs::Owner)),
    ];

    let mut attempt = 0;
    let mut checked = 0;
    for case in cases() {
        for (actor, client, role) in &actors {
            attempt += 1;
            let (card, invitation) = world.prepare(case.prepare).await;
            let before = world.state().await;
            let path = case
                .path
                .replace("{id}", &world.id)
                .replace("{card}", &card.to_string())
                .replace("{zoe}", &world.zoe.to_string())
                .replace("{invitation}", &invitation.to_string());
            let mut request = client.request(case.method.clone(), world.app.url(&path));
            if let Some(body) = (case.body)(&before, attempt) {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let expected = match (*actor, role) {
                ("logged out", _) => StatusCode::UNAUTHORIZED,
                (_, None) => StatusCode::NOT_FOUND,
                (_, Some(role)) if *role >= case.needs => case.success,
                _ => StatusCode::FORBIDDEN,
            };
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(status, expected, "{} {} as {actor}: {text}", case.method, case.path);
            if !status.is_success() {
                let body: Value = serde_json::from_str(&text).expect("error bodies are JSON");
                assert!(body["code"].is_string(), "error shape: {text}");
                if expected == StatusCode::FORBIDDEN {
                    let message = body["message"].as_str().unwrap();
                    assert!(
                        message.contains("owner") || message.contains("editor"),
                        "names the role: {message}"
                    );
                    let reason = if case.needs == Needs::Owner { "owner_only" } else { "editor_only" };
                    assert_eq!(body["reason"], reason, "{} {} as {actor}", case.method, case.path);
                } else if expected == StatusCode::NOT_FOUND {
                    assert_eq!(body["reason"], "no_such_charger", "{} {} as {actor}", case.method, case.path);
                }
                assert_eq!(
                    world.state().await,
                    before,
                    "{} {} as {actor} changed something",
                    case.method,
                    case.path
                );
            } else if case.method != Method::GET {
                assert_ne!(
                    world.state().await,
                    before,
                    "{} {} as {actor} should change something",
                    case.method,
                    case.path
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cases().len() * 5);
}
