//! The backend's side of a Trydan's local API: a client for one charger at an IP address, a
//! polling loop with backoff, and the portal's status of a reading. It returns values and
//! reports readings; storing them, and what is written, is the job of the layer above.

use std::time::Duration;

use charge_model::charger::{ChargeState, ChargerStatus, SINGLE_PHASE_VOLTS};
use charge_model::link::TrydanAddress;
use tokio::sync::watch;

use super::api::{self, RealTimeData, Write};

/// How long a read or a write may take before the charger counts as not answering.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// Largest answer read from a charger, in bytes (a reading is about 500).
const ANSWER_LIMIT: usize = 64 * 1024;

/// Why a read or a write failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrydanError {
    /// The address is not an IP address or host name, with an optional port.
    #[error("not an IP address or host name (with an optional port): {0:?}")]
    BadAddress(String),
    #[error("the charger did not answer within {0:?}")]
    Timeout(Duration),
    /// Refused connection, no route, reset…
    #[error("the charger cannot be reached: {0}")]
    Unreachable(String),
    /// An HTTP status other than 200, with the start of the answer.
    #[error("the charger answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the charger's answer cannot be read: {0}")]
    Decode(String),
    /// A write answered 200 with something other than `OK`.
    #[error("the charger did not confirm the write: {0}")]
    NotConfirmed(String),
}

/// A client for the local API of the Trydan at one address.
#[derive(Debug, Clone)]
pub struct TrydanClient {
    http: reqwest::Client,
    /// `http://<ip>[:<port>]`, without a trailing slash.
    base: String,
    timeout: Duration,
}

impl TrydanClient {
    /// A client for the charger at `address` (`192.168.1.20`, `127.0.0.1:9000`, `[fe80::1]:80`,
    /// `trydan.local`; see [`TrydanAddress`]), with the default [`TIMEOUT`].
    pub fn new(address: &str) -> Result<TrydanClient, TrydanError> {
        TrydanClient::with_timeout(address, TIMEOUT)
    }

    /// A client whose reads and writes give up after `timeout`.
    pub fn with_timeout(address: &str, timeout: Duration) -> Result<TrydanClient, TrydanError> {
        let address = TrydanAddress::parse(address)
            .map_err(|_| TrydanError::BadAddress(address.trim().chars().take(60).collect()))?;
        let base = format!("http://{address}");
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A charger on the local network: never through a proxy, never elsewhere.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| TrydanError::Unreachable(error.to_string()))?;
        Ok(TrydanClient { http, base, timeout })
    }

    /// `http://<ip>:<port>` of the charger.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /RealTimeData`.
    pub async fn read(&self) -> Result<RealTimeData, TrydanError> {
        let body = self.get("/RealTimeData").await?;
        serde_json::from_slice(&body).map_err(|error| TrydanError::Decode(error.to_string()))
    }

    /// `GET /write/<Keyword>=<Value>`; `Ok` once the charger has answered `OK`.
    pub async fn write(&self, command: Write) -> Result<(), TrydanError> {
        let body = self.get(&command.path()).await?;
        let text = String::from_utf8_lossy(&body);
        if text.trim() == api::WRITE_OK { Ok(()) } else { Err(TrydanError::NotConfirmed(start_of(&text))) }
    }

    /// The body of a 200 answer to `GET <path>`.
    async fn get(&self, path: &str) -> Result<Vec<u8>, TrydanError> {
        let mut response =
            self.http.get(format!("{}{path}", self.base)).send().await.map_err(|e| self.failure(&e))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(&e))? {
            if body.len() + chunk.len() > ANSWER_LIMIT {
                return Err(TrydanError::Decode(format!("an answer longer than {ANSWER_LIMIT} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        if status != reqwest::StatusCode::OK {
            let body = start_of(&String::from_utf8_lossy(&body));
            return Err(TrydanError::Status { status: status.as_u16(), body });
        }
        Ok(body)
    }

    fn failure(&self, error: &reqwest::Error) -> TrydanError {
        if error.is_timeout() {
            TrydanError::Timeout(self.timeout)
        } else if error.is_decode() || error.is_body() {
            TrydanError::Decode(error.to_string())
        } else {
            // The innermost cause says what happened ("Connection refused"), reqwest's wording only where.
            let mut cause: &dyn std::error::Error = error;
            while let Some(inner) = cause.source() {
                cause = inner;
            }
            TrydanError::Unreachable(cause.to_string())
        }
    }
}

fn start_of(text: &str) -> String {
    text.chars().take(200).collect()
}

/// How [`poll`] paces its reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollOptions {
    /// Time between reads while the charger answers.
    pub period: Duration,
    /// The longest wait between reads while it does not.
    pub max_delay: Duration,
    /// Consecutive failed reads after which the charger counts as offline.
    pub offline_after: u32,
}

impl Default for PollOptions {
    /// Every second; after failures 2 s, 4 s, 8 s… up to 30 s; offline after 2 failures.
    fn default() -> Self {
        PollOptions { period: Duration::from_secs(1), max_delay: Duration::from_secs(30), offline_after: 2 }
    }
}

/// Consecutive failed reads, and the wait they lead to (exponential backoff).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Consecutive failures so far.
    pub fn failures(self) -> u32 {
        self.failures
    }

    /// A read succeeded: back to the normal period.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    /// A read failed; returns whether the charger has just become offline (exactly at the
    /// `offline_after`-th consecutive failure, so that it is reported once).
    pub fn failed(&mut self, options: &PollOptions) -> bool {
        self.failures = self.failures.saturating_add(1);
        self.failures == options.offline_after.max(1)
    }

    /// Whether the charger counts as offline.
    pub fn offline(self, options: &PollOptions) -> bool {
        self.failures >= options.offline_after.max(1)
    }

    /// The wait before the next read: the period, doubled for each consecutive failure, at
    /// most `max_delay`.
    pub fn delay(self, options: &PollOptions) -> Duration {
        let factor = 2u32.saturating_pow(self.failures);
        options.period.saturating_mul(factor).min(options.max_delay.max(options.period))
    }
}

