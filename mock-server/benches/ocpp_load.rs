//! Load benchmark of the OCPP 1.6J central system (issue #12): prints figures, asserts nothing
//! about timing (targets are printed beside the figures, "met" or "missed").
//!
//! Run with `cargo bench -p charge-mock-server --bench ocpp_load` (or `./tasks.sh bench`). It
//! starts the release server (the binary Cargo builds beside this bench; `BENCH_SERVER` names
//! another) on a free port with a fresh database, and through the real HTTP API and WebSocket:
//!
//! 1. registers 20 owners and pairs 100 OCPP charge points each (`POST /api/chargers/ocpp`),
//!    with one card each (`POST /api/chargers/{id}/cards`);
//! 2. opens one live stream per owner (`GET /api/events`, with the owner's session cookie);
//! 3. connects the 2,000 charge points (`/ocpp/{id}`, HTTP Basic, subprotocol `ocpp1.6`):
//!    BootNotification, StatusNotification Preparing, StartTransaction with the card,
//!    StatusNotification Charging;
//! 4. for `BENCH_OCPP_SECS`, each charge point sends MeterValues every 10 s (staggered over the
//!    period) with a growing energy register and a power that changes each time. A MeterValues
//!    is delivered when its owner's stream brings the `status` event with that charger and that
//!    power: latency = received − sent, both on this process's monotonic clock;
//! 5. meanwhile, the slider: `PUT /api/chargers/{id}/intensity` on sampled charge points;
//!    latency = the SetChargingProfile CALL read by the charge point − the PUT sent (the charge
//!    point answers Accepted, so that the PUT completes), and the PUT's round trip.
//!
//! Server memory is its VmRSS (and VmHWM, the peak) from `/proc/<pid>/status`; CPU is its
//! utime + stime from `/proc/<pid>/stat` over the steady period, and this process's likewise:
//! the charge points, streams and slider share the machine's cores with the server.
//!
//! The open-file limit: each charge point is a socket at both ends. The soft limit of this
//! process is raised towards its hard limit (setrlimit) before the server starts, so that the
//! server, a child, inherits it; if the hard limit is too low, the benchmark says how to raise it.
//!
//! Knobs: `BENCH_OCPP_OWNERS` (20), `BENCH_OCPP_CHARGE_POINTS` (2000, spread over the owners),
//! `BENCH_OCPP_SECS` (90, the measured period), `BENCH_OCPP_METER_SECS` (10),
//! `BENCH_OCPP_SLIDES_PER_SEC` (5), `BENCH_OCPP_STREAMS_PER_OWNER` (1).
//! It exits non-zero on errors only (a failed request, call or stream), not on a missed target.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use base64::Engine as _;
use charge_model::charger::StatusEvent;
use charge_model::link::OcppPairing;
use futures_util::{SinkExt as _, StreamExt as _, stream};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderValue, header};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const PASSWORD: &str = "correct horse battery";
/// Requests in flight while setting up (registration hashes passwords: 2 cores are enough).
const SETUP_CONCURRENCY: usize = 16;
/// Charge points connecting and starting their charge at once.
const CONNECT_CONCURRENCY: usize = 64;
/// Targets of issue #12.
const METER_P99_TARGET_MS: f64 = 200.0;
const SLIDER_P99_TARGET_MS: f64 = 100.0;
/// How long the last events of the measured period may take before they count as missed.
const GRACE: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let owners = knob("BENCH_OCPP_OWNERS", 20).max(1) as usize;
    let total = knob("BENCH_OCPP_CHARGE_POINTS", 2000).max(owners as u64) as usize;
    let secs = knob("BENCH_OCPP_SECS", 90).max(10);
    let meter_period = Duration::from_secs(knob("BENCH_OCPP_METER_SECS", 10).max(1));
    let slides_per_sec = knob("BENCH_OCPP_SLIDES_PER_SEC", 5).max(1);
    let streams_per_owner = knob("BENCH_OCPP_STREAMS_PER_OWNER", 1).max(1) as usize;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let files = raise_open_files(2 * total as u64 + 1024)?;
    let mut table = Table::default();

    let server = Server::start().await?;
    println!("Charge Portal OCPP load benchmark (issue #12)");
    println!(
        "  release mock server (pid {}) and this bench (the charge points, streams and slider) \
         share the machine's {cores} cores; fresh database; open-file limit {files}",
        server.pid
    );
    let started = Instant::now();
    let rss_fresh = server.memory()?;

    // 1. Owners, pairings, cards.
    let clock = Instant::now();
    let users = create_users(&server.base, owners).await?;
    println!(
        "  {owners} owners registered, confirmed and logged in ({:.1} s)",
        clock.elapsed().as_secs_f64()
    );
    // Password hashing (argon2, 19 MiB each) leaves the allocator's arenas grown: a baseline.
    let rss_users = server.memory()?;
    let clock = Instant::now();
    let points = pair_all(&server.base, &users, total).await?;
    let pairing = clock.elapsed();
    table.row(
        "Pairing: POST /api/chargers/ocpp",
        format!(
            "{:.0}/s ({total} in {:.1} s, {SETUP_CONCURRENCY} in flight)",
            rate(total, pairing),
            secs_of(pairing)
        ),
    );
    let clock = Instant::now();
    add_cards(&server.base, &users, &points).await?;
    let carding = clock.elapsed();
    table.row(
        "A card each: POST /api/chargers/{id}/cards",
        format!("{:.0}/s ({total} in {:.1} s)", rate(total, carding), secs_of(carding)),
    );
    let rss_paired = server.memory()?;

    // 2. The owners' live streams.
    let probe = Arc::new(Probe::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let mut streams = JoinSet::new();
    for user in &users {
        for _ in 0..streams_per_owner {
            let response = user.client.get(format!("{}/api/events", server.base)).send();
            let (ready, stop, probe) = (ready_tx.clone(), stop_rx.clone(), probe.clone());
            streams.spawn(async move { listen(response.await?, ready, stop, probe).await });
        }
    }
    drop(ready_tx);
    let deadline = Instant::now() + Duration::from_secs(60);
    for _ in 0..owners * streams_per_owner {
        match tokio::time::timeout_at(deadline, ready_rx.recv()).await {
            Ok(Some(())) => {}
            _ => bail!("not every event stream started within 60 s"),
        }
    }

    // 3. The charge points connect and start charging.
    let clock = Instant::now();
    let (schedule_tx, schedule_rx) = watch::channel(None);
    let (up_tx, mut up_rx) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let ws_base = server.base.replacen("http://", "ws://", 1);
    let mut charge_points = JoinSet::new();
    for (index, point) in points.iter().enumerate() {
        let job = ChargePointJob {
            index,
            total,
            url: format!("{ws_base}/ocpp/{}", point.charge_point_id),
            charge_point_id: point.charge_point_id.clone(),
            password: point.password.clone(),
            charger: point.charger.clone(),
            card: point.card.clone(),
            meter_period,
        };
        let (gate, up, schedule, probe) = (gate.clone(), up_tx.clone(), schedule_rx.clone(), probe.clone());
        charge_points.spawn(async move { job.run(gate, up, schedule, probe).await });
    }
    drop(up_tx);
    let mut connects = Vec::with_capacity(total);
    let mut setups = Vec::with_capacity(total);
    while connects.len() < total {
        tokio::select! {
            up = up_rx.recv() => {
                let (connect_ms, setup_ms) = up.context("the charge points stopped")?;
                connects.push(connect_ms);
                setups.push(setup_ms);
            }
            // None of them ends before the measured period unless it failed.
            Some(ended) = charge_points.join_next() => {
                bail!("a charge point failed while starting: {:#}", ended?.err().unwrap_or_else(|| anyhow::anyhow!("it stopped")));
            }
        }
    }
    let connecting = clock.elapsed();
    sort(&mut connects);
    sort(&mut setups);
    table.row(
        "Connect: WebSocket + Basic auth + ocpp1.6",
        format!(
            "{:.0}/s ({total} in {:.1} s, {CONNECT_CONCURRENCY} at once); handshake {}",
            rate(total, connecting),
            secs_of(connecting),
            quantiles(&connects)
        ),
    );
    table.row(
        "Boot, Preparing, StartTransaction, Charging",
        format!("per charge point {}", quantiles(&setups)),
    );
    // Let the calls the server makes after each boot (current limit, TriggerMessage) settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_connected = server.memory()?;

    // 4. and 5. The measured period: MeterValues from every charge point, and the slider.
    let t0 = Instant::now() + Duration::from_millis(200);
    let measure_end = t0 + Duration::from_secs(secs);
    schedule_tx.send_replace(Some(Schedule { t0, end: measure_end }));
    tokio::time::sleep_until(t0).await;
    let cpu = CpuMeter::start(server.pid)?;
    let slides = slider(&server.base, &users, &points, &probe, measure_end, slides_per_sec).await;
    tokio::time::sleep_until(measure_end).await;
    let cpu = cpu.finish()?;
    let rss_end = server.memory()?;
    let load = load_average();
    tokio::time::sleep(GRACE).await;
    stop_tx.send_replace(true);

    // Errors end the benchmark, after the figures.
    let mut errors: Vec<String> = Vec::new();
    for outcome in charge_points.join_all().await {
        if let Err(error) = outcome {
            errors.push(format!("charge point: {error:#}"));
        }
    }
    for outcome in streams.join_all().await {
        if let Err(error) = outcome {
            errors.push(format!("event stream: {error:#}"));
        }
    }
    errors.extend(slides.errors.iter().cloned());

    // The figures.
    let sent = probe.meters_sent.load(Ordering::Relaxed);
    let missed = lock(&probe.meters).len();
    let mut delivered = std::mem::take(&mut *lock(&probe.delivered));
    sort(&mut delivered);
    let mut answered = std::mem::take(&mut *lock(&probe.answered));
    sort(&mut answered);
    let per_sec = sent as f64 / secs as f64;
    table.row(
        "MeterValues sent in the period",
        format!("{sent} ({per_sec:.0}/s: {total} charge points, every {} s)", meter_period.as_secs()),
    );
    table.row("MeterValues → CALLRESULT at the charge point", quantiles(&answered));
    table.target(
        "MeterValues → status event on the owner's stream",
        format!("{} ({} delivered, {missed} missed)", quantiles(&delivered), delivered.len()),
        format!("p99 <= {METER_P99_TARGET_MS:.0} ms"),
        p99(&delivered) <= METER_P99_TARGET_MS && missed == 0 && !delivered.is_empty(),
    );
    let mut arrived = slides.arrived_ms;
    let mut round_trips = slides.round_trip_ms;
    sort(&mut arrived);
    sort(&mut round_trips);
    table.target(
        "Slider: PUT intensity → SetChargingProfile at the CP",
        format!("{} ({} slides, {slides_per_sec}/s)", quantiles(&arrived), arrived.len()),
        format!("p99 <= {SLIDER_P99_TARGET_MS:.0} ms"),
        p99(&arrived) <= SLIDER_P99_TARGET_MS && !arrived.is_empty() && slides.errors.is_empty(),
    );
    table.row("Slider: PUT intensity round trip (200 OK)", quantiles(&round_trips));
    table.row(
        "Server RSS: fresh / owners / paired / connected / end",
        format!(
            "{} / {} / {} / {} / {} MiB (peak {} MiB)",
            mib(rss_fresh.rss_kb),
            mib(rss_users.rss_kb),
            mib(rss_paired.rss_kb),
            mib(rss_connected.rss_kb),
            mib(rss_end.rss_kb),
            mib(rss_end.peak_kb)
        ),
    );
    table.row(
        "Server RSS growth per charge point (connected − paired)",
        format!("{:.1} KiB", rss_connected.rss_kb.saturating_sub(rss_paired.rss_kb) as f64 / total as f64),
    );
    table.row(
        "CPU over the period (% of one core)",
        format!("server {:.1}%, bench {:.1}% (same {cores} cores)", cpu.server_pct, cpu.client_pct),
    );
    table.row("Machine load average at the end (1, 5 min)", load);

    println!(
        "\n{total} OCPP 1.6J charge points, {owners} owners × {} each, {} live streams, \
         measured over {secs} s:",
        total / owners,
        owners * streams_per_owner
    );
    table.print();
    println!("\nTotal run time {:.0} s", started.elapsed().as_secs_f64());
    drop(server);
    if !errors.is_empty() {
        for error in errors.iter().take(10) {
            eprintln!("error: {error}");
        }
        bail!("{} errors during the benchmark", errors.len());
    }
    Ok(())
}

