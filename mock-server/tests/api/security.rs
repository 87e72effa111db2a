//! What an attacker tried against the server, each now refused: reading reset links from the
//! development outbox, locking an owner out with wrong passwords, keeping a live stream after
//! logout, finding out who has an account, flooding a mailbox.

use std::time::Duration;

use charge_mock_server::{AppState, Config};
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app, spawn_app_with};

/// A client whose requests come from `ip` (any 127.x.y.z is this machine).
fn client_from(ip: [u8; 4]) -> Client {
    Client::builder().cookie_store(true).local_address(std::net::IpAddr::from(ip)).build().unwrap()
}

async fn login_with(app: &TestApp, client: &Client, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "password": password});
    client.post(app.url("/api/auth/login")).json(&body).send().await.unwrap().status()
}

#[tokio::test]
async fn the_development_endpoints_are_gone_wherever_they_could_be_reached_or_leak_real_mail() {
    type Configure = fn(&mut Config);
    let exposed: [(&str, Configure); 3] = [
        ("listening on every interface", |c| c.addr = "0.0.0.0:8080".parse().unwrap()),
        ("listening on a public address", |c| c.addr = "192.0.2.10:8080".parse().unwrap()),
        ("sending real email", |c| c.smtp_url = Some("smtp://127.0.0.1:9".to_owned())),
    ];
    for (case, configure) in exposed {
        let app = spawn_app_with(configure).await;
        for (method, path) in [
            ("GET", "/api/dev/outbox"),
            ("GET", "/api/dev/outbox?to=victim@example.com"),
            ("GET", "/api/dev/chargers/unpaired"),
            ("POST", "/api/dev/chargers/V2C1234567/connection"),
            ("POST", "/api/dev/chargers/V2C1234567/sessions"),
            ("POST", "/api/dev/chargers/V2C1234567/car"),
        ] {
            let request = new_client().request(method.parse().unwrap(), app.url(path)).json(&json!({}));
            let status = request.send().await.unwrap().status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{case}: {method} {path}");
        }
        let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
        assert!(spec["paths"]["/api/dev/outbox"].is_null(), "{case}");
    }
}

#[tokio::test]
async fn asking_for_development_endpoints_where_they_would_be_exposed_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().join("db.sqlite"));
    config.addr = "0.0.0.0:8080".parse().unwrap();
    config.dev_endpoints = Some(true);
    let error = AppState::new(config).err().expect("refused").to_string();
    assert!(error.contains("loopback"), "{error}");
}

#[tokio::test]
async fn with_smtp_the_outbox_keeps_no_usable_link() {
    let app = spawn_app_with(|c| c.smtp_url = Some("smtp://127.0.0.1:9".to_owned())).await;
    assert_eq!(app.register("ana@example.com", PASSWORD).await.status(), StatusCode::CREATED);
    let conn = rusqlite::Connection::open(&app.state.config.database).unwrap();
    conn.execute("UPDATE users SET confirmed_at = 1", []).unwrap();
    let forgot = app.post("/api/auth/forgot-password", json!({"email": "ana@example.com"})).await;
    assert_eq!(forgot.status(), StatusCode::ACCEPTED);

    let (mails, with_link, with_token): (i64, i64, i64) = app
        .query("SELECT COUNT(*), COUNT(link), SUM(body LIKE '%token=%') FROM outbox", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        });
    assert_eq!(mails, 2, "the confirmation and the reset are recorded");
    assert_eq!((with_link, with_token), (0, 0), "but neither link is kept");
}