/// What [`poll`] reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// A successful read.
    Online(RealTimeData),
    /// The charger has not answered `offline_after` reads in a row (reported once, until it
    /// answers again), with the last failure.
    Offline(TrydanError),
}

/// Reads the charger every `options.period`, backing off while it fails, until `stop` turns
/// `true`; reports every successful reading and each time the charger goes offline.
pub async fn poll(
    client: &TrydanClient,
    options: PollOptions,
    mut stop: watch::Receiver<bool>,
    mut report: impl FnMut(Reading) + Send,
) {
    let mut backoff = Backoff::default();
    while !*stop.borrow_and_update() {
        match client.read().await {
            Ok(data) => {
                backoff.succeeded();
                report(Reading::Online(data));
            }
            Err(error) => {
                tracing::debug!(charger = client.base_url(), %error, "Trydan: read failed");
                if backoff.failed(&options) {
                    tracing::info!(charger = client.base_url(), %error, "Trydan: offline");
                    report(Reading::Offline(error));
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff.delay(&options)) => {}
            _ = stop.changed() => {}
        }
    }
}

/// The portal's status of a charger from a reading taken at `at_ms` (Unix ms). A Trydan does
/// not report the phases in use: `phases` are the installation's (from the charger's
/// settings), and the current is derived from power, voltage and phases. It does not say
/// either whether a timer holds the charge (`waiting_for_timer` is `false`) nor an update's
/// progress (`None`).
pub fn to_status(data: &RealTimeData, phases: u8, at_ms: i64) -> ChargerStatus {
    let phases = phases.clamp(1, 3);
    let voltage =
        data.voltage_installation.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(SINGLE_PHASE_VOLTS);
    let power = finite(data.charge_power).max(0.0);
    let state = match data.charge_state {
        api::charge_state::NOT_CONNECTED => ChargeState::Disconnected,
        api::charge_state::CONNECTED => ChargeState::Connected,
        api::charge_state::CHARGING => ChargeState::Charging,
        _ => ChargeState::Error,
    };
    ChargerStatus {
        online: true,
        state,
        charge_power_w: power,
        session_energy_wh: round1(finite(data.charge_energy).max(0.0) * 1000.0),
        session_seconds: data.charge_time,
        current_a: round1(power / (voltage * f64::from(phases))),
        intensity_a: data.intensity,
        voltage_v: voltage,
        phases,
        house_power_w: finite(data.house_power),
        pv_power_w: finite(data.fv_power).max(0.0),
        locked: data.locked != 0,
        paused: data.paused != 0,
        firmware: data.firmware_version.clone().unwrap_or_default(),
        update_progress: None,
        dynamic_power: data.dynamic != 0,
        waiting_for_timer: false,
        at_ms,
    }
}

fn finite(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use charge_model::charger::{ChargerId, ChargerModel};

    use super::*;
    use crate::clock::Clock;
    use crate::simulator::{Car, Simulator};
    use crate::trydan::local;

    struct Fixture {
        simulator: Arc<Simulator>,
        clock: Clock,
        id: ChargerId,
        client: TrydanClient,
        _dir: tempfile::TempDir,
    }

    /// A simulator with one paired Trydan, a car plugged in, its local API on a free port.
    async fn simulated_trydan() -> Fixture {
        let (simulator, clock, dir) = local::tests::simulator();
        let id = ChargerId::parse("TRYDAN2345").unwrap();
        simulator.add(id.clone(), ChargerModel::Trydan, "2.3.4".to_owned());
        let car = Car { max_current_a: 32.0, phases: 1, capacity_wh: 60_000.0, soc: 0.3, target_soc: 0.9 };
        assert!(simulator.plug_car(&id, Some(car)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = local::router(simulator.clone(), id.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = TrydanClient::new(&address.to_string()).unwrap();
        Fixture { simulator, clock, id, client, _dir: dir }
    }

    fn without_time(status: ChargerStatus) -> ChargerStatus {
        ChargerStatus { at_ms: 0, ..status }
    }

    #[tokio::test]
    async fn a_reading_gives_the_same_status_as_the_simulator() {
        let trydan = simulated_trydan().await;
        let data = trydan.client.read().await.unwrap();
        assert_eq!(data.id.as_deref(), Some("TRYDAN2345"));
        assert_eq!((data.charge_state, data.intensity), (api::charge_state::CHARGING, 16));
        let simulated = trydan.simulator.status(&trydan.id).unwrap();
        assert_eq!(without_time(to_status(&data, 1, 0)), without_time(simulated));
    }

    #[tokio::test]
    async fn after_the_simulation_has_run_a_reading_still_gives_the_simulators_status() {
        let trydan = simulated_trydan().await;
        for _ in 0..5 {
            trydan.clock.advance(chrono::Duration::seconds(37));
            trydan.simulator.tick();
        }
        let data = trydan.client.read().await.unwrap();
        let simulated = trydan.simulator.status(&trydan.id).unwrap();
        assert!(simulated.session_energy_wh > 100.0 && simulated.house_power_w > 0.0, "{simulated:?}");
        assert_eq!(data.charge_time, 185);
        assert_eq!(without_time(to_status(&data, 1, 0)), without_time(simulated));
    }

    #[tokio::test]
    async fn a_write_changes_what_the_next_read_returns() {
        let trydan = simulated_trydan().await;
        trydan.client.write(Write::Intensity(10)).await.unwrap();
        trydan.client.write(Write::Paused(true)).await.unwrap();
        let data = trydan.client.read().await.unwrap();
        assert_eq!((data.intensity, data.paused, data.charge_power), (10, 1, 0.0));
        trydan.client.write(Write::Paused(false)).await.unwrap();
        trydan.client.write(Write::Locked(true)).await.unwrap();
        let data = trydan.client.read().await.unwrap();
        assert_eq!((data.paused, data.locked, data.charge_state), (0, 1, api::charge_state::CONNECTED));
        trydan.client.write(Write::Locked(false)).await.unwrap();
        let data = trydan.client.read().await.unwrap();
        assert_eq!(data.charge_power, 10.0 * 230.0);
        let simulated = trydan.simulator.status(&trydan.id).unwrap();
        assert_eq!(without_time(to_status(&data, 1, 0)), without_time(simulated));
    }

    #[tokio::test]
    async fn a_refused_write_is_an_error_with_the_chargers_reason() {
        let trydan = simulated_trydan().await;
        // Out of the range a Trydan accepts: the server refuses it before looking at the charger.
        let error = trydan.client.write(Write::Intensity(40)).await.unwrap_err();
        assert!(
            matches!(&error, TrydanError::Status { status: 400, body } if body.contains("Intensity")),
            "{error}"
        );
        trydan.client.write(Write::MaxIntensity(12)).await.unwrap();
        let error = trydan.client.write(Write::Intensity(16)).await.unwrap_err();
        assert!(matches!(&error, TrydanError::Status { status: 400, .. }), "{error}");
        assert!(matches!(
            trydan.client.write(Write::Timer(true)).await,
            Err(TrydanError::Status { status: 400, .. })
        ));
        assert_eq!(trydan.client.read().await.unwrap().intensity, 12);

        trydan.simulator.remove(&trydan.id);
        assert!(matches!(trydan.client.read().await, Err(TrydanError::Status { status: 503, .. })));
    }

    #[tokio::test]
    async fn a_charger_that_never_answers_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // Accepts connections and keeps them open without a word.
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let client = TrydanClient::with_timeout(&address.to_string(), Duration::from_millis(300)).unwrap();
        let started = std::time::Instant::now();
        assert_eq!(client.read().await, Err(TrydanError::Timeout(Duration::from_millis(300))));
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(matches!(client.write(Write::Locked(true)).await, Err(TrydanError::Timeout(_))));
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable_and_a_bad_address_is_refused() {
        let address = free_address().await;
        let client = TrydanClient::new(&address.to_string()).unwrap();
        assert!(matches!(client.read().await, Err(TrydanError::Unreachable(_))));
        for bad in ["", "user@charger.local", "http://192.168.1.20", "192.168.1.20/RealTimeData", "300.1.1.1"]
        {
            assert!(matches!(TrydanClient::new(bad), Err(TrydanError::BadAddress(_))), "{bad}");
        }
        assert_eq!(TrydanClient::new(" 192.168.1.20 ").unwrap().base_url(), "http://192.168.1.20:80");
        assert_eq!(TrydanClient::new("fe80::1").unwrap().base_url(), "http://[fe80::1]:80");
        assert_eq!(TrydanClient::new("Charger.local").unwrap().base_url(), "http://charger.local:80");
    }

    async fn free_address() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    }

    #[test]
    fn backoff_doubles_from_the_period_up_to_the_cap_and_resets_on_success() {
        let options = PollOptions::default();
        let mut backoff = Backoff::default();
        assert_eq!(backoff.delay(&options), Duration::from_secs(1));
        let mut delays = Vec::new();
        let mut went_offline = Vec::new();
        for _ in 0..8 {
            went_offline.push(backoff.failed(&options));
            delays.push(backoff.delay(&options).as_secs());
        }
        assert_eq!(delays, [2, 4, 8, 16, 30, 30, 30, 30]);
        assert_eq!(went_offline, [false, true, false, false, false, false, false, false]);
        assert!(backoff.offline(&options));
        for _ in 0..100 {
            backoff.failed(&options);
        }
        assert_eq!(backoff.delay(&options), Duration::from_secs(30), "no overflow after many failures");
        backoff.succeeded();
        assert_eq!((backoff.failures(), backoff.offline(&options)), (0, false));
        assert_eq!(backoff.delay(&options), Duration::from_secs(1));
    }

    #[tokio::test]
    async fn polling_reports_readings_and_goes_offline_once_after_two_failures() {
        let trydan = simulated_trydan().await;
        let options = PollOptions {
            period: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
            offline_after: 2,
        };
        let (stop, stopping) = watch::channel(false);
        let mut readings = Vec::new();
        let stopper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            stop.send_replace(true);
        });
        poll(&trydan.client, options, stopping, |reading| readings.push(reading)).await;
        stopper.await.unwrap();
        assert!(readings.len() >= 3, "{}", readings.len());
        assert!(readings.iter().all(|r| matches!(r, Reading::Online(data) if data.intensity == 16)));

        let unreachable = TrydanClient::new(&free_address().await.to_string()).unwrap();
        let (stop, stopping) = watch::channel(false);
        let mut readings = Vec::new();
        let stopper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            stop.send_replace(true);
        });
        poll(&unreachable, options, stopping, |reading| readings.push(reading)).await;
        stopper.await.unwrap();
        assert!(
            matches!(readings.as_slice(), [Reading::Offline(TrydanError::Unreachable(_))]),
            "{readings:?}"
        );
    }

    #[test]
    fn unknown_charge_states_and_odd_numbers_do_not_break_the_status() {
        let data = RealTimeData {
            id: None,
            charge_state: 7,
            ready_state: None,
            charge_power: f64::NAN,
            voltage_installation: Some(0.0),
            charge_energy: -1.0,
            slave_error: 10,
            charge_time: 0,
            house_power: 812.0,
            fv_power: 0.0,
            battery_power: None,
            paused: 0,
            locked: 1,
            timer: 0,
            intensity: 20,
            dynamic: 0,
            min_intensity: 6,
            max_intensity: 32,
            pause_dynamic: 0,
            dynamic_power_mode: 9,
            contracted_power: 4600,
            firmware_version: None,
            ssid: None,
            ip: None,
            signal_status: None,
        };
        let status = to_status(&data, 0, 5);
        assert_eq!(status.state, ChargeState::Error);
        assert_eq!((status.charge_power_w, status.session_energy_wh, status.current_a), (0.0, 0.0, 0.0));
        assert_eq!((status.voltage_v, status.phases, status.locked, status.at_ms), (230.0, 1, true, 5));
        let three_phase = to_status(&RealTimeData { charge_power: 11_040.0, charge_state: 2, ..data }, 3, 0);
        assert_eq!((three_phase.state, three_phase.current_a), (ChargeState::Charging, 16.0));
    }
}