/// A size from the environment, or its default.
fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn secs_of(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

fn rate(count: usize, duration: Duration) -> f64 {
    count as f64 / duration.as_secs_f64()
}

fn mib(kb: u64) -> String {
    format!("{:.0}", kb as f64 / 1024.0)
}

fn ms_since(earlier: Instant, later: Instant) -> f64 {
    later.saturating_duration_since(earlier).as_secs_f64() * 1000.0
}

/// The 1- and 5-minute load averages: other work on the machine shows here.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(2).collect();
    format!("{} (other processes included)", fields.join(", "))
}

/// Raises this process's soft open-file limit to `wanted` (at most its hard limit); the
/// server, started afterwards, inherits it. Answers the limit now in force.
fn raise_open_files(wanted: u64) -> anyhow::Result<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= wanted {
        return Ok(current);
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    ensure!(
        hard >= wanted,
        "the open-file limit is {current} (hard {hard}); this benchmark needs {wanted}: \
         raise the hard limit first (`ulimit -Hn {wanted}` as root, or LimitNOFILE=)"
    );
    let raised = rustix::process::Rlimit { current: Some(wanted), maximum: limit.maximum };
    setrlimit(Resource::Nofile, raised).context("raising the open-file limit")?;
    Ok(wanted)
}

/// Figures as rows of a table: what, the figure, and for targets the target and a verdict.
#[derive(Default)]
struct Table {
    rows: Vec<[String; 3]>,
}

