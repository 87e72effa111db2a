//! The OpenAPI document is true: it lists the answers the server really gives, the session
//! requirement it really enforces, and the rules it really applies to request bodies.

use charge_model::account::{EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN};
use charge_model::charger::{MAX_CURRENT_A, MIN_CURRENT_A};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Operations anyone may call; every other one needs a session.
const PUBLIC: [&str; 2] = ["/api/auth/", "/api/dev/"];

/// Operations that answer 429 when a limit is reached.
const RATE_LIMITED: [(&str, &str); 10] = [
    ("post", "/api/auth/login"),
    ("post", "/api/auth/register"),
    ("post", "/api/auth/forgot-password"),
    ("post", "/api/auth/resend-confirmation"),
    ("post", "/api/auth/reset-password"),
    ("post", "/api/account/password"),
    ("delete", "/api/account"),
    ("post", "/api/chargers/{id}/shares"),
    ("post", "/api/support"),
    ("post", "/api/chargers/trydan"),
];

async fn document(app: &TestApp) -> Value {
    app.get("/api/openapi.json").await.json().await.unwrap()
}

/// Every operation of the document: `(method, path, operation)`.
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    assert!(found.len() > 40, "the whole API is documented: {}", found.len());
    found
}

/// A response, through its `$ref` to the shared ones.
fn resolve<'a>(spec: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/responses/").expect("a shared response");
            &spec["components"]["responses"][name]
        }
        None => response,
    }
}

/// A schema of the components, by name.
fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    let found = &spec["components"]["schemas"][name];
    assert!(found.is_object(), "schema {name}");
    found
}

/// A property of an object schema, also inside `allOf` (flattened fields).
fn property<'a>(object: &'a Value, name: &str) -> &'a Value {
    if let Some(found) = object["properties"].get(name) {
        return found;
    }
    for part in object["allOf"].as_array().into_iter().flatten() {
        if let Some(found) = part["properties"].get(name) {
            return found;
        }
    }
    panic!("no property {name} in {object}")
}

#[tokio::test]
async fn every_operation_documents_the_answers_the_server_gives() {
    let app = spawn_app().await;
    let spec = document(&app).await;

    for (method, path, operation) in operations(&spec) {
        let name = format!("{} {path}", method.to_uppercase());
        let responses = &operation["responses"];
        let has = |status: &str| responses.get(status).is_some();
        let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
        let located = |place: &str| parameters.iter().any(|p| p["in"] == place);

        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(has(status), "{name} reads a JSON body: documents {status}");
            }
        }
        if located("query") {
            assert!(has("400"), "{name} reads a query: documents 400");
        }
        if located("path") {
            assert!(has("404"), "{name} names a resource: documents 404");
        }
        let secured = !PUBLIC.iter().any(|prefix| path.starts_with(prefix));
        assert_eq!(operation["security"] == json!([{"session": []}]), secured, "{name}: session requirement");
        if secured {
            assert!(has("401"), "{name} needs a session: documents 401");
        }
        let limited = RATE_LIMITED.contains(&(method.as_str(), path.as_str()));
        assert_eq!(has("429"), limited, "{name}: 429 where a limit applies");
        if limited {
            let answer = resolve(&spec, &responses["429"]);
            assert_eq!(answer["headers"]["Retry-After"]["schema"]["type"], "integer", "{name}: Retry-After");
        }
        assert!(has("500"), "{name} documents 500");

        for (status, response) in responses.as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                let answer = resolve(&spec, response);
                assert_eq!(
                    answer["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                    "{name} {status} has the one error shape"
                );
            }
        }
    }
}

/// Every `$ref` names something the document defines.
#[tokio::test]
async fn every_reference_resolves() {
    fn walk<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    found.push(reference);
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let app = spawn_app().await;
    let spec = document(&app).await;
    let mut references = Vec::new();
    walk(&spec, &mut references);
    assert!(references.len() > 100);
    for reference in references {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        assert!(spec.pointer(pointer).is_some(), "{reference} is defined");
    }
}

#[tokio::test]
async fn query_parameters_are_in_the_query() {
    let app = spawn_app().await;
    let spec = document(&app).await;
    let statistics = &spec["paths"]["/api/statistics"]["get"]["parameters"];
    let names: Vec<_> = statistics.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["from", "to", "bucket", "charger"]);
    for (method, path, operation) in operations(&spec) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let place = if path.contains(&format!("{{{name}}}")) { "path" } else { "query" };
            assert_eq!(parameter["in"], place, "{method} {path} {name}");
        }
    }
}

/// Anonymous requests get 401 exactly where the document says a session is needed.
#[tokio::test]
async fn the_session_requirement_is_what_the_server_enforces() {
    let app = spawn_app().await;
    let spec = document(&app).await;
    for (method, path, operation) in operations(&spec) {
        let url = app.url(&path.replace(['{', '}'], ""));
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut request = app.client.request(method.clone(), url);
        if operation.get("requestBody").is_some() {
            request = request.json(&json!({}));
        }
        let status = request.send().await.unwrap().status();
        let secured = operation.get("security").is_some();
        assert_eq!(
            status == StatusCode::UNAUTHORIZED,
            secured,
            "{method} {path} answered {status} anonymously"
        );
    }
}

