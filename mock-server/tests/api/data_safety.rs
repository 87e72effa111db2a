//! What users type or ask for can neither break an answer nor reach what they may not see:
//! spreadsheet formulas in the CSV, dates far outside the supported years, control and
//! text-direction characters in names and addresses, someone else's charger in the export,
//! and RFID card codes shown to viewers.

use charge_model::charger::{ChargerId, ChargerSummary, RfidCard};
use charge_model::sessions::{HistoryPage, SessionDetail};
use charge_model::{ErrorBody, ProblemCode};
use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// 2025-11-01T00:00:00+01:00.
const NOV_1: i64 = 1_761_951_600;
/// The supported years, inclusive: dates outside them are refused.
const YEARS: (f64, f64) = (2000.0, 2100.0);

/// Records a finished charge of `minutes` at 7.4 kW.
async fn past(app: &TestApp, id: &str, started_at: i64, minutes: u32) -> Response {
    let body = json!({"started_at": started_at, "minutes": minutes, "power_w": 7_400.0});
    app.post(&format!("/api/dev/chargers/{id}/sessions"), body).await
}

/// Changes the database behind the app's back: what other systems, or older versions, stored.
fn execute(app: &TestApp, sql: &str) {
    let conn = rusqlite::Connection::open(&app.state.config.database).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// A 422 whose `field` has `problem`.
async fn refused(response: Response, field: &str, problem: ProblemCode, what: &str) -> ErrorBody {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {text}");
    let body: ErrorBody = serde_json::from_str(&text).expect("the error shape");
    let found = body.fields.get(field).unwrap_or_else(|| panic!("{what}: no error on {field}: {text}"));
    assert_eq!(found.problem, problem, "{what}: {text}");
    body
}

/// The cells of a CSV line (semicolon-separated, `"` quoted, `""` escaped), unquoted, and
/// whether each was quoted.
fn cells(line: &str) -> Vec<(String, bool)> {
    let mut cells = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut cell = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
        }
        for c in chars.by_ref() {
            if c == ';' {
                break;
            }
            cell.push(c);
        }
        cells.push((cell, quoted));
        if chars.peek().is_none() {
            return cells;
        }
    }
}

#[tokio::test]
async fn csv_text_cells_never_start_a_spreadsheet_formula() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let names = ["=HYPERLINK(\"http://x.example\",\"Pay\")", "+1+1", "-1+1", "@SUM(A1:A9)"];
    let models = ["trydan", "trydan_pro", "denka", "pole_pro"];
    for (hour, (name, model)) in names.iter().zip(models).enumerate() {
        let id = app.paired(model, name).await;
        // A negative price: the cost column keeps its minus sign (a number, not a formula).
        let tariff =
            app.put(&format!("/api/chargers/{id}/tariff"), json!({"kind": "flat", "price": -100_000})).await;
        assert_eq!(tariff.status(), StatusCode::OK);
        assert_eq!(past(&app, &id, NOV_1 + hour as i64 * 3600, 60).await.status(), StatusCode::NO_CONTENT);
    }
    // Card codes come from the chargers, not only from what the API checked.
    execute(
        &app,
        "UPDATE charge_sessions SET rfid = CASE id % 4 WHEN 0 THEN char(9) || '=1+1' WHEN 1 THEN char(13) || '=1+1'
         WHEN 2 THEN '=cmd|'' /C calc''!A0' ELSE '@A1' END",
    );

    let response = app.get("/api/sessions.csv?lang=en").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let rows: Vec<Vec<(String, bool)>> = text.lines().skip(1).map(cells).collect();
    assert_eq!(rows.len(), names.len(), "{text}");
    let mut seen_names = Vec::new();
    for row in &rows {
        assert_eq!(row.len(), 8, "{row:?}");
        for (index, (cell, quoted)) in row.iter().enumerate() {
            let first = cell.chars().next();
            if [0, 7].contains(&index) {
                assert!(quoted, "text cells are quoted: {row:?}");
                assert_eq!(
                    first,
                    Some('\''),
                    "a text cell that could start a formula is neutralised: {cell:?}"
                );
            } else {
                assert!(
                    !matches!(first, Some('=' | '+' | '@' | '\t' | '\r')),
                    "no cell starts a formula: {cell:?}"
                );
            }
        }
        seen_names.push(row[0].0.trim_start_matches('\'').to_owned());
        assert_eq!(row[5].0, "-0.74", "a negative cost stays a number: {row:?}");
    }
    seen_names.sort();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(seen_names, expected, "the names are kept, only prefixed");
}

