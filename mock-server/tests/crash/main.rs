//! Crash test of the real server binary on one database:
//!
//! - killed (SIGKILL) at a random moment while it acknowledges writes (renaming a charger,
//!   saving a tariff, adding cards), restarted: every acknowledged write is there;
//! - killed with a charge in progress, restarted: the charge goes on with its energy, less at
//!   most what the last save interval (a simulated minute under `--time-scale 60`) delivered;
//! - stopped with SIGTERM while a live stream is open: it exits promptly and the charge in
//!   progress is saved to the end.
//!
//! Prints how many rounds passed (`cargo test -p charge-mock-server --test crash -- --nocapture`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use charge_model::charger::{ChargeState, ChargerDetail, ChargerSettings, ChargerStatus, RfidCard};
use charge_model::sessions::HistoryPage;
use charge_model::tariff::{Price, Tariff};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const EMAIL: &str = "crash@example.com";
const PASSWORD: &str = "correct horse battery";
/// Batteries fill, and charges in progress are saved, 60 times as often: every second.
const TIME_SCALE: f64 = 60.0;
/// A car at 16 A on one phase.
const POWER_W: f64 = 3680.0;
const WRITE_ROUNDS: u32 = 3;
const CHARGE_ROUNDS: u32 = 2;

/// The server binary on a fixed address and database, started and stopped at will.
struct Server {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
    starts: u32,
}

impl Server {
    fn new() -> Server {
        let dir = tempfile::tempdir().expect("temporary directory");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>Charge Portal</title>").unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Server { dir, port, child: None, starts: 0 }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join(format!("server-{}.log", self.starts))
    }