#[tokio::test]
async fn wrong_passwords_from_elsewhere_never_lock_the_owner_out() {
    let app = spawn_app().await;
    app.confirmed_user("victim@example.com").await;
    // The owner's browser has logged in before.
    let owner = client_from([127, 0, 0, 3]);
    assert_eq!(login_with(&app, &owner, "victim@example.com", PASSWORD).await, StatusCode::OK);
    owner.post(app.url("/api/auth/logout")).send().await.unwrap();

    // The attacker guesses from this machine's default address, then from the owner's too.
    let attacker = new_client();
    let mut refused = 0;
    for _ in 0..30 {
        match login_with(&app, &attacker, "victim@example.com", "guess guess").await {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}"),
        }
    }
    assert!(refused >= 20, "the attacker is slowed down: {refused} of 30 refused");
    let attacker_beside_owner = client_from([127, 0, 0, 3]);
    for _ in 0..10 {
        login_with(&app, &attacker_beside_owner, "victim@example.com", "guess guess").await;
    }

    // The owner's browser still gets in every time, and so does a new browser elsewhere.
    for attempt in 0..10 {
        let status = login_with(&app, &owner, "victim@example.com", PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "owner's login {attempt}");
    }
    let elsewhere = client_from([127, 0, 0, 4]);
    assert_eq!(login_with(&app, &elsewhere, "victim@example.com", PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn one_address_guessing_many_accounts_is_stopped() {
    let app = spawn_app().await;
    let attacker = client_from([127, 0, 0, 5]);
    let mut statuses = Vec::new();
    for n in 0..60 {
        statuses.push(login_with(&app, &attacker, &format!("user{n}@example.com"), "guess guess").await);
    }
    assert!(statuses[..50].iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    assert!(statuses[50..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Another address is not affected.
    let other = client_from([127, 0, 0, 6]);
    assert_eq!(login_with(&app, &other, "user1@example.com", "guess guess").await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_logins_are_remembered_across_a_restart() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    for _ in 0..5 {
        app.login("ana@example.com", "wrong password").await;
    }
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    let database = app.state.config.database.clone();
    let restarted = spawn_app_with(move |c| c.database = database).await;
    let status = restarted.login("ana@example.com", PASSWORD).await.status();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// How a session can end while its live stream is open.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Logout,
    PasswordChangedElsewhere,
    PasswordReset,
    AccountDeleted,
}

#[tokio::test]
async fn live_streams_close_within_a_second_of_their_session_ending() {
    use Ending::*;
    for ending in [Logout, PasswordChangedElsewhere, PasswordReset, AccountDeleted] {
        let app = spawn_app().await;
        app.logged_in_user("ana@example.com").await;
        app.paired("trydan", "Garage").await;
        let mut stream = app.get("/api/events").await;
        assert_eq!(stream.status(), StatusCode::OK);
        let first = tokio::time::timeout(Duration::from_secs(2), stream.chunk()).await;
        assert!(matches!(first, Ok(Ok(Some(_)))), "{ending:?}: the stream starts");

        match ending {
            Logout => {
                assert_eq!(app.post("/api/auth/logout", json!({})).await.status(), StatusCode::NO_CONTENT)
            }
            PasswordChangedElsewhere => {
                let other = new_client();
                assert_eq!(login_with(&app, &other, "ana@example.com", PASSWORD).await, StatusCode::OK);
                let change = json!({"current_password": PASSWORD, "new_password": "another password"});
                let response =
                    other.post(app.url("/api/account/password")).json(&change).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::NO_CONTENT);
            }
            PasswordReset => {
                app.post("/api/auth/forgot-password", json!({"email": "ana@example.com"})).await;
                let token = app.emailed_token("ana@example.com", "reset-password").await;
                let reset = json!({"token": token, "password": "another password"});
                let response =
                    new_client().post(app.url("/api/auth/reset-password")).json(&reset).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::NO_CONTENT);
            }
            AccountDeleted => {
                let response = app
                    .client
                    .delete(app.url("/api/account"))
                    .json(&json!({"password": PASSWORD}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::NO_CONTENT);
            }
        }

        // Statuses keep coming once a second while the stream is open: it must end instead.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        loop {
            match tokio::time::timeout_at(deadline, stream.chunk()).await {
                Ok(Ok(None) | Err(_)) => break,
                Ok(Ok(Some(_))) => {}
                Err(_) => panic!("{ending:?}: the stream is still open a second later"),
            }
        }
    }
}

#[tokio::test]
async fn registering_a_taken_address_reveals_nothing_and_tells_its_owner() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    let fresh = app.register("new@example.com", PASSWORD).await;
    let taken = app.register("ANA@example.com", "another password").await;

    assert_eq!(taken.status(), fresh.status());
    assert_eq!(taken.status(), StatusCode::CREATED);
    let taken: serde_json::Value = taken.json().await.unwrap();
    assert_eq!(taken["email"], "ana@example.com");
    let mails = app.outbox("ana@example.com").await;
    assert!(mails[0]["body"].as_str().unwrap().contains("already has one"), "{mails:?}");
    // The password stays the owner's.
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_address_cannot_register_without_end() {
    let app = spawn_app().await;
    let client = client_from([127, 0, 0, 7]);
    for n in 0..10 {
        let body = json!({"email": format!("u{n}@example.com"), "password": PASSWORD, "name": "U"});
        let response = client.post(app.url("/api/auth/register")).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let body = json!({"email": "u10@example.com", "password": PASSWORD, "name": "U"});
    let (status, error) =
        error_of(client.post(app.url("/api/auth/register")).json(&body).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["code"], "too_many_requests");
}

#[tokio::test]
async fn nobody_can_flood_a_mailbox_through_the_portal() {
    let app = spawn_app().await;
    app.confirmed_user("ana@example.com").await;
    for _ in 0..8 {
        let response = app.post("/api/auth/forgot-password", json!({"email": "ana@example.com"})).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    // The confirmation, then four resets: five in the hour.
    assert_eq!(app.outbox("ana@example.com").await.len(), 5);
}

#[tokio::test]
async fn over_https_cookies_are_secure_host_only_and_hsts_is_sent() {
    let app = spawn_app_with(|c| c.public_url = Some("https://portal.example.com".to_owned())).await;
    app.confirmed_user("ana@example.com").await;
    let response = app.login("ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies: Vec<String> = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session =
        cookies.iter().find(|c| c.starts_with("__Host-cp_session=")).expect("a __Host- session cookie");
    assert!(
        session.contains("Secure") && session.contains("Path=/") && !session.contains("Domain"),
        "{session}"
    );
    let device =
        cookies.iter().find(|c| c.starts_with("__Secure-cp_device=")).expect("a __Secure- device cookie");
    assert!(device.contains("Secure"), "{device}");
    let hsts = response.headers().get(reqwest::header::STRICT_TRANSPORT_SECURITY);
    assert_eq!(hsts.map(|v| v.to_str().unwrap()), Some("max-age=31536000"));

    // Plain HTTP (development): neither.
    let plain = spawn_app().await;
    let response = plain.get("/api/auth/session").await;
    assert!(response.headers().get(reqwest::header::STRICT_TRANSPORT_SECURITY).is_none());
}

#[tokio::test]
async fn a_session_left_unused_ends_before_its_lifetime() {
    let app = spawn_app_with(|c| {
        c.session_hours = 24 * 14;
        c.session_idle_hours = 12;
    })
    .await;
    app.logged_in_user("ana@example.com").await;
    let me = |app: &TestApp| {
        let request = app.client.get(app.url("/api/account"));
        async move { request.send().await.unwrap().status() }
    };
    // Used every 11 hours, it lives on.
    for _ in 0..3 {
        app.state.clock.advance(chrono::Duration::hours(11));
        assert_eq!(me(&app).await, StatusCode::OK);
    }
    // Unused for 13 hours, it has ended.
    app.state.clock.advance(chrono::Duration::hours(13));
    assert_eq!(me(&app).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_profile_lists_sessions_and_ends_the_others() {
    let app = spawn_app().await;
    app.logged_in_user("ana@example.com").await;
    let phone = client_from([127, 0, 0, 8]);
    assert_eq!(login_with(&app, &phone, "ana@example.com", PASSWORD).await, StatusCode::OK);
    let laptop = client_from([127, 0, 0, 9]);
    assert_eq!(login_with(&app, &laptop, "ana@example.com", PASSWORD).await, StatusCode::OK);
    let mut phone_stream = phone.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(phone_stream.status(), StatusCode::OK);

    let sessions: Vec<charge_model::account::ActiveSession> =
        app.get("/api/account/sessions").await.json().await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert!(sessions[0].current, "this one first");
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    let phone_session = sessions.iter().find(|s| s.address == "127.0.0.8").expect("the phone's session");

    // Someone else's session, or this one, cannot be ended here.
    let bea = app.other_user("bea@example.com").await;
    let response =
        bea.delete(app.url(&format!("/api/account/sessions/{}", phone_session.id))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&format!("/api/account/sessions/{}", sessions[0].id)).await.status(),
        StatusCode::NOT_FOUND
    );

    let ended = app.delete(&format!("/api/account/sessions/{}", phone_session.id)).await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(phone.get(app.url("/api/account")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        while let Ok(Some(_)) = phone_stream.chunk().await {}
    });
    assert!(closed.await.is_ok(), "the phone's live stream closed");
    assert_eq!(laptop.get(app.url("/api/account")).send().await.unwrap().status(), StatusCode::OK);

    assert_eq!(app.delete("/api/account/sessions").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(laptop.get(app.url("/api/account")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/account").await.status(), StatusCode::OK, "this one stays");
    let left: Vec<charge_model::account::ActiveSession> =
        app.get("/api/account/sessions").await.json().await.unwrap();
    assert_eq!(left.len(), 1);
}

#[tokio::test]
async fn behind_a_proxy_clients_are_told_apart_by_the_header_it_sets() {
    let app = spawn_app_with(|c| c.client_ip_header = Some("X-Forwarded-For".to_owned())).await;
    let from = |header: &'static str| {
        let body = json!({"email": "nobody@example.com", "password": "guess guess"});
        let request = new_client().post(app.url("/api/auth/login")).header("X-Forwarded-For", header);
        async move { request.json(&body).send().await.unwrap().status() }
    };
    for _ in 0..5 {
        assert_eq!(from("10.0.0.1, 198.51.100.1").await, StatusCode::UNAUTHORIZED);
    }
    // The entries before the proxy's own are the client's to write: changing them changes nothing.
    assert_eq!(from("10.0.0.2, 198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(from("198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not affected.
    assert_eq!(from("10.0.0.1, 198.51.100.2").await, StatusCode::UNAUTHORIZED);
}