impl Table {
    fn row(&mut self, what: &str, value: String) {
        self.rows.push([what.to_owned(), value, String::new()]);
    }

    fn target(&mut self, what: &str, value: String, target: String, met: bool) {
        let verdict = if met { "met" } else { "missed" };
        self.rows.push([what.to_owned(), value, format!("{target}: {verdict}")]);
    }

    fn print(&self) {
        let width = |i: usize| self.rows.iter().map(|row| row[i].chars().count()).max().unwrap_or(0);
        let (what, value) = (width(0), width(1));
        println!("  {:what$} | {:value$} | target", "figure", "value");
        println!("  {}-+-{}-+-{}", "-".repeat(what), "-".repeat(value), "-".repeat(22));
        for [w, v, t] in &self.rows {
            println!("  {w:what$} | {v:value$} | {t}");
        }
    }
}

/// p50, p95, p99 and max of sorted milliseconds.
fn quantiles(sorted: &[f64]) -> String {
    if sorted.is_empty() {
        return "no samples".to_owned();
    }
    format!(
        "p50 {:.1} / p95 {:.1} / p99 {:.1} / max {:.1} ms",
        percentile(sorted, 0.5),
        percentile(sorted, 0.95),
        percentile(sorted, 0.99),
        sorted[sorted.len() - 1]
    )
}