#[tokio::test]
async fn dates_outside_the_supported_years_are_a_422_not_a_500() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Home").await;

    let mut cases: Vec<(String, &str)> = Vec::new();
    for bucket in ["day", "week", "month"] {
        for (query, field) in [
            ("from=-262143-01-01&to=2025-01-01", "from"),
            ("from=%2B262142-12-01&to=%2B262142-12-31", "from"),
            ("from=%2B262142-12-01&to=%2B262142-12-31", "to"),
            ("from=1999-12-31&to=2000-01-01", "from"),
            ("from=2100-12-01&to=2101-01-01", "to"),
        ] {
            cases.push((format!("/api/statistics?{query}&bucket={bucket}"), field));
            cases.push((format!("/api/statistics?{query}&bucket={bucket}&charger={id}"), field));
        }
    }
    for path in ["/api/sessions", "/api/sessions.csv"] {
        for (query, field) in [
            ("to=%2B262142-12-31", "to"),
            ("from=%2B262142-12-31", "from"),
            ("from=-262143-01-01", "from"),
            ("to=-262143-01-01", "to"),
            ("from=1999-12-31", "from"),
            ("to=2101-01-01", "to"),
        ] {
            cases.push((format!("{path}?{query}"), field));
            cases.push((format!("{path}?{query}&charger={id}"), field));
        }
    }
    for from in ["%2B262142-12-31", "-262143-01-01", "1999-12-31", "2101-01-01"] {
        cases.push((format!("/api/prices?market=omie&from={from}"), "from"));
    }
    for (url, field) in &cases {
        let body = refused(app.get(url).await, field, ProblemCode::DateOutOfRange, url).await;
        let error = &body.fields[*field];
        assert_eq!((error.min, error.max), (Some(YEARS.0), Some(YEARS.1)), "{url}");
    }

    // The edges of the range, and other values at the limits of their types, are answered.
    for (url, status) in [
        ("/api/statistics?from=2000-01-01&to=2000-01-31&bucket=week".to_owned(), StatusCode::OK),
        ("/api/statistics?from=2100-12-01&to=2100-12-31&bucket=month".to_owned(), StatusCode::OK),
        ("/api/sessions?from=2000-01-01&to=2100-12-31".to_owned(), StatusCode::OK),
        ("/api/sessions.csv?from=2000-01-01&to=2100-12-31".to_owned(), StatusCode::OK),
        ("/api/sessions?page=4294967295&per_page=200".to_owned(), StatusCode::OK),
        ("/api/prices?market=pvpc&from=2100-12-31&days=7".to_owned(), StatusCode::OK),
        ("/api/prices?market=omie&from=2000-01-01&days=1".to_owned(), StatusCode::OK),
        ("/api/sessions/9223372036854775807".to_owned(), StatusCode::NOT_FOUND),
        ("/api/sessions/-9223372036854775808".to_owned(), StatusCode::NOT_FOUND),
        ("/api/sessions/99999999999999999999".to_owned(), StatusCode::NOT_FOUND),
        (format!("/api/chargers/{id}/power?seconds=9223372036854775807"), StatusCode::OK),
        (format!("/api/chargers/{id}/power?seconds=-9223372036854775808"), StatusCode::OK),
    ] {
        assert_eq!(app.get(&url).await.status(), status, "{url}");
    }
}