    /// Starts the server and waits until it answers.
    async fn start(&mut self) {
        self.starts += 1;
        let log = std::fs::File::create(self.log()).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_charge-mock-server"));
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("CP_")) {
            command.env_remove(name);
        }
        let child = command
            .args(["--addr", &format!("127.0.0.1:{}", self.port)])
            .arg("--database")
            .arg(self.dir.path().join("crash.sqlite"))
            .arg("--dist")
            .arg(self.dir.path().join("dist"))
            .args(["--sim-random-events", "false", "--market-fetch", "false"])
            .args(["--time-scale", &TIME_SCALE.to_string()])
            .env("RUST_LOG", "info,tower_http=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server starts");
        self.child = Some(child);
        let client = Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("the server exited with {status}:\n{}", self.log_text());
            }
            if let Ok(response) = client.get(self.url("/api/openapi.json")).send().await
                && response.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "the server did not answer:\n{}", self.log_text());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no chance to save anything.
    fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// SIGTERM; returns how the server exited and how long it took.
    async fn terminate(&mut self) -> (ExitStatus, Duration) {
        let mut child = self.child.take().expect("running");
        let asked = Instant::now();
        let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status, asked.elapsed());
            }
            if asked.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("the server did not stop within 20 s of SIGTERM:\n{}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The energy of the charge saved in progress, read from the database while the server is down.
    fn saved_energy(&self) -> f64 {
        let conn = rusqlite::Connection::open(self.dir.path().join("crash.sqlite")).unwrap();
        conn.query_row("SELECT COALESCE(MAX(energy_wh), 0) FROM charges_in_progress", [], |row| row.get(0))
            .unwrap()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A logged-in user's client, and the server's address.
#[derive(Clone)]
struct Api {
    client: Client,
    base: String,
}

impl Api {
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {text}"));
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())?
        })
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        self.send(self.client.get(format!("{}{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.send(self.client.post(format!("{}{path}", self.base)).json(&body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Result<Value, String> {
        self.send(self.client.put(format!("{}{path}", self.base)).json(&body)).await
    }

    async fn detail(&self, id: &str) -> ChargerDetail {
        serde_json::from_value(self.get(&format!("/api/chargers/{id}")).await.unwrap()).unwrap()
    }

    async fn status(&self, id: &str) -> ChargerStatus {
        self.detail(id).await.summary.status
    }

    async fn car(&self, id: &str, plugged: bool) {
        self.post(&format!("/api/dev/chargers/{id}/car"), json!({ "plugged": plugged })).await.unwrap();
    }

    async fn sessions(&self, id: &str) -> HistoryPage {
        serde_json::from_value(self.get(&format!("/api/sessions?charger={id}")).await.unwrap()).unwrap()
    }
}

/// Registers, confirms and logs in a user, and pairs a Trydan; returns its ID.
async fn set_up(server: &Server) -> (Api, String) {
    let api = Api { client: Client::builder().cookie_store(true).build().unwrap(), base: server.url("") };
    api.post("/api/auth/register", json!({"email": EMAIL, "password": PASSWORD, "name": "Crash"}))
        .await
        .unwrap();
    let outbox = api.get(&format!("/api/dev/outbox?to={EMAIL}")).await.unwrap();
    let link = outbox[0]["link"].as_str().expect("a confirmation link");
    let token = link.split("token=").nth(1).unwrap();
    api.post("/api/auth/confirm", json!({ "token": token })).await.unwrap();
    api.post("/api/auth/login", json!({"email": EMAIL, "password": PASSWORD})).await.unwrap();
    let unpaired = api.get("/api/dev/chargers/unpaired").await.unwrap();
    let id = unpaired.as_array().unwrap().iter().find(|c| c["model"] == "trydan").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.post("/api/chargers", json!({"id": id, "name": "Garage"})).await.unwrap();
    (api, id)
}

/// What the writer sent, and which of it the server acknowledged.
#[derive(Debug, Default)]
struct Writes {
    /// The last acknowledged rename and tariff (their numbers), and every card acknowledged.
    renamed: Option<u32>,
    priced: Option<u32>,
    cards: Vec<String>,
    acknowledged: usize,
}

fn name(round: u32, n: u32) -> String {
    format!("Garage {round}.{n}")
}

fn price(round: u32, n: u32) -> i64 {
    100_000 + i64::from(round) * 10_000 + i64::from(n)
}

fn card(round: u32, n: u32) -> String {
    format!("{:08X}", round * 100_000 + n)
}

/// Writes until the server stops answering, recording each acknowledged write.
async fn write_until_killed(api: Api, id: String, round: u32, writes: Arc<Mutex<Writes>>) {
    let mut settings: ChargerSettings = api.detail(&id).await.settings;
    for n in 0.. {
        settings.name = name(round, n);
        if api.put(&format!("/api/chargers/{id}/settings"), json!(settings)).await.is_err() {
            return;
        }
        writes.lock().unwrap().renamed = Some(n);
        writes.lock().unwrap().acknowledged += 1;
        let tariff = Tariff::Flat { price: Price(price(round, n)) };
        if api.put(&format!("/api/chargers/{id}/tariff"), json!(tariff)).await.is_err() {
            return;
        }
        writes.lock().unwrap().priced = Some(n);
        writes.lock().unwrap().acknowledged += 1;
        let body = json!({"code": card(round, n), "name": format!("Card {round}.{n}")});
        if api.post(&format!("/api/chargers/{id}/cards"), body).await.is_err() {
            return;
        }
        writes.lock().unwrap().cards.push(card(round, n));
        writes.lock().unwrap().acknowledged += 1;
    }
}

/// Kills the server at a random moment of a burst of writes; after a restart every
/// acknowledged write is there. Returns how many were acknowledged.
async fn writes_round(server: &mut Server, api: &Api, id: &str, round: u32) -> usize {
    let writes = Arc::new(Mutex::new(Writes::default()));
    let writer = tokio::spawn(write_until_killed(api.clone(), id.to_owned(), round, writes.clone()));
    tokio::time::sleep(Duration::from_millis(rand::random_range(300..1500))).await;
    server.kill();
    writer.await.unwrap();
    server.start().await;

    let writes = std::mem::take(&mut *writes.lock().unwrap());
    let detail = api.detail(id).await;
    // The last acknowledged value, or the one in flight when the server died.
    let renamed = writes.renamed.expect("some rename acknowledged");
    assert!(
        [name(round, renamed), name(round, renamed + 1)].contains(&detail.settings.name),
        "round {round}: rename {renamed} acknowledged, the name is {:?}",
        detail.settings.name
    );
    let tariff: Tariff =
        serde_json::from_value(api.get(&format!("/api/chargers/{id}/tariff")).await.unwrap()).unwrap();
    let priced = price(round, writes.priced.expect("some tariff acknowledged"));
    assert!(
        [Tariff::Flat { price: Price(priced) }, Tariff::Flat { price: Price(priced + 1) }].contains(&tariff),
        "round {round}: tariff {priced} acknowledged, the tariff is {tariff:?}"
    );
    let cards: Vec<RfidCard> =
        serde_json::from_value(api.get(&format!("/api/chargers/{id}/cards")).await.unwrap()).unwrap();
    for code in &writes.cards {
        assert!(cards.iter().any(|card| &card.code == code), "round {round}: acknowledged card {code} lost");
    }
    writes.acknowledged
}

/// Kills the server while a car charges; after a restart the charge goes on with its energy
/// less at most the last save interval's. Returns the most energy that can have been lost (Wh).
async fn charge_round(server: &mut Server, api: &Api, id: &str, round: u32) -> f64 {
    let before = api.sessions(id).await.total;
    api.car(id, true).await;
    // A random moment, later than the most a crash may lose, so that losing the whole charge shows.
    tokio::time::sleep(Duration::from_millis(rand::random_range(4000..6000))).await;
    let seen = api.status(id).await;
    assert_eq!(seen.state, ChargeState::Charging, "round {round}");
    server.kill();
    let saved = server.saved_energy();
    // Saved every simulated minute (a second) at a tick (a second apart), and a second for a
    // busy machine: at most 3 s of the charge are lost.
    let at_most = POWER_W * (60.0 / TIME_SCALE + 2.0) / 3600.0;
    assert!(
        seen.session_energy_wh - saved <= at_most,
        "round {round}: {} Wh seen just before the crash, {saved:.1} Wh saved",
        seen.session_energy_wh
    );
    // The status seen was as of the last tick, up to a second before: the most that was lost.
    let lost = seen.session_energy_wh + POWER_W / 3600.0 - saved;
    server.start().await;

    let resumed = api.status(id).await;
    assert_eq!(resumed.state, ChargeState::Charging, "round {round}: the car is still plugged in");
    assert!(resumed.session_energy_wh >= saved - 0.1, "round {round}: {saved} Wh saved, {resumed:?}");
    api.car(id, false).await;
    let sessions = api.sessions(id).await;
    assert_eq!(sessions.total, before + 1, "round {round}: one charge recorded");
    let recorded = &sessions.rows[0].session;
    assert!(recorded.energy_wh >= resumed.session_energy_wh - 0.1, "round {round}: {recorded:?}");
    lost
}

/// SIGTERM with a live stream open and a car charging: the server exits promptly, and the
/// charge is saved up to the end. Returns how long the server took to exit.
async fn sigterm_round(server: &mut Server, api: &Api, id: &str) -> Duration {
    let stream = api.client.get(format!("{}/api/events", api.base)).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let reader = tokio::spawn(async move {
        let mut stream = stream;
        while let Ok(Some(_)) = stream.chunk().await {}
    });
    api.car(id, true).await;
    tokio::time::sleep(Duration::from_millis(rand::random_range(1500..2500))).await;
    let seen = api.status(id).await;
    let (status, took) = server.terminate().await;
    assert!(status.success(), "exit status {status}:\n{}", server.log_text());
    assert!(took < Duration::from_secs(5), "took {took:?} to stop:\n{}", server.log_text());
    tokio::time::timeout(Duration::from_secs(5), reader).await.expect("the live stream ended").unwrap();
    let saved = server.saved_energy();
    assert!(
        saved >= seen.session_energy_wh - 0.05,
        "{} Wh seen before SIGTERM, {saved} Wh saved",
        seen.session_energy_wh
    );
    server.start().await;

    let resumed = api.status(id).await;
    assert_eq!(resumed.state, ChargeState::Charging);
    assert!(resumed.session_energy_wh >= saved - 0.1, "{saved} Wh saved, {resumed:?}");
    api.car(id, false).await;
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_and_charges_survive_kill_9_and_sigterm() {
    let mut server = Server::new();
    server.start().await;
    let (api, id) = set_up(&server).await;
    let mut passed = Vec::new();

    let mut acknowledged = 0;
    for round in 1..=WRITE_ROUNDS {
        let writes = writes_round(&mut server, &api, &id, round).await;
        acknowledged += writes;
        passed.push("writes");
        println!("round {} passed: kill -9 after {writes} acknowledged writes, all kept", passed.len());
    }
    let mut worst_loss: f64 = 0.0;
    for round in 1..=CHARGE_ROUNDS {
        let lost = charge_round(&mut server, &api, &id, round).await;
        worst_loss = worst_loss.max(lost);
        passed.push("charge");
        println!("round {} passed: kill -9 while charging, at most {lost:.2} Wh lost", passed.len());
    }
    let took = sigterm_round(&mut server, &api, &id).await;
    passed.push("sigterm");

    println!(
        "crash rounds passed: {} of {} (kill -9 during writes: {WRITE_ROUNDS}, {acknowledged} acknowledged \
         writes all kept; kill -9 while charging: {CHARGE_ROUNDS}, at most {worst_loss:.2} Wh lost, bound {:.2}; \
         SIGTERM with a live stream: stopped in {} ms, charge saved)",
        passed.len(),
        WRITE_ROUNDS + CHARGE_ROUNDS + 1,
        POWER_W * (60.0 / TIME_SCALE + 2.0) / 3600.0,
        took.as_millis()
    );
}
