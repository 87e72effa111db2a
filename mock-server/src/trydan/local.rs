//! The simulator serving a Trydan's local API (`--trydan-local-port <BASE>`): every Trydan and
//! Trydan Pro of the catalogue has a loopback port, `BASE + n` with `n` its rank by charger ID
//! (stable across restarts, since the catalogue is made once), served while it is paired.
//! `GET /RealTimeData` reads the simulated charger; `GET /write/<Keyword>=<Value>` changes it.
//!
//! Writes change the simulator only: keeping them in the database (so that they outlive a
//! restart, and the portal's settings show them) is the job of the backend's Trydan link.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use charge_model::charger::{ChargeState, ChargerId, ChargerModel};
use charge_model::dynamic_power::PvMode;
use chrono::{DateTime, Utc};
use tokio::sync::{broadcast, watch};

use super::api::{self, DynamicPowerMode, RealTimeData, Write, WriteError};
use crate::link::Push;
use crate::simulator::{SimCharger, Simulator};

/// The IDs of every Trydan and Trydan Pro in the catalogue, paired or not, in the order that
/// gives them their ports.
pub fn trydan_ids(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<ChargerId>> {
    // Trydans paired by address are real chargers (or someone else's simulator): not served here.
    let mut statement =
        conn.prepare("SELECT id FROM chargers WHERE model IN (?1, ?2) AND link = 'simulated' ORDER BY id")?;
    let rows = statement.query_map([ChargerModel::Trydan.tag(), ChargerModel::TrydanPro.tag()], |row| {
        row.get::<_, String>(0)
    })?;
    let mut ids = Vec::new();
    for row in rows {
        if let Ok(id) = ChargerId::parse(&row?) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The port of each charger: `base + n` for the n-th ID (those that would pass 65535 have none).
pub fn ports(base: u16, ids: &[ChargerId]) -> Vec<(ChargerId, u16)> {
    ids.iter().zip(base..=u16::MAX).map(|(id, port)| (id.clone(), port)).collect()
}

/// Serves the local API of each of `ids` that the simulator simulates, now or once paired, on
/// `127.0.0.1:base_port + n`, until `stop` turns `true`. Needs a Tokio runtime.
/// `events` must be subscribed before the simulator's chargers are looked at, so that a
/// charger paired in between is not missed.
pub fn start(
    simulator: Arc<Simulator>,
    base_port: u16,
    ids: Vec<ChargerId>,
    events: broadcast::Receiver<Push>,
    stop: watch::Receiver<bool>,
) {
    let ports: HashMap<ChargerId, u16> = ports(base_port, &ids).into_iter().collect();
    if ports.len() < ids.len() {
        tracing::warn!(
            base_port,
            without = ids.len() - ports.len(),
            "Trydan local API: some Trydans get no port (past 65535); choose a lower --trydan-local-port"
        );
    }
    tracing::info!(
        base_port,
        chargers = ports.len(),
        "Trydan local API: each Trydan is served on 127.0.0.1:{base_port} + its rank by ID, once paired"
    );
    tokio::spawn(watch_pairings(simulator, ports, events, stop));
}

/// Starts a server for each charger of `ports` as soon as it is simulated; it keeps its port
/// when released (answering 503) and serves it again when paired again.
async fn watch_pairings(
    simulator: Arc<Simulator>,
    ports: HashMap<ChargerId, u16>,
    mut events: broadcast::Receiver<Push>,
    mut stop: watch::Receiver<bool>,
) {
    let mut served = HashSet::new();
    let all: Vec<ChargerId> = ports.keys().cloned().collect();
    let mut serve = |candidates: &mut dyn Iterator<Item = &ChargerId>, stop: &watch::Receiver<bool>| {
        for id in candidates {
            let Some(&port) = ports.get(id) else { continue };
            if !served.contains(id) && simulator.status(id).is_some() {
                served.insert(id.clone());
                spawn_server(simulator.clone(), id.clone(), port, stop.clone());
            }
        }
    };
    serve(&mut all.iter(), &stop);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            event = events.recv() => match event {
                Ok(Push::Status { charger_id, .. }) => serve(&mut std::iter::once(&charger_id), &stop),
                Ok(Push::Statuses { changed }) => serve(&mut changed.iter().map(|(id, _)| id), &stop),
                Ok(Push::Access { .. } | Push::Unread { .. }) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => serve(&mut all.iter(), &stop),
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

fn spawn_server(simulator: Arc<Simulator>, id: ChargerId, port: u16, mut stop: watch::Receiver<bool>) {
    tokio::spawn(async move {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(charger = %id, port, %error, "Trydan local API: cannot listen");
                return;
            }
        };
        // tests/python/test_trydan.py finds the port in this line.
        tracing::info!(charger = %id, port, "Trydan local API listening on http://{address}");
        let served = axum::serve(listener, router(simulator, id.clone()))
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopping| *stopping).await;
            })
            .await;
        if let Err(error) = served {
            tracing::warn!(charger = %id, port, %error, "Trydan local API stopped");
        }
    });
}