#[tokio::test]
async fn a_past_charge_outside_the_supported_years_is_refused() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Home").await;
    let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
    for started_at in [
        max - 2 * 86_400,
        max,
        min,
        i64::MAX,
        i64::MIN,
        // 1999-12-31 23:59:59 and 2101-01-01 00:00 in Madrid.
        946_681_199,
        4_133_977_200,
    ] {
        let what = format!("started_at {started_at}");
        refused(past(&app, &id, started_at, 60).await, "started_at", ProblemCode::DateOutOfRange, &what)
            .await;
    }
    let stored: i64 = app.query("SELECT COUNT(*) FROM charge_sessions", |r| r.get(0));
    assert_eq!(stored, 0, "nothing was recorded");
    // 2000-01-01 00:00 and 2100-12-31 23:59:59 in Madrid.
    for started_at in [946_681_200, 4_133_977_199] {
        assert_eq!(past(&app, &id, started_at, 60).await.status(), StatusCode::NO_CONTENT, "{started_at}");
    }
    assert_eq!(app.get("/api/sessions.csv").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn charges_stored_at_the_limits_of_time_do_not_break_any_answer() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Home").await;
    for hour in 0..3 {
        assert_eq!(past(&app, &id, NOV_1 + hour * 3600, 30).await.status(), StatusCode::NO_CONTENT);
    }
    // As an older server let the development endpoint store them: ending in the last second
    // chrono can hold, where Madrid's local time cannot be computed.
    let max = DateTime::<Utc>::MAX_UTC.timestamp();
    execute(
        &app,
        &format!(
            "UPDATE charge_sessions SET started_at = {}, ended_at = {max} WHERE id = (SELECT MIN(id) FROM charge_sessions);
             UPDATE charge_sessions SET started_at = 4133977199, ended_at = {max} WHERE id = (SELECT MAX(id) FROM charge_sessions);",
            max - 3600,
        ),
    );

    let csv = app.get("/api/sessions.csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.text().await.unwrap().lines().count(), 4, "the header and the three charges");
    let page: HistoryPage = app.get("/api/sessions?sort=duration").await.json().await.unwrap();
    assert_eq!(page.total, 3);
    for row in &page.rows {
        let detail = app.get(&format!("/api/sessions/{}", row.session.id)).await;
        assert_eq!(detail.status(), StatusCode::OK);
    }
    for url in [
        "/api/statistics?from=2025-11-01&to=2025-11-30",
        "/api/statistics?from=2000-01-01&to=2010-01-01&bucket=month",
        "/api/statistics?from=2091-01-01&to=2100-12-31&bucket=week",
    ] {
        assert_eq!(app.get(url).await.status(), StatusCode::OK, "{url}");
    }
}

/// Names that look like something else, hide something, or show nothing.
const BAD_NAMES: [&str; 14] = [
    "Ana\u{0}",
    "Ana\r\nBcc: eve@example.com",
    "Ana\nGarage",
    "Ana\tGarage",
    "Ana\u{7F}",
    "Ana\u{2028}Garage",
    "\u{202E}egaraG",
    "Ana \u{2066}Garage\u{2069}",
    "A\u{200E}na",
    "Ana\u{200F}",
    "Ana\u{061C}",
    "\u{200B}",
    "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
    " \u{2060} \u{FEFF} ",
];

/// Everything the attempts below could have stored.
async fn snapshot(app: &TestApp, id: &str) -> (Value, Vec<RfidCard>, Vec<(ChargerId, String)>, Value, i64) {
    let account: Value = app.get("/api/account").await.json().await.unwrap();
    let cards: Vec<RfidCard> = app.get(&format!("/api/chargers/{id}/cards")).await.json().await.unwrap();
    let chargers: Vec<ChargerSummary> = app.get("/api/chargers").await.json().await.unwrap();
    let chargers = chargers.into_iter().map(|c| (c.id, c.name)).collect();
    let users: i64 = app.query("SELECT COUNT(*) FROM users", |r| r.get(0));
    (account, cards, chargers, app.detail(id).await["settings"].clone(), users)
}

#[tokio::test]
async fn names_with_control_direction_or_only_invisible_characters_are_refused() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let card: RfidCard = app
        .post(&format!("/api/chargers/{id}/cards"), json!({"code": "AAAA0001", "name": "Ana"}))
        .await
        .json()
        .await
        .unwrap();
    let unpaired = app.unpaired("denka").await;
    let profile = json!({"name": "Ana", "vehicle_make": "Kia", "vehicle_model": "EV6", "language": "es"});
    assert_eq!(app.put("/api/account", profile.clone()).await.status(), StatusCode::OK);
    let settings = app.detail(&id).await["settings"].clone();
    let before = snapshot(&app, &id).await;

    let with = |mut body: Value, pointer: &str, name: &str| {
        *body.pointer_mut(pointer).unwrap() = json!(name);
        body
    };
    for name in BAD_NAMES {
        let register = json!({"email": "new@example.com", "password": PASSWORD, "name": ""});
        let attempts = [
            ("name", app.post("/api/auth/register", with(register, "/name", name)).await),
            ("name", app.put("/api/account", with(profile.clone(), "/name", name)).await),
            ("vehicle_make", app.put("/api/account", with(profile.clone(), "/vehicle_make", name)).await),
            ("vehicle_model", app.put("/api/account", with(profile.clone(), "/vehicle_model", name)).await),
            ("name", app.post("/api/chargers", json!({"id": unpaired, "name": name})).await),
            (
                "name",
                app.put(&format!("/api/chargers/{id}/settings"), with(settings.clone(), "/name", name)).await,
            ),
            (
                "ocpp.charge_point_id",
                app.put(
                    &format!("/api/chargers/{id}/settings"),
                    with(settings.clone(), "/ocpp/charge_point_id", name),
                )
                .await,
            ),
            (
                "name",
                app.post(&format!("/api/chargers/{id}/cards"), json!({"code": "BBBB0002", "name": name}))
                    .await,
            ),
            (
                "name",
                app.put(
                    &format!("/api/chargers/{id}/cards/{}", card.id),
                    json!({"code": "AAAA0001", "name": name}),
                )
                .await,
            ),
        ];
        for (index, (field, response)) in attempts.into_iter().enumerate() {
            let what = format!("attempt {index} with {name:?}");
            refused(response, field, ProblemCode::InvalidCharacters, &what).await;
        }
    }
    assert_eq!(snapshot(&app, &id).await, before, "nothing was stored");

    // Letters of any script, and joiners inside a name (emoji sequences, Persian), are fine.
    for name in ["José Ñandú", "محمد علي", "👨\u{200D}👩\u{200D}👧 family", "می\u{200C}خواهم", "O'Brien"]
    {
        let response = app.put("/api/account", with(profile.clone(), "/name", name)).await;
        assert_eq!(response.status(), StatusCode::OK, "{name:?}");
        let renamed = json!({"code": "AAAA0001", "name": name});
        let response = app.put(&format!("/api/chargers/{id}/cards/{}", card.id), renamed).await;
        assert_eq!(response.status(), StatusCode::OK, "{name:?}");
    }
}

