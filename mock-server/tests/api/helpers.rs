use std::path::Path;

use charge_mock_server::{AppState, Config};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

/// The password every test user gets unless a test says otherwise.
pub const PASSWORD: &str = "correct horse battery";

/// A running server with its own database, and a cookie-keeping client.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

/// Starts the app on a free port with a fresh database and a small built portal in `dist/`.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let dist = dir.path().join("dist");
    write_fake_dist(&dist);
    let mut config = Config::for_tests(dir.path().join("test.sqlite"));
    config.dist = dist;
    configure(&mut config);
    let state = AppState::new(config).expect("app state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let served = state.clone();
    tokio::spawn(async move {
        charge_mock_server::serve(listener, served, std::future::pending()).await.expect("server runs")
    });
    TestApp { address, client: new_client(), state, _dir: dir }
}

/// A client with its own cookie jar: another browser.
pub fn new_client() -> Client {
    Client::builder().cookie_store(true).build().expect("client")
}

/// What Trunk writes: an index with an inline module loader and content-hashed assets.
fn write_fake_dist(dist: &Path) {
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html><head><script type=\"module\">import init from '/app-0123456789abcdef.js'; init();</script>\
         </head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "export default function init() {}\n".repeat(50))
        .unwrap();
    std::fs::write(dist.join("config.json"), r#"{"api_base": ""}"#).unwrap();
    std::fs::create_dir_all(dist.join("public")).unwrap();
    std::fs::write(
        dist.join("public/index.html"),
        "<!doctype html><html><head><script type=\"module\">import init from '/public/public-0123456789abcdef.js'; init();</script>\
         </head><body>public bundle</body></html>",
    )
    .unwrap();
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client.post(self.url(path)).json(&body).send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn register(&self, email: &str, password: &str) -> Response {
        self.post("/api/auth/register", json!({"email": email, "password": password, "name": "Test User"}))
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/api/auth/login", json!({"email": email, "password": password})).await
    }

    /// The emails sent to `to`, newest first, from the development outbox.
    pub async fn outbox(&self, to: &str) -> Vec<Value> {
        let response =
            self.client.get(self.url("/api/dev/outbox")).query(&[("to", to)]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Vec<Value>>().await.unwrap()
    }

    /// The token in the link of the newest email to `to` whose link goes to `page`.
    pub async fn emailed_token(&self, to: &str, page: &str) -> String {
        let mails = self.outbox(to).await;
        let link = mails
            .iter()
            .filter_map(|mail| mail["link"].as_str())
            .find(|link| link.contains(&format!("/{page}?token=")))
            .unwrap_or_else(|| panic!("no {page} link emailed to {to}: {mails:?}"));
        link.split("token=").nth(1).unwrap().to_owned()
    }

    /// Registers `email` and confirms it: an account ready to log in with [`PASSWORD`].
    pub async fn confirmed_user(&self, email: &str) {
        assert_eq!(self.register(email, PASSWORD).await.status(), StatusCode::CREATED);
        let token = self.emailed_token(email, "confirm").await;
        let confirmed = self.post("/api/auth/confirm", json!({ "token": token })).await;
        assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
    }

    /// A confirmed user, logged in on `self.client`.
    pub async fn logged_in_user(&self, email: &str) {
        self.confirmed_user(email).await;
        assert_eq!(self.login(email, PASSWORD).await.status(), StatusCode::OK);
    }

    /// A confirmed user logged in on a client of their own (another browser).
    pub async fn other_user(&self, email: &str) -> Client {
        self.confirmed_user(email).await;
        let client = new_client();
        let login = json!({"email": email, "password": PASSWORD});
        let response = client.post(self.url("/api/auth/login")).json(&login).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        client
    }

    /// Invites `email` to share charger `id` as `role` (the owner is logged in on
    /// `self.client`) and accepts the invitation on `invitee`, logged in as that address.
    pub async fn share_accepted(&self, id: &str, invitee: &Client, email: &str, role: &str) {
        let body = json!({"email": email, "role": role});
        let response = self.post(&format!("/api/chargers/{id}/shares"), body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        self.accept_invitation(invitee, id).await;
    }

    /// Accepts, on `invitee`, the invitation to charger `id`.
    pub async fn accept_invitation(&self, invitee: &Client, id: &str) {
        let invitations: Vec<Value> =
            invitee.get(self.url("/api/invitations")).send().await.unwrap().json().await.unwrap();
        let invitation = invitations
            .iter()
            .find(|i| i["charger_id"] == id)
            .unwrap_or_else(|| panic!("no invitation to {id}: {invitations:?}"));
        let accept = self.url(&format!("/api/invitations/{}/accept", invitation["id"]));
        assert_eq!(invitee.post(accept).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    }

    /// The user ID of an account.
    pub fn user_id(&self, email: &str) -> i64 {
        self.query(&format!("SELECT id FROM users WHERE email = '{email}'"), |r| r.get(0))
    }

    /// An ID nobody has paired yet, of `model` (`trydan`, `pole_pro`…).
    pub async fn unpaired(&self, model: &str) -> String {
        let list: Vec<Value> = self.get("/api/dev/chargers/unpaired").await.json().await.unwrap();
        let found =
            list.iter().find(|c| c["model"] == model).unwrap_or_else(|| panic!("no unpaired {model}"));
        found["id"].as_str().unwrap().to_owned()
    }

    /// Pairs an unpaired charger of `model` to the logged-in user; returns its ID.
    pub async fn paired(&self, model: &str, name: &str) -> String {
        let id = self.unpaired(model).await;
        let response = self.post("/api/chargers", json!({"id": id, "name": name})).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap());
        id
    }

    /// Plugs a single-phase car accepting 32 A into a charger.
    pub async fn plug_car(&self, id: &str) {
        let response = self.post(&format!("/api/dev/chargers/{id}/car"), json!({"plugged": true})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.client.put(self.url(path)).json(&body).send().await.expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client.delete(self.url(path)).send().await.expect("request")
    }

    /// The charger's detail as JSON.
    pub async fn detail(&self, id: &str) -> Value {
        let response = self.get(&format!("/api/chargers/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Runs a query on the app's database.
    pub fn query<T>(&self, sql: &str, read: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> T {
        let conn = rusqlite::Connection::open(&self.state.config.database).unwrap();
        conn.query_row(sql, [], read).unwrap()
    }
}

/// Reads an error response: its status and JSON body.
pub async fn error_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("error bodies are JSON");
    assert!(body["code"].is_string() && body["message"].is_string(), "error shape: {body}");
    (status, body)
}

/// The value of the `Set-Cookie` header for the session cookie.
pub fn session_cookie(response: &Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("cp_session="))
        .expect("a session cookie is set")
}