/// The local API of one simulated charger.
pub fn router(simulator: Arc<Simulator>, id: ChargerId) -> Router {
    Router::new()
        .route("/RealTimeData", get(real_time))
        .route("/write/{setting}", get(write))
        .with_state(Arc::new((simulator, id)))
}

type Charger = Arc<(Arc<Simulator>, ChargerId)>;

async fn real_time(State(charger): State<Charger>) -> Response {
    let (simulator, id) = &*charger;
    match simulator.inspect(id, |c, now| (!c.restarting()).then(|| real_time_data(c, now))) {
        Some(Some(data)) => axum::Json(data).into_response(),
        Some(None) => unavailable("restarting"),
        None => unavailable("not paired"),
    }
}

async fn write(State(charger): State<Charger>, Path(setting): Path<String>) -> Response {
    let (simulator, id) = &*charger;
    let command = match Write::parse(&setting) {
        Ok(command) => command,
        Err(error) => return refused(&error),
    };
    // `None`: restarting, it does not answer.
    let applied = simulator.update(id, |c| (!c.restarting()).then(|| apply(c, command)));
    match applied {
        Some(Some(Ok(()))) => {
            tracing::debug!(charger = %id, write = %command.path(), "Trydan local API: written");
            api::WRITE_OK.into_response()
        }
        Some(Some(Err(error))) => refused(&error),
        Some(None) => unavailable("restarting"),
        None => unavailable("not paired"),
    }
}

fn refused(error: &WriteError) -> Response {
    (StatusCode::BAD_REQUEST, format!("ERROR: {error}")).into_response()
}

fn unavailable(why: &'static str) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, why).into_response()
}

/// What a Trydan in the simulated charger's state reports.
pub fn real_time_data(charger: &SimCharger, now: DateTime<Utc>) -> RealTimeData {
    let status = charger.status(now);
    let charge_state = match status.state {
        ChargeState::Disconnected => api::charge_state::NOT_CONNECTED,
        ChargeState::Connected | ChargeState::Error => api::charge_state::CONNECTED,
        ChargeState::Charging => api::charge_state::CHARGING,
    };
    let mode = match charger.dynamic.pv_mode {
        PvMode::PvOnly => DynamicPowerMode::Exclusive,
        PvMode::PvPlusMinimum => DynamicPowerMode::MinPower,
        PvMode::MaximumPower => DynamicPowerMode::GridAndPv,
    };
    RealTimeData {
        id: Some(charger.id.to_string()),
        charge_state,
        ready_state: Some(u8::from(!charger.locked && !charger.paused && charger.operation.is_none())),
        charge_power: status.charge_power_w,
        // A Trydan sends whole volts and hundredths of kWh; the simulator sends its own
        // precision, so that a status read through this API equals the simulator's.
        voltage_installation: Some(status.voltage_v),
        charge_energy: (status.session_energy_wh * 10.0).round() / 10_000.0,
        slave_error: api::SLAVE_NO_ERROR,
        charge_time: status.session_seconds,
        house_power: status.house_power_w,
        fv_power: status.pv_power_w,
        battery_power: None,
        paused: u8::from(status.paused),
        locked: u8::from(status.locked),
        timer: u8::from(charger.timers.timers.iter().any(|timer| timer.enabled)),
        intensity: status.intensity_a,
        dynamic: u8::from(status.dynamic_power),
        min_intensity: charger.min_a,
        max_intensity: charger.max_a,
        pause_dynamic: 0,
        dynamic_power_mode: mode.code(),
        contracted_power: (charger.dynamic.contracted_kw * 1000.0).round().clamp(0.0, f64::from(u32::MAX))
            as u32,
        firmware_version: Some(status.firmware),
        ssid: None,
        ip: None,
        signal_status: None,
    }
}