#[tokio::test]
async fn email_addresses_are_one_plain_address() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    for email in [
        "ana@evil.example@example.com",
        "\"ana\"@example.com",
        "\"ana bob\"@example.com",
        "ana,bob@example.com",
        "<ana@example.com>",
        "Ana<ana@example.com>",
        "ana>@example.com",
        "ana;bob@example.com",
        "ana\\bob@example.com",
        "ana(x)@example.com",
        "ana\u{202E}@example.com",
        "ana@exam\u{2067}ple.com",
        "ana\u{200F}@example.com",
        "\u{200B}ana@example.com",
        "ana\u{FEFF}@example.com",
        "ana@example.com\u{0}",
    ] {
        let register = json!({"email": email, "password": PASSWORD, "name": "Ana"});
        refused(app.post("/api/auth/register", register).await, "email", ProblemCode::InvalidEmail, email)
            .await;
        let share = json!({"email": email, "role": "viewer"});
        let response = app.post(&format!("/api/chargers/{id}/shares"), share).await;
        refused(response, "email", ProblemCode::InvalidEmail, email).await;
    }
    let users: i64 = app.query("SELECT COUNT(*) FROM users", |r| r.get(0));
    let invitations: i64 = app.query("SELECT COUNT(*) FROM invitations", |r| r.get(0));
    assert_eq!((users, invitations), (1, 0));

    for email in ["o'brien@example.com", "Ñandú@correo.es", "ana+garage@example.com"] {
        let share = json!({"email": email, "role": "viewer"});
        let response = app.post(&format!("/api/chargers/{id}/shares"), share).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{email}");
    }
}