/// Each Server-Sent Event is described as OpenAPI 3.1 does: the event's fields, its JSON data
/// by `contentSchema` (not as if the data were the event).
#[tokio::test]
async fn the_live_stream_documents_its_events() {
    let app = spawn_app().await;
    let spec = document(&app).await;
    let stream = &spec["paths"]["/api/events"]["get"]["responses"]["200"]["content"]["text/event-stream"];
    assert_eq!(stream["schema"]["$ref"], "#/components/schemas/LiveEvent");
    let events = schema(&spec, "LiveEvent")["oneOf"].as_array().unwrap();
    let kinds: Vec<_> =
        events.iter().map(|e| e["properties"]["event"]["enum"][0].as_str().unwrap()).collect();
    assert_eq!(kinds, ["status", "access", "notifications"]);
    let count = &events[2]["properties"]["data"]["contentSchema"]["$ref"];
    assert_eq!(count, "#/components/schemas/UnreadCount");
    let status = &events[0]["properties"]["data"];
    assert_eq!(
        (&status["type"], &status["contentMediaType"]),
        (&json!("string"), &json!("application/json"))
    );
    assert_eq!(status["contentSchema"]["$ref"], "#/components/schemas/StatusEvent");
}

#[tokio::test]
async fn request_bodies_carry_the_rules_the_server_applies() {
    let app = spawn_app().await;
    let spec = document(&app).await;

    for (object, field) in
        [("RegisterRequest", "email"), ("LoginRequest", "email"), ("ShareRequest", "email")]
    {
        let email = property(schema(&spec, object), field);
        assert_eq!(email["format"], "email", "{object}.{field}");
        assert_eq!(email["maxLength"], EMAIL_MAX, "{object}.{field}");
    }
    for (object, field) in [
        ("RegisterRequest", "password"),
        ("ResetPasswordRequest", "password"),
        ("ChangePasswordRequest", "new_password"),
    ] {
        let password = property(schema(&spec, object), field);
        assert_eq!(
            (&password["minLength"], &password["maxLength"]),
            (&json!(PASSWORD_MIN), &json!(PASSWORD_MAX))
        );
    }
    let given = property(schema(&spec, "LoginRequest"), "password");
    assert_eq!((&given["minLength"], &given["maxLength"]), (&json!(1), &json!(PASSWORD_MAX)));

    let settings = schema(&spec, "ChargerSettings");
    for field in ["min_current_a", "max_current_a"] {
        let current = property(settings, field);
        assert_eq!(
            (&current["minimum"], &current["maximum"]),
            (&json!(MIN_CURRENT_A), &json!(MAX_CURRENT_A))
        );
    }
    let amps = property(schema(&spec, "IntensityRequest"), "amps");
    assert_eq!((&amps["minimum"], &amps["maximum"]), (&json!(MIN_CURRENT_A), &json!(MAX_CURRENT_A)));
    let mapping = property(settings, "phase_mapping");
    assert_eq!(
        (&mapping["minItems"], &mapping["maxItems"], &mapping["uniqueItems"]),
        (&json!(3), &json!(3), &json!(true))
    );
    assert_eq!((&mapping["items"]["minimum"], &mapping["items"]["maximum"]), (&json!(1), &json!(3)));

    let days = property(schema(&spec, "Timer"), "days");
    assert_eq!((&days["minItems"], &days["maxItems"]), (&json!(7), &json!(7)));
    assert_eq!(property(schema(&spec, "Timers"), "timers")["maxItems"], 2);

    for object in ["ShareRequest", "RoleRequest"] {
        assert_eq!(property(schema(&spec, object), "role")["enum"], json!(["viewer", "editor"]), "{object}");
    }

    let tariffs = schema(&spec, "Tariff")["oneOf"].as_array().unwrap();
    let kind = |name: &str| {
        tariffs
            .iter()
            .find(|t| t["properties"]["kind"]["enum"] == json!([name]))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let week = &kind("day_time_ranges")["properties"]["days"];
    assert_eq!((&week["minItems"], &week["maxItems"]), (&json!(7), &json!(7)));
    let flat = &kind("flat")["properties"]["price"];
    assert_eq!((&flat["minimum"], &flat["maximum"]), (&json!(-10_000_000), &json!(10_000_000)));
    // An indexed tariff needs only its margin: the tolls and charges are regulated data, and
    // `p1`…`p3` optional overrides of them.
    let indexed = kind("indexed");
    let required = indexed["required"].as_array().unwrap();
    assert!(required.contains(&json!("margin")), "{indexed}");
    for period in ["p1", "p2", "p3"] {
        assert!(!required.contains(&json!(period)), "{period} is optional: {indexed}");
        let field = &indexed["properties"][period];
        assert_eq!(field["minimum"], -10_000_000, "{period}");
        assert!(
            field["type"].as_array().is_some_and(|t| t.contains(&json!("null"))),
            "{period} may be null: {field}"
        );
    }
}

#[tokio::test]
async fn habits_and_plan_savings_are_documented() {
    let app = spawn_app().await;
    let spec = document(&app).await;
    let habits = &spec["paths"]["/api/chargers/{id}/plan/habits"]["get"];
    assert_eq!(
        habits["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Habits"
    );
    for field in ["window_days", "min_charges", "habits"] {
        property(schema(&spec, "Habits"), field);
    }
    for field in ["plug_in_minute", "departure_minute", "energy_wh"] {
        property(schema(&spec, "Typical"), field);
    }
    assert_eq!(property(schema(&spec, "Habit"), "group")["$ref"], "#/components/schemas/DayGroup");
    assert_eq!(schema(&spec, "DayGroup")["enum"], json!(["weekdays", "weekends"]));
    assert_eq!(property(schema(&spec, "Statistics"), "plans")["$ref"], "#/components/schemas/PlanSavings");
    for field in ["charges", "cost_cents", "at_once_cents", "saved_cents", "active"] {
        property(schema(&spec, "PlanSavings"), field);
    }
    let planned = property(schema(&spec, "PastChargeRequest"), "plugged_at");
    assert!(planned.to_string().contains("integer"), "{planned}");
}