/// Applies a write to the simulated charger, with the checks the portal makes for the same
/// change: the current within the limits and not while dynamic power control sets it.
pub fn apply(charger: &mut SimCharger, command: Write) -> Result<(), WriteError> {
    match command {
        Write::Intensity(amps) => {
            if charger.dynamic.enabled {
                return Err(WriteError::Conflict("dynamic power control sets the current".to_owned()));
            }
            if !(charger.min_a..=charger.max_a).contains(&amps) {
                return Err(WriteError::Conflict(format!(
                    "Intensity must be within MinIntensity ({}) and MaxIntensity ({})",
                    charger.min_a, charger.max_a
                )));
            }
            charger.intensity_a = amps;
        }
        Write::MinIntensity(amps) | Write::MaxIntensity(amps) => {
            let (min, max) = match command {
                Write::MinIntensity(_) => (amps, charger.max_a),
                _ => (charger.min_a, amps),
            };
            if min > max {
                return Err(WriteError::Conflict(format!(
                    "MinIntensity ({min}) cannot be above MaxIntensity ({max})"
                )));
            }
            (charger.min_a, charger.max_a) = (min, max);
            // As when the portal's settings change the limits: the current stays inside them.
            charger.intensity_a = charger.intensity_a.clamp(min, max);
            charger.apply_dynamic_power();
        }
        Write::Locked(on) => charger.locked = on,
        Write::Paused(on) => charger.paused = on,
        Write::Dynamic(on) => {
            charger.dynamic.enabled = on;
            charger.apply_dynamic_power();
        }
        Write::DynamicPowerMode(mode) => {
            charger.dynamic.pv_mode = match mode {
                DynamicPowerMode::Exclusive => PvMode::PvOnly,
                DynamicPowerMode::MinPower => PvMode::PvPlusMinimum,
                DynamicPowerMode::GridAndPv => PvMode::MaximumPower,
                // The simulated profile always applies, and it has no stop mode.
                DynamicPowerMode::TimedPowerEnabled
                | DynamicPowerMode::TimedPowerDisabled
                | DynamicPowerMode::Stop => return Err(WriteError::Unsupported("this DynamicPowerMode")),
            };
            charger.apply_dynamic_power();
        }
        Write::ContractedPower(watts) => {
            charger.dynamic.contracted_kw = f64::from(watts) / 1000.0;
            charger.apply_dynamic_power();
        }
        // Timers are set in the portal; the simulator has no pause of dynamic control.
        Write::PauseDynamic(_) => return Err(WriteError::Unsupported("PauseDynamic")),
        Write::Timer(_) => return Err(WriteError::Unsupported("Timer")),
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::clock::Clock;
    use crate::simulator::SimOptions;

    /// A simulator without chargers nor random events, on a fresh database (kept while the
    /// directory lives), and its clock; its events go to the returned hub.
    pub(crate) fn simulator() -> (Arc<Simulator>, Clock, tempfile::TempDir) {
        let (simulator, clock, dir, _) = simulator_with_hub();
        (simulator, clock, dir)
    }

    pub(crate) fn simulator_with_hub() -> (Arc<Simulator>, Clock, tempfile::TempDir, crate::link::Hub) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&dir.path().join("db.sqlite")).unwrap();
        let options = SimOptions { random_events: false, seed: Some(1), ..SimOptions::default() };
        let clock = Clock::default();
        let hub = crate::link::Hub::default();
        let simulator =
            db.blocking(|conn| Simulator::load(conn, options, clock.clone(), hub.sender())).unwrap();
        (Arc::new(simulator), clock, dir, hub)
    }

    /// The status of `GET url`, `None` when nothing answers.
    async fn answer(url: &str) -> Option<u16> {
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(2)).build().unwrap();
        http.get(url).send().await.ok().map(|response| response.status().as_u16())
    }

    /// Asks `url` until `done` holds for the answer (or 5 s have passed); returns the last answer.
    async fn answer_until(url: &str, done: impl Fn(Option<u16>) -> bool) -> Option<u16> {
        let mut last = answer(url).await;
        for _ in 0..100 {
            if done(last) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            last = answer(url).await;
        }
        last
    }

    #[tokio::test]
    async fn a_charger_paired_after_the_start_is_served_until_released_and_until_the_stop() {
        let (simulator, _clock, _dir, hub) = simulator_with_hub();
        let base = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{base}/RealTimeData");
        let (stop, stopping) = watch::channel(false);
        start(simulator.clone(), base, vec![id(1)], hub.subscribe(), stopping);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(answer(&url).await, None, "not paired yet: no server");

        simulator.add(id(1), ChargerModel::Trydan, "2.3.4".to_owned());
        assert_eq!(answer_until(&url, |a| a == Some(200)).await, Some(200));
        let write = format!("http://127.0.0.1:{base}/write/Locked=1");
        assert_eq!(answer(&write).await, Some(200));
        assert!(simulator.status(&id(1)).unwrap().locked);
        assert_eq!(answer(&format!("http://127.0.0.1:{base}/write/Locked=2")).await, Some(400));
        assert_eq!(answer(&format!("http://127.0.0.1:{base}/nothing")).await, Some(404));

        simulator
            .update(&id(1), |c| c.operation = Some(crate::simulator::Operation::Restart { until: 10.0 }));
        assert_eq!(answer(&url).await, Some(503), "restarting");
        simulator.remove(&id(1));
        assert_eq!(answer(&url).await, Some(503), "released");
        simulator.add(id(1), ChargerModel::TrydanPro, "2.3.4".to_owned());
        assert_eq!(answer(&url).await, Some(200), "paired again");

        stop.send_replace(true);
        assert_eq!(answer_until(&url, |a| a.is_none()).await, None, "stopped");
    }

    fn id(n: usize) -> ChargerId {
        ChargerId::parse(&format!("TRYDAN{n:04}")).unwrap()
    }

    #[test]
    fn ports_follow_the_order_of_the_ids_and_stop_at_65535() {
        let ids: Vec<ChargerId> = (0..3).map(id).collect();
        assert_eq!(ports(9000, &ids), vec![(id(0), 9000), (id(1), 9001), (id(2), 9002)]);
        assert_eq!(ports(65534, &ids), vec![(id(0), 65534), (id(1), 65535)]);
    }

    fn charger() -> SimCharger {
        let mut charger = SimCharger::new(id(1), ChargerModel::Trydan, "2.3.4".into());
        charger.now = Utc::now();
        charger
    }

    #[test]
    fn the_reading_reports_the_simulated_state_in_the_trydans_units() {
        let now = Utc::now();
        let mut charger = charger();
        let car = crate::simulator::Car {
            max_current_a: 32.0,
            phases: 1,
            capacity_wh: 60_000.0,
            soc: 0.3,
            target_soc: 0.9,
        };
        charger.plug(car, None, now);
        charger.session.as_mut().unwrap().energy_wh = 1234.4;
        charger.session.as_mut().unwrap().seconds = 61.5;
        let data = real_time_data(&charger, now);
        assert_eq!(data.id.as_deref(), Some("TRYDAN0001"));
        assert_eq!(data.charge_state, api::charge_state::CHARGING);
        assert_eq!((data.charge_power, data.charge_energy, data.charge_time), (16.0 * 230.0, 1.2344, 61));
        assert_eq!((data.intensity, data.min_intensity, data.max_intensity), (16, 6, 32));
        assert_eq!((data.locked, data.paused, data.dynamic, data.ready_state), (0, 0, 0, Some(1)));
        assert_eq!(data.contracted_power, 4600);
        assert_eq!(data.firmware_version.as_deref(), Some("2.3.4"));

        charger.paused = true;
        charger.refresh_power();
        let data = real_time_data(&charger, now);
        assert_eq!(
            (data.paused, data.charge_state, data.charge_power),
            (1, api::charge_state::CONNECTED, 0.0)
        );
    }

    #[test]
    fn writes_change_the_charger_within_its_limits() {
        let mut charger = charger();
        apply(&mut charger, Write::Intensity(10)).unwrap();
        apply(&mut charger, Write::Locked(true)).unwrap();
        apply(&mut charger, Write::Paused(true)).unwrap();
        assert_eq!((charger.intensity_a, charger.locked, charger.paused), (10, true, true));

        apply(&mut charger, Write::MaxIntensity(8)).unwrap();
        assert_eq!((charger.max_a, charger.intensity_a), (8, 8), "the current follows the new limit");
        assert!(matches!(apply(&mut charger, Write::Intensity(9)), Err(WriteError::Conflict(_))));
        assert!(matches!(apply(&mut charger, Write::MinIntensity(9)), Err(WriteError::Conflict(_))));
        assert_eq!((charger.min_a, charger.max_a, charger.intensity_a), (6, 8, 8));

        apply(&mut charger, Write::ContractedPower(6900)).unwrap();
        apply(&mut charger, Write::DynamicPowerMode(DynamicPowerMode::Exclusive)).unwrap();
        apply(&mut charger, Write::Dynamic(true)).unwrap();
        assert_eq!(charger.dynamic.contracted_kw, 6.9);
        assert_eq!(charger.dynamic.pv_mode, PvMode::PvOnly);
        assert!(matches!(apply(&mut charger, Write::Intensity(6)), Err(WriteError::Conflict(_))));
        let data = real_time_data(&charger, charger.now);
        assert_eq!((data.dynamic, data.dynamic_power_mode, data.contracted_power), (1, 2, 6900));
    }

    #[test]
    fn what_the_simulator_does_not_model_is_refused_and_changes_nothing() {
        let mut charger = charger();
        let before = format!("{charger:?}");
        for command in [
            Write::Timer(true),
            Write::PauseDynamic(true),
            Write::DynamicPowerMode(DynamicPowerMode::Stop),
            Write::DynamicPowerMode(DynamicPowerMode::TimedPowerEnabled),
        ] {
            assert!(matches!(apply(&mut charger, command), Err(WriteError::Unsupported(_))), "{command:?}");
        }
        assert_eq!(format!("{charger:?}"), before);
    }
}