#[tokio::test]
async fn the_export_of_a_charger_the_user_cannot_see_is_a_404() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let own = app.paired("trydan", "Home").await;
    assert_eq!(past(&app, &own, NOV_1, 60).await.status(), StatusCode::NO_CONTENT);
    let eve = app.other_user("eve@example.com").await;
    let hers = app.unpaired("denka").await;
    let paired = eve.post(app.url("/api/chargers")).json(&json!({"id": hers, "name": "Eve's"})).send().await;
    assert_eq!(paired.unwrap().status(), StatusCode::CREATED);
    let unpaired = app.unpaired("trydan").await;

    for charger in [hers.as_str(), unpaired.as_str(), "nonsense", "AAAAAAAAAA"] {
        for path in ["/api/sessions", "/api/sessions.csv", "/api/statistics"] {
            let url = format!("{path}?charger={charger}&from=2025-11-01&to=2025-11-30");
            let response = app.get(&url).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{url}");
            let body: ErrorBody = response.json().await.expect("the error shape");
            assert_eq!(body.code, charge_model::ErrorCode::NotFound);
        }
    }
    let mine = app.get(&format!("/api/sessions.csv?charger={own}")).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert_eq!(mine.text().await.unwrap().lines().count(), 2);
}

#[tokio::test]
async fn viewers_see_card_names_with_their_codes_masked() {
    let app = spawn_app().await;
    app.logged_in_user("owner@example.com").await;
    let id = app.paired("trydan", "Garage").await;
    let cards = format!("/api/chargers/{id}/cards");
    for (code, name) in [("04A32BF1", "Ana"), ("C0DE", "Short")] {
        let added = app.post(&cards, json!({"code": code, "name": name})).await;
        assert_eq!(added.status(), StatusCode::CREATED);
    }
    let editor = app.other_user("editor@example.com").await;
    let viewer = app.other_user("viewer@example.com").await;
    app.share_accepted(&id, &editor, "editor@example.com", "editor").await;
    app.share_accepted(&id, &viewer, "viewer@example.com", "viewer").await;
    // After the sharing: a charger shared with someone counts for them from then on.
    let started_at = app.state.clock.unix() + 60;
    assert_eq!(past(&app, &id, started_at, 60).await.status(), StatusCode::NO_CONTENT);
    execute(&app, "UPDATE charge_sessions SET rfid = '04A32BF1'");
    let get = |client: &reqwest::Client, path: &str| client.get(app.url(path)).send();

    // The cards: names for everyone, codes for those who may change them.
    for (who, client, codes) in [
        ("owner", &app.client, ["04A32BF1", "C0DE"]),
        ("editor", &editor, ["04A32BF1", "C0DE"]),
        ("viewer", &viewer, ["••••2BF1", "••DE"]),
    ] {
        let list: Vec<RfidCard> = get(client, &cards).await.unwrap().json().await.unwrap();
        let seen: Vec<(&str, &str)> = list.iter().map(|c| (c.name.as_str(), c.code.as_str())).collect();
        assert_eq!(seen, [("Ana", codes[0]), ("Short", codes[1])], "{who}");
    }

    // The history, a charge's detail and the CSV.
    for (who, client, code) in
        [("owner", &app.client, "04A32BF1"), ("editor", &editor, "04A32BF1"), ("viewer", &viewer, "••••2BF1")]
    {
        let page: HistoryPage = get(client, "/api/sessions").await.unwrap().json().await.unwrap();
        assert_eq!(page.rows.len(), 1, "{who}");
        assert_eq!(page.rows[0].session.rfid.as_deref(), Some(code), "{who}");
        let detail: SessionDetail = get(client, &format!("/api/sessions/{}", page.rows[0].session.id))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(detail.row.session.rfid.as_deref(), Some(code), "{who}");
        let csv = get(client, "/api/sessions.csv").await.unwrap().text().await.unwrap();
        assert!(csv.lines().nth(1).unwrap().ends_with(&format!(";\"{code}\"")), "{who}: {csv}");
    }

    // The card filter tells a viewer no more than the masked code: a guess differing in a
    // hidden digit matches the same charges as the right code.
    for (who, client, rfid, total) in [
        ("owner", &app.client, "04A32BF1", 1),
        ("owner", &app.client, "14A32BF1", 0),
        ("viewer", &viewer, "04A32BF1", 1),
        ("viewer", &viewer, "14A32BF1", 1),
        ("viewer", &viewer, "••••2BF1", 1),
        ("viewer", &viewer, "04A32BF2", 0),
        ("viewer", &viewer, "4A32BF1", 0),
    ] {
        let page: HistoryPage =
            get(client, &format!("/api/sessions?rfid={rfid}")).await.unwrap().json().await.unwrap();
        assert_eq!(page.total, total, "{who} filtering by {rfid}");
    }
}
