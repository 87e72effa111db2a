//! Load benchmark of the mock server's API: prints figures, asserts nothing about timing.
//!
//! Run with `cargo bench -p charge-mock-server --bench api_load` (or `./tasks.sh bench`).
//! It starts the release server (the binary Cargo builds beside this bench; `BENCH_SERVER`
//! names another) on a free port with a fresh database, sets users and chargers up through
//! the real HTTP API, and measures:
//!
//! 1. `GET /api/chargers`: 200 clients, each with its own session and 3 paired chargers,
//!    first at an offered 500 req/s (open loop), then as fast as they can (closed loop).
//! 2. Server push: 1,000 users, each owning one charging charger (its status changes every
//!    second) and listening on `GET /api/events`; delivery latency is the time an event is
//!    received minus the `at_ms` it carries (same machine, same clock).
//!
//! `BENCH_LIST_CLIENTS`, `BENCH_LIST_SECS`, `BENCH_FANOUT_USERS`, `BENCH_FANOUT_SECS` and
//! `BENCH_FANOUT_CHARGERS_PER_USER` override the sizes, for a quick try or a comparison.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail, ensure};
use futures_util::{StreamExt as _, stream};
use rand::Rng as _;
use reqwest::{Client, Response, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

const PASSWORD: &str = "correct horse battery";
/// Chargers each client of the list benchmark owns.
const CHARGERS_PER_LIST_CLIENT: usize = 3;
/// Total offered load of the open-loop run.
const OFFERED_REQ_PER_SEC: f64 = 500.0;
/// Requests in flight while setting up (registration hashes passwords: 2 cores are enough).
const SETUP_CONCURRENCY: usize = 8;
/// Targets the figures are compared with.
const LIST_P99_TARGET_MS: f64 = 10.0;
const PUSH_P99_TARGET_MS: f64 = 200.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let list_clients = knob("BENCH_LIST_CLIENTS", 200);
    let list_secs = knob("BENCH_LIST_SECS", 10);
    let fanout_users = knob("BENCH_FANOUT_USERS", 1000).max(list_clients);
    let fanout_secs = knob("BENCH_FANOUT_SECS", 15);
    let per_user = knob("BENCH_FANOUT_CHARGERS_PER_USER", 1).max(1) as usize;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let server = Server::start().await?;
    println!("Charge Portal API load benchmark");
    println!(
        "  release mock server (pid {}) and this client share the machine's {cores} cores; \
         fresh database, --sim-random-events false",
        server.pid
    );
    let started = Instant::now();

    // 1. The charger list.
    let clock = Instant::now();
    let mut users = create_users(&server.base, 0..list_clients).await?;
    pair_chargers(&server.base, &mut users, CHARGERS_PER_LIST_CLIENT).await?;
    let list_url = format!("{}/api/chargers", server.base);
    for user in &users {
        // Opens each client's connection too, so that the runs measure requests, not connects.
        let listed: Vec<Value> = user.client.get(&list_url).send().await?.error_for_status()?.json().await?;
        ensure!(listed.len() == CHARGERS_PER_LIST_CLIENT, "a user lists {} chargers", listed.len());
    }
    println!(
        "\nGET /api/chargers: {list_clients} clients, each with its own session and \
         {CHARGERS_PER_LIST_CLIENT} paired chargers (set up in {:.1} s)",
        clock.elapsed().as_secs_f64()
    );
    println!("  requests send Accept-Encoding: gzip, br like a browser (the answers are compressed)");

    let rate = OFFERED_REQ_PER_SEC / list_clients as f64;
    let cpu = CpuMeter::start(server.pid)?;
    let run = open_loop(&users, &list_url, rate, Duration::from_secs(list_secs)).await;
    let cpu = cpu.finish()?;
    println!(
        "  open loop, offered {OFFERED_REQ_PER_SEC:.0} req/s ({rate} req/s per client, jittered start) \
         for {list_secs} s:"
    );
    run.print(cpu);
    let p99 = percentile(&run.latencies_ms, 0.99);
    println!(
        "    target p99 <= {LIST_P99_TARGET_MS} ms at {OFFERED_REQ_PER_SEC:.0} req/s: {}",
        verdict(p99 <= LIST_P99_TARGET_MS && run.errors == 0)
    );
    println!(
        "    sends left after their schedule by p50 {:.2} ms, p99 {:.2} ms (client timer, 1 ms \
         granularity; latency counts from the actual send)",
        percentile(&run.late_ms, 0.5),
        percentile(&run.late_ms, 0.99)
    );

    let cpu = CpuMeter::start(server.pid)?;
    let run = closed_loop(&users, &list_url, Duration::from_secs(list_secs)).await;
    let cpu = cpu.finish()?;
    println!(
        "  closed loop (max throughput: each client sends its next request on the answer) for {list_secs} s:"
    );
    run.print(cpu);

    // 2. Server push. The list users keep `per_user` chargers; more users join with as many.
    let clock = Instant::now();
    let released: Vec<(Client, String)> = users
        .iter_mut()
        .flat_map(|user| {
            let client = user.client.clone();
            user.chargers
                .split_off(per_user.min(user.chargers.len()))
                .into_iter()
                .map(move |id| (client.clone(), id))
        })
        .collect();
    stream::iter(released)
        .map(|(client, id)| {
            let url = format!("{}/api/chargers/{id}", server.base);
            async move { expect(client.delete(url).send().await?, StatusCode::NO_CONTENT, "removal").await }
        })
        .buffer_unordered(SETUP_CONCURRENCY * 4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut more = create_users(&server.base, list_clients..fanout_users).await?;
    users.append(&mut more);
    pair_chargers(&server.base, &mut users, per_user).await?;
    let fanout = fan_out(&server, &users, Duration::from_secs(fanout_secs), clock).await?;
    fanout.print(fanout_secs, users.len(), per_user);

    println!("\nTotal run time {:.0} s", started.elapsed().as_secs_f64());
    drop(server);
    Ok(())
}

/// A size from the environment, or its default.
fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// The release server, run as a child process; killed when dropped.
struct Server {
    child: Child,
    pid: u32,
    base: String,
    dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> anyhow::Result<Server> {
        let binary = std::env::var_os("BENCH_SERVER")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_charge-mock-server")), PathBuf::from);
        let dir = tempfile::Builder::new().prefix("charge-portal-api-load-").tempdir()?;
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
            .args(["--sim-random-events", "false", "--login-max-failures", "1000000"])
            // Hundreds of users register and confirm from this one address.
            .args(["--registrations-per-hour", "1000000", "--email-links-per-hour", "1000000"])
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

/// CPU use of the server and of this client over a window, as % of one core.
struct CpuMeter {
    pid: String,
    wall: Instant,
    server: f64,
    client: f64,
}

#[derive(Clone, Copy)]
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

/// A user with a session (its client keeps the cookie) and the chargers it owns.
struct User {
    client: Client,
    chargers: Vec<String>,
}

/// Fails with the answer's body unless it has the expected status.
async fn expect(response: Response, status: StatusCode, what: &str) -> anyhow::Result<Response> {
    if response.status() == status {
        return Ok(response);
    }
    let got = response.status();
    bail!("{what}: expected {status}, got {got}: {}", response.text().await.unwrap_or_default())
}

/// Registers, confirms (with the token from the development outbox) and logs a user in.
async fn create_user(base: &str, index: u64) -> anyhow::Result<User> {
    let client = Client::builder().cookie_store(true).build()?;
    let email = format!("bench-{index:04}@example.com");
    let body = json!({"email": email, "password": PASSWORD, "name": format!("Bench user {index}")});
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
    Ok(User { client, chargers: Vec::new() })
}

async fn create_users(base: &str, indices: std::ops::Range<u64>) -> anyhow::Result<Vec<User>> {
    stream::iter(indices)
        .map(|index| create_user(base, index))
        .buffer_unordered(SETUP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// Pairs chargers until each user owns `per_user`. The development endpoint lists only a
/// few unpaired IDs at a time, so this hands them out in rounds, then asks again.
async fn pair_chargers(base: &str, users: &mut [User], per_user: usize) -> anyhow::Result<()> {
    let probe = Client::new();
    loop {
        let wanting: Vec<usize> = users
            .iter()
            .enumerate()
            .flat_map(|(i, user)| std::iter::repeat_n(i, per_user.saturating_sub(user.chargers.len())))
            .collect();
        if wanting.is_empty() {
            return Ok(());
        }
        let listed = probe.get(format!("{base}/api/dev/chargers/unpaired")).send().await?;
        let unpaired: Vec<Value> = expect(listed, StatusCode::OK, "unpaired chargers").await?.json().await?;
        let ids = unpaired.iter().filter_map(|c| c["id"].as_str().map(str::to_owned));
        let jobs: Vec<(usize, String)> = wanting.into_iter().zip(ids).collect();
        ensure!(!jobs.is_empty(), "no unpaired charger left in the catalogue");
        let paired = stream::iter(jobs)
            .map(|(i, id)| {
                let client = users[i].client.clone();
                let name = format!("Charger {}", users[i].chargers.len() + 1);
                async move {
                    let body = json!({"id": id, "name": name});
                    let response = client.post(format!("{base}/api/chargers")).json(&body).send().await?;
                    expect(response, StatusCode::CREATED, "pairing").await?;
                    anyhow::Ok((i, id))
                }
            })
            .buffer_unordered(SETUP_CONCURRENCY * 4)
            .collect::<Vec<_>>()
            .await;
        for result in paired {
            let (i, id) = result?;
            users[i].chargers.push(id);
        }
    }
}

/// What a run of the list benchmark measured.
struct ListRun {
    latencies_ms: Vec<f64>,
    /// How late each request left compared with its schedule (open loop only).
    late_ms: Vec<f64>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

impl ListRun {
    fn collect(results: impl IntoIterator<Item = (f64, f64, Result<(), String>)>, elapsed: Duration) -> Self {
        let mut run =
            ListRun { latencies_ms: Vec::new(), late_ms: Vec::new(), errors: 0, first_error: None, elapsed };
        for (late, latency, outcome) in results {
            match outcome {
                Ok(()) => run.latencies_ms.push(latency),
                Err(error) => {
                    run.errors += 1;
                    run.first_error.get_or_insert(error);
                }
            }
            run.late_ms.push(late);
        }
        run.latencies_ms.sort_by(f64::total_cmp);
        run.late_ms.sort_by(f64::total_cmp);
        run
    }

    fn print(&self, cpu: CpuUse) {
        let ok = self.latencies_ms.len();
        println!(
            "    {ok} answered 200, {} errors{}; achieved {:.1} req/s",
            self.errors,
            self.first_error.as_ref().map(|e| format!(" (first: {e})")).unwrap_or_default(),
            ok as f64 / self.elapsed.as_secs_f64()
        );
        println!(
            "    latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&self.latencies_ms, 0.5),
            percentile(&self.latencies_ms, 0.99),
            self.latencies_ms.last().copied().unwrap_or(f64::NAN)
        );
        println!("    server CPU {:.0}% of one core (bench client {:.0}%)", cpu.server_pct, cpu.client_pct);
    }
}

/// One `GET /api/chargers`, its body read to the end.
async fn list_once(client: &Client, url: &str) -> Result<(), String> {
    let response = client
        .get(url)
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != StatusCode::OK {
        return Err(format!("status {}", response.status()));
    }
    response.bytes().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Each client sends `rate` requests per second on a fixed schedule, whether or not the
/// previous answer came back (a late answer does not delay the next request).
async fn open_loop(users: &[User], url: &str, rate: f64, duration: Duration) -> ListRun {
    let period = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let end = start + duration;
    let mut clients = JoinSet::new();
    for user in users {
        let (client, url) = (user.client.clone(), url.to_owned());
        let mut at = start + period.mul_f64(rand::rng().random::<f64>());
        clients.spawn(async move {
            let mut requests = JoinSet::new();
            while at < end {
                tokio::time::sleep_until(at).await;
                let late = at.elapsed().as_secs_f64() * 1000.0;
                let (client, url) = (client.clone(), url.clone());
                requests.spawn(async move {
                    let sent = Instant::now();
                    let outcome = list_once(&client, &url).await;
                    (late, sent.elapsed().as_secs_f64() * 1000.0, outcome)
                });
                at += period;
            }
            requests.join_all().await
        });
    }
    let results: Vec<_> = clients.join_all().await.into_iter().flatten().collect();
    ListRun::collect(results, start.elapsed())
}

/// Each client sends its next request as soon as the previous answer is read.
async fn closed_loop(users: &[User], url: &str, duration: Duration) -> ListRun {
    let start = Instant::now();
    let end = start + duration;
    let mut clients = JoinSet::new();
    for user in users {
        let (client, url) = (user.client.clone(), url.to_owned());
        clients.spawn(async move {
            let mut results = Vec::new();
            while Instant::now() < end {
                let sent = Instant::now();
                let outcome = list_once(&client, &url).await;
                results.push((0.0, sent.elapsed().as_secs_f64() * 1000.0, outcome));
            }
            results
        });
    }
    let results: Vec<_> = clients.join_all().await.into_iter().flatten().collect();
    ListRun::collect(results, start.elapsed())
}

/// What the fan-out benchmark measured.
struct FanOut {
    streams: usize,
    setup: Duration,
    latencies_ms: Vec<f64>,
    stream_errors: usize,
    first_error: Option<String>,
    cpu: CpuUse,
    window: Duration,
}

impl FanOut {
    fn print(&self, secs: u64, users: usize, per_user: usize) {
        let chargers = users * per_user;
        println!(
            "\nServer push (GET /api/events): {chargers} paired chargers, each with a car charging; \
             {users} users, each owning {per_user} of them, each with one open event stream \
             ({} SSE streams; set up in {:.1} s)",
            self.streams,
            self.setup.as_secs_f64()
        );
        if per_user > 1 {
            println!(
                "  NOTE: fewer subscribers than the 1,000 of the target (BENCH_FANOUT_CHARGERS_PER_USER)"
            );
        }
        println!("  latency = time received - status.at_ms (server clock, same machine), over {secs} s:");
        let delivered = self.latencies_ms.len();
        let expected = chargers as f64 * self.window.as_secs_f64();
        println!(
            "    {delivered} status events, {:.0} events/s delivered ({:.1}% of the {chargers}/s \
             the simulator produces: one per charger per tick); {} streams failed{}",
            delivered as f64 / self.window.as_secs_f64(),
            delivered as f64 / expected * 100.0,
            self.stream_errors,
            self.first_error.as_ref().map(|e| format!(" (first: {e})")).unwrap_or_default()
        );
        let p99 = percentile(&self.latencies_ms, 0.99);
        println!(
            "    latency p50 {:.1} ms, p99 {p99:.1} ms, max {:.1} ms",
            percentile(&self.latencies_ms, 0.5),
            self.latencies_ms.last().copied().unwrap_or(f64::NAN)
        );
        println!(
            "    target p99 <= {PUSH_P99_TARGET_MS} ms: {}",
            verdict(p99 <= PUSH_P99_TARGET_MS && delivered > 0 && self.stream_errors == 0)
        );
        println!(
            "    server CPU {:.0}% of one core (bench client {:.0}%)",
            self.cpu.server_pct, self.cpu.client_pct
        );
    }
}

/// When to record events, and when to stop listening. Unix milliseconds.
#[derive(Clone, Copy)]
struct Window {
    start_ms: f64,
    end_ms: f64,
    stop: bool,
}

fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Opens one stream per user, plugs a car into every charger, lets it settle, then records
/// the delivery latency of every status event received during `duration`.
async fn fan_out(
    server: &Server,
    users: &[User],
    duration: Duration,
    setup: Instant,
) -> anyhow::Result<FanOut> {
    let (window_tx, window_rx) = watch::channel(Window { start_ms: f64::MAX, end_ms: f64::MAX, stop: false });
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let mut streams = JoinSet::new();
    for user in users {
        let response = user.client.get(format!("{}/api/events", server.base)).send();
        let (ready, window) = (ready_tx.clone(), window_rx.clone());
        streams
            .spawn(async move { listen(response.await.map_err(anyhow::Error::from)?, ready, window).await });
    }
    drop(ready_tx);
    // Every stream starts with the current status of its charger.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    for _ in users {
        match tokio::time::timeout_at(deadline, ready_rx.recv()).await {
            Ok(Some(())) => {}
            _ => bail!("not every event stream started within 60 s"),
        }
    }
    let chargers: Vec<String> = users.iter().flat_map(|u| u.chargers.iter().cloned()).collect();
    let probe = Client::new();
    stream::iter(chargers)
        .map(|id| {
            let request = probe
                .post(format!("{}/api/dev/chargers/{id}/car", server.base))
                .json(&json!({"plugged": true}))
                .send();
            async move { expect(request.await?, StatusCode::NO_CONTENT, "plugging a car").await }
        })
        .buffer_unordered(SETUP_CONCURRENCY * 4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    let setup = setup.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;

    let cpu = CpuMeter::start(server.pid)?;
    let start_ms = unix_ms();
    window_tx.send_modify(|w| {
        w.start_ms = start_ms;
        w.end_ms = start_ms + duration.as_millis() as f64;
    });
    tokio::time::sleep(duration).await;
    let cpu = cpu.finish()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    window_tx.send_modify(|w| w.stop = true);

    let mut run = FanOut {
        streams: users.len(),
        setup,
        latencies_ms: Vec::new(),
        stream_errors: 0,
        first_error: None,
        cpu,
        window: duration,
    };
    for outcome in streams.join_all().await {
        match outcome {
            Ok(latencies) => run.latencies_ms.extend(latencies),
            Err(error) => {
                run.stream_errors += 1;
                run.first_error.get_or_insert(format!("{error:#}"));
            }
        }
    }
    run.latencies_ms.sort_by(f64::total_cmp);
    Ok(run)
}

/// The part of a `status` event the benchmark reads.
#[derive(Deserialize)]
struct StatusAt {
    status: AtMs,
}

#[derive(Deserialize)]
struct AtMs {
    at_ms: i64,
}

/// Reads an event stream like an `EventSource`: says when the first status arrives, then
/// returns the latencies of the status events received inside the window.
async fn listen(
    mut response: Response,
    ready: mpsc::UnboundedSender<()>,
    mut window: watch::Receiver<Window>,
) -> anyhow::Result<Vec<f64>> {
    ensure!(response.status() == StatusCode::OK, "GET /api/events answered {}", response.status());
    let mut ready = Some(ready);
    let mut buffer: Vec<u8> = Vec::new();
    let mut latencies = Vec::new();
    loop {
        let chunk = tokio::select! {
            chunk = response.chunk() => chunk?.context("the server ended the stream")?,
            changed = window.changed() => {
                if changed.is_err() || window.borrow().stop {
                    return Ok(latencies);
                }
                continue;
            }
        };
        let received_ms = unix_ms();
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
            let at: StatusAt = serde_json::from_str(&data).context("a status event's data")?;
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
            let Window { start_ms, end_ms, .. } = *window.borrow();
            if (start_ms..end_ms).contains(&received_ms) {
                latencies.push(received_ms - at.status.at_ms as f64);
            }
        }
    }
}

/// The `p` quantile (0 to 1) of sorted values, by the nearest-rank method.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