fn p99(sorted: &[f64]) -> f64 {
    percentile(sorted, 0.99)
}

fn sort(values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
}

/// The `p` quantile (0 to 1) of sorted values, by the nearest-rank method.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The release server, run as a child process; killed when dropped.
struct Server {
    child: Child,
    pid: u32,
    base: String,
    dir: tempfile::TempDir,
}

/// A process's memory, in KiB.
struct Memory {
    rss_kb: u64,
    peak_kb: u64,
}

impl Server {
    async fn start() -> anyhow::Result<Server> {
        let binary = std::env::var_os("BENCH_SERVER")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_charge-mock-server")), PathBuf::from);
        let dir = tempfile::Builder::new().prefix("charge-portal-ocpp-load-").tempdir()?;
        // The portal's files are not measured: an index for each bundle is all it reads.
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("public"))?;
        std::fs::write(dist.join("index.html"), "<!doctype html><title>Charge Portal</title>")?;
        std::fs::write(dist.join("public/index.html"), "<!doctype html><title>Charge Portal</title>")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let child = Command::new(&binary)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--database")
            .arg(dir.path().join("bench.sqlite"))
            .arg("--dist")
            .arg(&dist)
            .args(["--market-fetch", "false", "--sim-random-events", "false"])
            // 20 owners register, confirm and log in from this one address.
            .args(["--registrations-per-hour", "100000", "--email-links-per-hour", "100000"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let pid = child.id();
        let mut server = Server { child, pid, base: format!("http://127.0.0.1:{port}"), dir };
        let probe = Client::new();
        for _ in 0..200 {
            if let Some(status) = server.child.try_wait()? {
                bail!("the server exited ({status}): {}", server.log());
            }
            let ready = probe.get(format!("{}/api/auth/session", server.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the server did not answer within 10 s: {}", server.log())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// VmRSS and VmHWM from `/proc/<pid>/status`.
    fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status.lines().find(|l| l.starts_with(name)).with_context(|| format!("no {name}"))?;
            let kb = line.split_whitespace().nth(1).context("an empty field")?;
            Ok(kb.parse()?)
        };
        Ok(Memory { rss_kb: field("VmRSS:")?, peak_kb: field("VmHWM:")? })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system) a process has used, in seconds; `pid` "self" is this one.
fn cpu_seconds(pid: &str) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which is in parentheses and may hold spaces):
    // state is field 3, utime 14, stime 15.
    let (_, rest) = stat.rsplit_once(')').context("reading /proc/<pid>/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    Ok(ticks as f64 / clock_ticks_per_sec())
}

fn clock_ticks_per_sec() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok()?.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// CPU use of the server and of this process over a window, as % of one core.
struct CpuMeter {
    pid: String,
    wall: Instant,
    server: f64,
    client: f64,
}

struct CpuUse {
    server_pct: f64,
    client_pct: f64,
}

impl CpuMeter {
    fn start(pid: u32) -> anyhow::Result<CpuMeter> {
        let pid = pid.to_string();
        Ok(CpuMeter { server: cpu_seconds(&pid)?, client: cpu_seconds("self")?, wall: Instant::now(), pid })
    }

    fn finish(self) -> anyhow::Result<CpuUse> {
        let wall = self.wall.elapsed().as_secs_f64();
        Ok(CpuUse {
            server_pct: (cpu_seconds(&self.pid)? - self.server) / wall * 100.0,
            client_pct: (cpu_seconds("self")? - self.client) / wall * 100.0,
        })
    }
}

/// Fails with the answer's body unless it has the expected status.
async fn expect(response: Response, status: StatusCode, what: &str) -> anyhow::Result<Response> {
    if response.status() == status {
        return Ok(response);
    }
    let got = response.status();
    bail!("{what}: expected {status}, got {got}: {}", response.text().await.unwrap_or_default())
}

/// An owner: its client keeps the session cookie.
struct User {
    client: Client,
}

/// Registers, confirms (with the token from the development outbox) and logs a user in.
async fn create_user(base: &str, index: usize) -> anyhow::Result<User> {
    let client = Client::builder().cookie_store(true).build()?;
    let email = format!("ocpp-owner-{index:03}@example.com");
    let body = json!({"email": email, "password": PASSWORD, "name": format!("OCPP owner {index}")});
    let response = client.post(format!("{base}/api/auth/register")).json(&body).send().await?;
    expect(response, StatusCode::CREATED, "registration").await?;
    let outbox = client.get(format!("{base}/api/dev/outbox?to={email}")).send().await?;
    let mails: Vec<Value> = expect(outbox, StatusCode::OK, "outbox").await?.json().await?;
    let token = mails
        .iter()
        .filter_map(|mail| mail["link"].as_str()?.split_once("/confirm?token="))
        .map(|(_, token)| token.to_owned())
        .next()
        .with_context(|| format!("no confirmation link emailed to {email}"))?;
    let response =
        client.post(format!("{base}/api/auth/confirm")).json(&json!({"token": token})).send().await?;
    expect(response, StatusCode::NO_CONTENT, "confirmation").await?;
    let body = json!({"email": email, "password": PASSWORD});
    let response = client.post(format!("{base}/api/auth/login")).json(&body).send().await?;
    expect(response, StatusCode::OK, "login").await?;
    Ok(User { client })
}

async fn create_users(base: &str, count: usize) -> anyhow::Result<Vec<User>> {
    stream::iter(0..count)
        .map(|index| create_user(base, index))
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// A paired charge point: what it connects with, and its portal charger.
struct Paired {
    owner: usize,
    charger: String,
    charge_point_id: String,
    password: String,
    /// The card its charge starts with.
    card: String,
}

/// Pairs `total` charge points, spread evenly over the owners (charge point `i` belongs to
/// owner `i * owners / total`).
async fn pair_all(base: &str, users: &[User], total: usize) -> anyhow::Result<Vec<Paired>> {
    stream::iter(0..total)
        .map(|index| {
            let owner = index * users.len() / total;
            let client = users[owner].client.clone();
            let body =
                json!({"charge_point_id": format!("BENCH-CP-{index:05}"), "name": format!("CP {index}")});
            async move {
                let response = client.post(format!("{base}/api/chargers/ocpp")).json(&body).send().await?;
                let pairing: OcppPairing =
                    expect(response, StatusCode::CREATED, "pairing").await?.json().await?;
                anyhow::Ok(Paired {
                    owner,
                    charger: pairing.charger.id.to_string(),
                    charge_point_id: pairing.credentials.charge_point_id,
                    password: pairing.credentials.password,
                    card: format!("{:08X}", 0xBE00_0000_u32 + index as u32),
                })
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn add_cards(base: &str, users: &[User], points: &[Paired]) -> anyhow::Result<()> {
    stream::iter(points)
        .map(|point| {
            let request = users[point.owner]
                .client
                .post(format!("{base}/api/chargers/{}/cards", point.charger))
                .json(&json!({"code": point.card, "name": "Bench card"}))
                .send();
            async move { expect(request.await?, StatusCode::CREATED, "adding a card").await }
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(())
}

/// What the charge points, streams and slider measure, shared between them.
#[derive(Default)]
struct Probe {
    /// MeterValues sent in the measured period and not yet seen on a stream, by (charger,
    /// power in tenths of W): when each was sent.
    meters: Mutex<HashMap<(String, i64), Instant>>,
    meters_sent: AtomicUsize,
    /// Sent → seen on the owner's stream, ms.
    delivered: Mutex<Vec<f64>>,
    /// Sent → CALLRESULT read by the charge point, ms.
    answered: Mutex<Vec<f64>>,
    /// The last SetChargingProfile each charge point read: (limit in A, when).
    profiles: Mutex<HashMap<usize, (f64, Instant)>>,
}

/// The measured period, told to the charge points once they are all charging.
#[derive(Clone, Copy)]
struct Schedule {
    t0: Instant,
    end: Instant,
}

/// The power in tenths of W: the key of a MeterValues on the stream (the server rounds to 0.1 W).
fn power_key(power_w: f64) -> i64 {
    (power_w * 10.0).round() as i64
}

/// Reads a live stream like an `EventSource`: says when the first status arrives, then
/// matches every status event with the MeterValues that caused it, until told to stop.
async fn listen(
    mut response: Response,
    ready: mpsc::UnboundedSender<()>,
    mut stop: watch::Receiver<bool>,
    probe: Arc<Probe>,
) -> anyhow::Result<()> {
    ensure!(response.status() == StatusCode::OK, "GET /api/events answered {}", response.status());
    let mut ready = Some(ready);
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let chunk = tokio::select! {
            chunk = response.chunk() => chunk?.context("the server ended the stream")?,
            _ = stop.wait_for(|stop| *stop) => return Ok(()),
        };
        let received = Instant::now();
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buffer.drain(..end + 2).collect();
            let block = std::str::from_utf8(&block)?;
            let mut event = "";
            let mut data = String::new();
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event:") {
                    event = name.trim();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim_start());
                }
            }
            if event != "status" {
                continue;
            }
            let status: StatusEvent = serde_json::from_str(&data).context("a status event's data")?;
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
            let key = (status.charger_id.to_string(), power_key(status.status.charge_power_w));
            let sent = lock(&probe.meters).remove(&key);
            if let Some(sent) = sent {
                lock(&probe.delivered).push(ms_since(sent, received));
            }
        }
    }
}

/// One simulated charge point.
struct ChargePointJob {
    index: usize,
    total: usize,
    url: String,
    charge_point_id: String,
    password: String,
    charger: String,
    card: String,
    meter_period: Duration,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A connected charge point: it answers every call of the server Accepted.
struct ChargePoint {
    index: usize,
    socket: Socket,
    next_id: u64,
    probe: Arc<Probe>,
}

impl ChargePointJob {
    /// Connects and starts a charge (`gate` limits how many do at once), says so on `up`
    /// (handshake ms, setup ms), then sends MeterValues through the measured period.
    async fn run(
        self,
        gate: Arc<Semaphore>,
        up: mpsc::UnboundedSender<(f64, f64)>,
        mut schedule: watch::Receiver<Option<Schedule>>,
        probe: Arc<Probe>,
    ) -> anyhow::Result<()> {
        let permit = gate.acquire_owned().await?;
        let mut request = self.url.as_str().into_client_request()?;
        let credentials = format!("{}:{}", self.charge_point_id, self.password);
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials));
        request.headers_mut().insert(header::AUTHORIZATION, HeaderValue::from_str(&basic)?);
        request.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static("ocpp1.6"));
        let connecting = Instant::now();
        // Without Nagle's algorithm: the latencies are the server's, not this client's socket.
        let (socket, answer) = tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .with_context(|| format!("connecting {}", self.charge_point_id))?;
        let protocol = answer.headers().get(header::SEC_WEBSOCKET_PROTOCOL).and_then(|v| v.to_str().ok());
        ensure!(protocol == Some("ocpp1.6"), "the server chose subprotocol {protocol:?}");
        let connected = Instant::now();
        let mut cp = ChargePoint { index: self.index, socket, next_id: 0, probe };

        let boot = cp
            .call(
                "BootNotification",
                json!({"chargePointVendor": "Bench", "chargePointModel": "Load", "firmwareVersion": "1.0"}),
            )
            .await?;
        ensure!(boot["status"] == "Accepted", "BootNotification answered {boot}");
        cp.status("Preparing").await?;
        let mut energy_wh = 10_000.0 + self.index as f64;
        let start = cp
            .call(
                "StartTransaction",
                json!({"connectorId": 1, "idTag": self.card, "meterStart": energy_wh as i64, "timestamp": now_ocpp()}),
            )
            .await?;
        ensure!(start["idTagInfo"]["status"] == "Accepted", "StartTransaction answered {start}");
        let transaction = start["transactionId"].as_i64().context("no transactionId")?;
        cp.status("Charging").await?;
        let _ = up.send((ms_since(connecting, connected), ms_since(connected, Instant::now())));
        drop(permit);

        // Until the period starts: answer the server's calls, and beat so as not to look idle.
        let Schedule { t0, end } = loop {
            tokio::select! {
                changed = schedule.changed() => {
                    changed?;
                    if let Some(schedule) = *schedule.borrow() {
                        break schedule;
                    }
                }
                message = cp.socket.next() => cp.answer_message(message).await?,
                () = tokio::time::sleep(Duration::from_secs(30)) => {
                    cp.call("Heartbeat", json!({})).await?;
                }
            }
        };
        // Staggered over the period: as many MeterValues in each moment of it.
        let mut next = t0 + self.meter_period.mul_f64(self.index as f64 / self.total as f64);
        let mut sequence: u64 = 0;
        while next < end {
            tokio::select! {
                () = tokio::time::sleep_until(next) => {
                    sequence += 1;
                    // A different power each time (101 and 4000 are coprime), a growing register.
                    let power_w = 3_000.0 + ((self.index as u64 * 13 + sequence * 101) % 4_000) as f64;
                    energy_wh += power_w * self.meter_period.as_secs_f64() / 3600.0;
                    let payload = meter_values(transaction, energy_wh, power_w);
                    let key = (self.charger.clone(), power_key(power_w));
                    let sent = Instant::now();
                    lock(&cp.probe.meters).insert(key, sent);
                    cp.probe.meters_sent.fetch_add(1, Ordering::Relaxed);
                    let answer = cp.call("MeterValues", payload).await?;
                    ensure!(answer == json!({}), "MeterValues answered {answer}");
                    lock(&cp.probe.answered).push(ms_since(sent, Instant::now()));
                    next += self.meter_period;
                }
                message = cp.socket.next() => cp.answer_message(message).await?,
            }
        }
        // Answer the slider's calls until the period ends and the streams have had their grace.
        let _ = tokio::time::timeout_at(end + GRACE, async {
            while let Some(message) = cp.socket.next().await {
                cp.answer_message(Some(message)).await?;
            }
            anyhow::Ok(())
        })
        .await;
        let _ = cp.socket.close(None).await;
        Ok(())
    }
}

/// Now, as an OCPP timestamp.
fn now_ocpp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A MeterValues of connector 1: the energy register, the power, and the current and voltage
/// of one phase.
fn meter_values(transaction: i64, energy_wh: f64, power_w: f64) -> Value {
    json!({
        "connectorId": 1,
        "transactionId": transaction,
        "meterValue": [{
            "timestamp": now_ocpp(),
            "sampledValue": [
                {"value": format!("{energy_wh:.0}"), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                {"value": format!("{power_w:.0}"), "measurand": "Power.Active.Import", "unit": "W"},
                {"value": format!("{:.1}", power_w / 230.0), "measurand": "Current.Import", "unit": "A", "phase": "L1"},
                {"value": "230", "measurand": "Voltage", "unit": "V", "phase": "L1-N"},
            ],
        }],
    })
}

impl ChargePoint {
    /// Sends a CALL and waits for its CALLRESULT, answering the server's calls meanwhile.
    async fn call(&mut self, action: &str, payload: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let text = json!([2, id, action, payload]).to_string();
        self.socket.send(Message::text(text)).await.with_context(|| format!("sending {action}"))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .with_context(|| format!("no answer to {action} in 30 s"))?;
            let Some(frame) = frame(message)? else { continue };
            match frame[0].as_u64() {
                Some(3) if frame[1] == id.as_str() => return Ok(frame[2].clone()),
                Some(4) if frame[1] == id.as_str() => bail!("{action} refused: {frame}"),
                _ => self.answer(frame).await?,
            }
        }
    }

    async fn status(&mut self, status: &str) -> anyhow::Result<()> {
        let payload =
            json!({"connectorId": 1, "errorCode": "NoError", "status": status, "timestamp": now_ocpp()});
        self.call("StatusNotification", payload).await?;
        Ok(())
    }

    async fn answer_message(&mut self, message: Option<Result<Message, WsError>>) -> anyhow::Result<()> {
        match frame(message)? {
            Some(frame) => self.answer(frame).await,
            None => Ok(()),
        }
    }

    /// Answers a CALL of the server Accepted, noting when a SetChargingProfile arrived.
    async fn answer(&mut self, frame: Value) -> anyhow::Result<()> {
        let read = Instant::now();
        ensure!(frame[0] == 2, "an unexpected frame: {frame}");
        let (id, action) = (&frame[1], frame[2].as_str().unwrap_or_default());
        if action == "SetChargingProfile" {
            let limit =
                &frame[3]["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"];
            let limit = limit.as_f64().context("a SetChargingProfile without a limit")?;
            lock(&self.probe.profiles).insert(self.index, (limit, read));
        }
        let answer = json!([3, id, {"status": "Accepted"}]).to_string();
        self.socket.send(Message::text(answer)).await.context("answering the server")?;
        Ok(())
    }
}

/// A text frame as JSON; `None` for other messages (pings are answered by tungstenite).
fn frame(message: Option<Result<Message, WsError>>) -> anyhow::Result<Option<Value>> {
    match message.context("the server closed the connection")?? {
        Message::Text(text) => Ok(Some(serde_json::from_str(text.as_str())?)),
        Message::Close(close) => bail!("the server closed the connection: {close:?}"),
        _ => Ok(None),
    }
}

/// What the slider measured.
struct Slides {
    arrived_ms: Vec<f64>,
    round_trip_ms: Vec<f64>,
    errors: Vec<String>,
}

/// Moves the slider of a different charge point `per_sec` times a second until `end`, each
/// PUT on its own (open loop); matches each with the SetChargingProfile its charge point read.
async fn slider(
    base: &str,
    users: &[User],
    points: &[Paired],
    probe: &Arc<Probe>,
    end: Instant,
    per_sec: u64,
) -> Slides {
    let period = Duration::from_secs_f64(1.0 / per_sec as f64);
    // Coprime with any count not a multiple of it: every charge point before any twice.
    let stride = 7919;
    let mut at = Instant::now() + Duration::from_secs(1);
    let mut slides = JoinSet::new();
    let mut k = 0_usize;
    while at < end {
        tokio::time::sleep_until(at).await;
        let index = (k * stride) % points.len();
        let amps = 6 + (k % 10) as u8;
        let point = &points[index];
        let client = users[point.owner].client.clone();
        let url = format!("{base}/api/chargers/{}/intensity", point.charger);
        let probe = probe.clone();
        slides.spawn(async move {
            let sent = Instant::now();
            let response = client.put(url).json(&json!({"amps": amps})).send().await?;
            let response = expect(response, StatusCode::OK, "PUT intensity").await?;
            response.bytes().await?;
            let done = Instant::now();
            let profile = lock(&probe.profiles).remove(&index);
            let Some((limit, read)) = profile.filter(|(_, read)| *read >= sent) else {
                bail!("the PUT answered but charge point {index} read no SetChargingProfile");
            };
            ensure!(limit == f64::from(amps), "SetChargingProfile limit {limit} A, the slider said {amps} A");
            anyhow::Ok((ms_since(sent, read), ms_since(sent, done)))
        });
        k += 1;
        at += period;
    }
    let mut measured = Slides { arrived_ms: Vec::new(), round_trip_ms: Vec::new(), errors: Vec::new() };
    for outcome in slides.join_all().await {
        match outcome {
            Ok((arrived, round_trip)) => {
                measured.arrived_ms.push(arrived);
                measured.round_trip_ms.push(round_trip);
            }
            Err(error) => measured.errors.push(format!("slider: {error:#}")),
        }
    }
    measured
}
