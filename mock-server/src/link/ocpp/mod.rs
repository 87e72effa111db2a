//! The OCPP link: paired OCPP 1.6J charge points, connected over WebSocket. Each connector is
//! a portal charger. What a charge point reports (boot, status, meter values, transactions)
//! becomes live status in the hub and charges in the charges module; what the portal asks
//! becomes OCPP calls (see [`OcppLink::send`]).
//!
//! Transactions are saved as they go (each minute of meter values, and at shutdown) in
//! `ocpp_transactions`; a charge point that reconnects goes on with its transaction, and a
//! StopTransaction it had queued while offline finishes it, once.

pub mod profiles;
pub mod store;

use charge_model::notifications::NotificationEvent;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use charge_model::charger::{ChargeState, ChargerId, ChargerStatus, Operation};
use charge_model::dynamic_power::DynamicPower;
use charge_model::link::{ChargePointId, OcppInfo};
use charge_model::timers::Timers;
use chrono::{DateTime, Utc};
use futures_util::{Sink, Stream};
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::hub::Hub;
use super::{Command, LinkError};
use crate::charges::Charges;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;
use crate::ocpp::connection::{self, CallFailure, Caller, ChargePoint};
use crate::ocpp::frame::ErrorCode;
use crate::ocpp::messages::{
    AuthorizationStatus, BootNotification, Command as Call, Incoming, MeterValue, MeterValues,
    StartTransaction, StatusNotification, StopTransaction,
};
use crate::simulator::physics::split_by_period;
use crate::simulator::{FinishedSession, Session};
use store::{Boot, OpenTransaction};

/// How long the portal waits for a charge point to answer a command.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// The idTag of transactions the portal starts (RemoteStartTransaction). Not a card code
/// (those are hexadecimal), and accepted only for a minute after the portal asked.
pub const REMOTE_TAG: &str = "PORTAL";

/// The measurands asked of charge points at boot: what the live status shows.
const SAMPLED_DATA: &str = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC";

/// A transaction in progress is saved at least this often (of its meter values' time).
const SAVE_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// How the server drives OCPP charge points.
#[derive(Debug, Clone)]
pub struct Options {
    /// The heartbeat interval given at boot; silent for two, a charge point is offline.
    pub heartbeat: Duration,
    /// The meter values interval asked at boot.
    pub meter_interval: Duration,
    /// Where chargers download firmware (UpdateFirmware); `None`: updates are refused.
    pub firmware_url: Option<String>,
}

struct Connected {
    generation: u64,
    caller: Caller,
    /// Closes the connection (the charge point was removed, or its password changed).
    close: Arc<Notify>,
}

struct Connector {
    charger: ChargerId,
    /// When the portal charger was paired: a charge is never older (a charge point whose
    /// clock is behind would otherwise date it before the pairing, and it would not be kept).
    paired_at: DateTime<Utc>,
    timers: Timers,
    dynamic: DynamicPower,
    state: ChargeState,
    intensity_a: u8,
    locked: bool,
    paused: bool,
    power_w: f64,
    current_a: f64,
    voltage_v: f64,
    phases: u8,
    transaction: Option<Transaction>,
    /// When the portal asked the charge point to start a charge here.
    remote_start: Option<DateTime<Utc>>,
}

/// What the portal set on a connector, to undo a change the charger refused.
struct Wish {
    locked: bool,
    paused: bool,
    intensity_a: u8,
    timers: Timers,
    dynamic: DynamicPower,
}

impl Wish {
    fn of(c: &Connector) -> Wish {
        Wish {
            locked: c.locked,
            paused: c.paused,
            intensity_a: c.intensity_a,
            timers: c.timers.clone(),
            dynamic: c.dynamic.clone(),
        }
    }

    fn restore(self, c: &mut Connector) {
        (c.locked, c.paused, c.intensity_a, c.timers, c.dynamic) =
            (self.locked, self.paused, self.intensity_a, self.timers, self.dynamic);
    }
}

struct Transaction {
    open: OpenTransaction,
    saved_at: DateTime<Utc>,
}

impl Transaction {
    /// Takes the energy register at `at`: the energy since the last reading is spread over
    /// the hours and quarter-hours between them. The register only grows, so a higher one
    /// stamped no later than the last reading (a clock behind the server's, readings out of
    /// order) still counts, in the last reading's quarter-hour.
    fn advance(&mut self, at: DateTime<Utc>, register_wh: f64) {
        let open = &mut self.open;
        let energy = (register_wh - open.last_wh).max(0.0);
        if at <= open.last_at {
            if energy > 0.0 {
                let last = open.last_at.timestamp();
                *open.session.hourly.entry(last - last.rem_euclid(3600)).or_default() += energy;
                *open.session.quarters.entry(last - last.rem_euclid(900)).or_default() += energy;
                open.session.energy_wh += energy;
                open.last_wh = register_wh;
            }
            return;
        }
        let dt = (at - open.last_at).num_milliseconds() as f64 / 1000.0;
        split_by_period(&mut open.session.hourly, 3600.0, at, dt, energy);
        split_by_period(&mut open.session.quarters, 900.0, at, dt, energy);
        open.session.energy_wh += energy;
        open.session.seconds = (at - open.session.started_at).num_milliseconds().max(0) as f64 / 1000.0;
        open.last_at = at;
        open.last_wh = register_wh.max(open.last_wh);
    }

    fn finished(self, ended_at: DateTime<Utc>) -> FinishedSession {
        let session = self.open.session;
        FinishedSession {
            charger_id: self.open.charger,
            started_at: session.started_at,
            ended_at: ended_at.max(self.open.last_at),
            energy_wh: session.energy_wh,
            hourly: session.hourly.into_iter().collect(),
            quarters: session.quarters.into_iter().collect(),
            card: session.card,
        }
    }
}

struct Station {
    boot: Boot,
    /// The progress of a firmware update the charge point reports, in percent.
    update: Option<u8>,
    link: Option<Connected>,
    connectors: BTreeMap<u32, Connector>,
}

#[derive(Default)]
struct State {
    stations: HashMap<String, Station>,
    /// Portal charger → (charge point identity, connector).
    chargers: HashMap<ChargerId, (String, u32)>,
}

impl State {
    fn connector(&mut self, id: &ChargerId) -> Option<(&mut Station, u32)> {
        let (identity, connector) = self.chargers.get(id)?.clone();
        Some((self.stations.get_mut(&identity)?, connector))
    }
}

/// See the module's documentation.
pub struct OcppLink {
    db: Db,
    hub: Arc<Hub>,
    charges: Arc<Charges>,
    /// Told of charges started with an unknown card.
    notifier: Arc<crate::notify::Notifier>,
    clock: Clock,
    heartbeat: Duration,
    meter_interval: Duration,
    /// Where chargers fetch firmware (UpdateFirmware); `None`: updates are refused.
    firmware_url: Option<String>,
    state: Mutex<State>,
    generations: AtomicU64,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn new_connector(
    charger: ChargerId,
    paired_at: DateTime<Utc>,
    intensity_a: u8,
    locked: bool,
    paused: bool,
) -> Connector {
    Connector {
        charger,
        paired_at,
        timers: Timers::default(),
        dynamic: DynamicPower::default(),
        state: ChargeState::Disconnected,
        intensity_a,
        locked,
        paused,
        power_w: 0.0,
        current_a: 0.0,
        voltage_v: 0.0,
        phases: 1,
        transaction: None,
        remote_start: None,
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn status_of(station: &Station, connector: &Connector, now: DateTime<Utc>) -> ChargerStatus {
    let online = station.link.is_some();
    let session = connector.transaction.as_ref().map(|t| &t.open.session);
    let charging = online && connector.state == ChargeState::Charging;
    ChargerStatus {
        online,
        state: connector.state,
        charge_power_w: if charging { round1(connector.power_w) } else { 0.0 },
        session_energy_wh: round1(session.map_or(0.0, |s| s.energy_wh)),
        session_seconds: session.map_or(0, |s| (now - s.started_at).num_seconds().max(0) as u64),
        current_a: if charging { round1(connector.current_a) } else { 0.0 },
        intensity_a: connector.intensity_a,
        voltage_v: round1(connector.voltage_v),
        phases: connector.phases.max(1),
        house_power_w: 0.0,
        pv_power_w: 0.0,
        locked: connector.locked,
        paused: connector.paused,
        firmware: station.boot.firmware.clone().unwrap_or_default(),
        update_progress: station.update,
        dynamic_power: connector.dynamic.enabled,
        waiting_for_timer: connector.state == ChargeState::Connected
            && !connector.timers.allow(charge_model::madrid::local(now)),
        at_ms: now.timestamp_millis(),
    }
}

/// What an OCPP connector status means for the portal.
fn charge_state(status: &str) -> ChargeState {
    match status {
        "Charging" => ChargeState::Charging,
        "Preparing" | "SuspendedEV" | "SuspendedEVSE" | "Finishing" | "Reserved" => ChargeState::Connected,
        "Faulted" => ChargeState::Error,
        _ => ChargeState::Disconnected,
    }
}

fn call_failed(failure: CallFailure) -> LinkError {
    match failure {
        CallFailure::Timeout => LinkError::NoAnswer,
        CallFailure::Disconnected => LinkError::Offline,
        CallFailure::Refused { code, description } => LinkError::Refused(format!("{code}: {description}")),
        CallFailure::BadAnswer(why) => LinkError::Refused(why),
    }
}

/// The `status` of a call's answer must be one of `accepted`.
fn expect(answer: Result<Value, CallFailure>, accepted: &[&str]) -> Result<(), LinkError> {
    let answer = answer.map_err(call_failed)?;
    let status = answer.get("status").and_then(Value::as_str).unwrap_or_default();
    if accepted.contains(&status) { Ok(()) } else { Err(LinkError::Refused(status.to_owned())) }
}

impl OcppLink {
    /// The paired charge points (all disconnected) and their open transactions.
    pub fn load(
        db: Db,
        hub: Arc<Hub>,
        charges: Arc<Charges>,
        notifier: Arc<crate::notify::Notifier>,
        clock: Clock,
        options: Options,
    ) -> ApiResult<OcppLink> {
        let (stations, open) = db.blocking(|conn| {
            Ok::<_, crate::error::ApiError>((store::stations(conn)?, store::all_open(conn)?))
        })?;
        let now = clock.now();
        let mut state = State::default();
        for row in stations {
            let mut connectors = BTreeMap::new();
            for c in row.connectors {
                state.chargers.insert(c.charger.clone(), (row.identity.clone(), c.number));
                let paired_at = DateTime::from_timestamp(c.paired_at, 0).unwrap_or_default();
                let mut connector = new_connector(c.charger, paired_at, c.intensity_a, c.locked, c.paused);
                (connector.timers, connector.dynamic) = (c.timers, c.dynamic);
                connectors.insert(c.number, connector);
            }
            state
                .stations
                .insert(row.identity, Station { boot: row.boot, update: None, link: None, connectors });
        }
        for open in open {
            if let Some((station, number)) = state.connector(&open.charger)
                && let Some(connector) = station.connectors.get_mut(&number)
            {
                connector.state = ChargeState::Connected;
                connector.transaction = Some(Transaction { open, saved_at: now });
            }
        }
        Ok(OcppLink {
            db,
            hub,
            charges,
            notifier,
            clock,
            heartbeat: options.heartbeat,
            meter_interval: options.meter_interval,
            firmware_url: options.firmware_url,
            state: Mutex::new(state),
            generations: AtomicU64::new(0),
        })
    }

    /// The interval given to charge points for their heartbeats.
    pub fn heartbeat(&self) -> Duration {
        self.heartbeat
    }

    /// Whether a portal charger is one of this link's connectors.
    pub fn knows(&self, id: &ChargerId) -> bool {
        lock(&self.state).chargers.contains_key(id)
    }

    /// A portal charger's live status.
    pub fn status(&self, id: &ChargerId) -> Option<ChargerStatus> {
        let now = self.clock.now();
        let mut state = lock(&self.state);
        let (station, number) = state.connector(id)?;
        station.connectors.get(&number).map(|connector| status_of(station, connector, now))
    }

    fn publish(&self, identity: &str) {
        let now = self.clock.now();
        let statuses: Vec<(ChargerId, ChargerStatus)> = {
            let state = lock(&self.state);
            let Some(station) = state.stations.get(identity) else { return };
            station.connectors.values().map(|c| (c.charger.clone(), status_of(station, c, now))).collect()
        };
        for (id, status) in statuses {
            self.hub.publish(&id, status);
        }
    }

    /// What the portal shows of a charger's OCPP link.
    pub fn info(&self, id: &ChargerId, endpoint: &str) -> Option<OcppInfo> {
        let state = lock(&self.state);
        let (identity, number) = state.chargers.get(id)?;
        let station = state.stations.get(identity)?;
        Some(OcppInfo {
            endpoint: endpoint.to_owned(),
            charge_point_id: identity.clone(),
            connector: *number,
            connected: station.link.is_some(),
            vendor: station.boot.vendor.clone(),
            model: station.boot.model.clone(),
            firmware: station.boot.firmware.clone(),
            serial: station.boot.serial.clone(),
            booted_at_ms: station.boot.at_ms,
        })
    }

    /// A charge point was paired: its first connector is `charger`.
    pub fn paired(&self, identity: &ChargePointId, charger: &ChargerId) {
        {
            let mut state = lock(&self.state);
            state.chargers.insert(charger.clone(), (identity.to_string(), 1));
            let paired_at = DateTime::from_timestamp(self.clock.unix(), 0).unwrap_or_default();
            let connectors =
                BTreeMap::from([(1, new_connector(charger.clone(), paired_at, 16, false, false))]);
            state.stations.insert(
                identity.to_string(),
                Station { boot: Boot::default(), update: None, link: None, connectors },
            );
        }
        self.publish(identity.as_str());
    }

    /// A portal charger was released (its rows are deleted): the charge point goes with its
    /// last connector, and its connection is closed.
    pub fn released(&self, id: &ChargerId) {
        let mut state = lock(&self.state);
        let Some((identity, number)) = state.chargers.remove(id) else { return };
        let Some(station) = state.stations.get_mut(&identity) else { return };
        station.connectors.remove(&number);
        if station.connectors.is_empty()
            && let Some(station) = state.stations.remove(&identity)
            && let Some(link) = station.link
        {
            link.close.notify_one();
        }
    }

    /// Closes a charge point's connection (its password changed: it must log in again).
    pub fn disconnect(&self, identity: &str) {
        let mut state = lock(&self.state);
        if let Some(link) = state.stations.get_mut(identity).and_then(|s| s.link.take()) {
            link.close.notify_one();
        }
        drop(state);
        self.publish(identity);
    }

    /// Whether `password` is the charge point's (checked against the stored hash).
    pub async fn authenticate(&self, identity: &str, password: &str) -> ApiResult<bool> {
        let identity_owned = identity.to_owned();
        let stored = self.db.run(move |conn| store::password_hash(conn, &identity_owned)).await?;
        Ok(stored.is_some_and(|hash| hash == crate::auth::token::hash(password)))
    }

    /// Serves a charge point's connection until it closes, is silent for two heartbeat
    /// intervals, or is closed by the portal. A newer connection of the same charge point
    /// replaces an older one.
    pub async fn serve<T, E>(self: Arc<Self>, identity: String, transport: T)
    where
        T: Stream<Item = Result<String, E>> + Sink<String> + Unpin,
    {
        let (caller, requests) = connection::caller();
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(Notify::new());
        {
            let mut state = lock(&self.state);
            let Some(station) = state.stations.get_mut(&identity) else { return };
            let older = station.link.replace(Connected { generation, caller, close: close.clone() });
            if let Some(older) = older {
                older.close.notify_one();
            }
        }
        tracing::info!(charge_point = identity, "OCPP charge point connected");
        self.publish(&identity);
        // A charge point that reconnects without booting says nothing until something changes:
        // ask for its connectors' status now.
        if let Some(caller) = self.caller_of(&identity) {
            tokio::spawn(async move {
                let _ = caller
                    .call(Call::TriggerMessage { requested: "StatusNotification", connector_id: None })
                    .await;
            });
        }
        let handler = Handler { link: self.clone(), identity: identity.clone() };
        let idle = self.heartbeat * 2;
        tokio::select! {
            () = connection::run(transport, handler, requests, COMMAND_TIMEOUT, idle) => {}
            () = close.notified() => {}
        }
        {
            let mut state = lock(&self.state);
            if let Some(station) = state.stations.get_mut(&identity)
                && station.link.as_ref().is_some_and(|link| link.generation == generation)
            {
                station.link = None;
            }
        }
        tracing::info!(charge_point = identity, "OCPP charge point disconnected");
        self.publish(&identity);
    }

    /// Sends a portal command as OCPP calls: lock → ChangeAvailability, pause → Remote
    /// Stop/StartTransaction, current and limits → SetChargingProfile (a `TxDefaultProfile`
    /// in amperes), restart → Reset. Cards need no call (the server answers Authorize).
    /// Configuration given while the charge point is offline is applied when it boots.
    pub async fn send(&self, id: &ChargerId, command: Command) -> Result<(), LinkError> {
        let now = self.clock.now();
        let (identity, caller, number, transaction, status, timers, intensity) = {
            let mut state = lock(&self.state);
            let identity = state.chargers.get(id).map(|(identity, _)| identity.clone()).unwrap_or_default();
            let Some((station, number)) = state.connector(id) else { return Err(LinkError::Offline) };
            let connector = station.connectors.get(&number).ok_or(LinkError::Offline)?;
            let status = status_of(station, connector, now);
            let caller = station.link.as_ref().map(|link| link.caller.clone());
            let transaction = connector.transaction.as_ref().map(|t| t.open.id);
            (identity, caller, number, transaction, status, connector.timers.clone(), connector.intensity_a)
        };
        super::check(&status, &command)?;
        // The portal's wish is the connector's state from now on (what a boot's resync sends);
        // it is undone if the charger does not take it.
        let before = self.with_connector(id, |c| {
            let before = Wish::of(c);
            match &command {
                Command::Lock(locked) => c.locked = *locked,
                Command::Pause(paused) => c.paused = *paused,
                Command::Current(amps) | Command::Limits { current: amps, .. } => c.intensity_a = *amps,
                Command::Timers(timers) => c.timers = timers.clone(),
                Command::DynamicPower(power) => c.dynamic = power.clone(),
                Command::Cards(_) | Command::Operation(_) => {}
            }
            before
        });
        let sent: Result<(), LinkError> = async {
            let Some(caller) = &caller else { return Ok(()) };
            match &command {
                Command::Lock(locked) => expect(
                    caller.call(Call::ChangeAvailability { connector_id: number, operative: !locked }).await,
                    &["Accepted", "Scheduled"],
                )?,
                Command::Pause(true) => {
                    if let Some(transaction_id) = transaction {
                        expect(caller.call(Call::RemoteStop { transaction_id }).await, &["Accepted"])?;
                    }
                }
                Command::Pause(false) => {
                    if transaction.is_none() {
                        self.with_connector(id, |c| c.remote_start = Some(now));
                        let call = Call::RemoteStart { connector_id: number, id_tag: REMOTE_TAG.into() };
                        expect(caller.call(call).await, &["Accepted"])?;
                    }
                }
                Command::Current(amps) | Command::Limits { current: amps, .. } => {
                    let call = profiles::current(number, *amps, &timers, now);
                    expect(caller.call(call).await, &["Accepted"])?;
                }
                Command::Timers(timers) => {
                    let call = profiles::current(number, intensity, timers, now);
                    expect(caller.call(call).await, &["Accepted"])?;
                }
                Command::DynamicPower(power) => {
                    // Clearing a profile the charger does not have is no failure.
                    let accepted: &[&str] =
                        if power.enabled { &["Accepted"] } else { &["Accepted", "Unknown"] };
                    expect(caller.call(profiles::dynamic(power, now)).await, accepted)?;
                }
                Command::Operation(Operation::Restart) => {
                    expect(caller.call(Call::Reset { hard: false }).await, &["Accepted"])?;
                }
                Command::Operation(Operation::UpdateFirmware | Operation::UpdateFirmwareLocal) => {
                    let Some(location) = self.firmware_url.clone() else {
                        return Err(LinkError::NotSupported);
                    };
                    if status.update_progress.is_some() {
                        return Err(LinkError::Busy);
                    }
                    // UpdateFirmware has no status in its answer: any CALLRESULT is a yes.
                    caller
                        .call(Call::UpdateFirmware { location, retrieve_date: now })
                        .await
                        .map_err(call_failed)?;
                    self.with_station(&identity, |station| station.update = Some(0));
                }
                Command::Operation(Operation::Calibrate) => return Err(LinkError::NotSupported),
                // Kept by the server, which decides on the charger's cards itself.
                Command::Cards(_) => {}
            }
            Ok(())
        }
        .await;
        if let Err(error) = sent {
            if let Some(before) = before {
                self.with_connector(id, |c| before.restore(c));
            }
            return Err(error);
        }
        self.publish(&identity);
        Ok(())
    }

    fn with_station(&self, identity: &str, change: impl FnOnce(&mut Station)) {
        if let Some(station) = lock(&self.state).stations.get_mut(identity) {
            change(station);
        }
    }

    /// A FirmwareStatusNotification: the update's progress, shown until it is installed or
    /// fails (the new version comes with the next BootNotification).
    fn firmware_status(&self, identity: &str, status: &str) {
        let progress = match status {
            "Downloading" => Some(25),
            "Downloaded" => Some(50),
            "Installing" => Some(75),
            _ => None,
        };
        self.with_station(identity, |station| station.update = progress);
        self.publish(identity);
    }

    fn caller_of(&self, identity: &str) -> Option<Caller> {
        lock(&self.state).stations.get(identity)?.link.as_ref().map(|link| link.caller.clone())
    }

    fn with_connector<T>(&self, id: &ChargerId, change: impl FnOnce(&mut Connector) -> T) -> Option<T> {
        let mut state = lock(&self.state);
        let (station, number) = state.connector(id)?;
        station.connectors.get_mut(&number).map(change)
    }

    /// Saves every transaction in progress (the server is stopping).
    pub async fn shutdown(&self) {
        let open: Vec<OpenTransaction> = {
            let state = lock(&self.state);
            state
                .stations
                .values()
                .flat_map(|s| s.connectors.values())
                .filter_map(|c| c.transaction.as_ref().map(|t| t.open.clone()))
                .collect()
        };
        let saved = self
            .db
            .run(move |conn| {
                for open in &open {
                    store::save(conn, open)?;
                }
                Ok(())
            })
            .await;
        if let Err(error) = saved {
            tracing::error!(?error, "saving the OCPP transactions in progress");
        }
    }

    /// The portal charger of a connector, made when a charge point first reports it.
    async fn charger_of(&self, identity: &str, number: u32) -> ApiResult<Option<ChargerId>> {
        {
            let state = lock(&self.state);
            let Some(station) = state.stations.get(identity) else { return Ok(None) };
            if let Some(connector) = station.connectors.get(&number) {
                return Ok(Some(connector.charger.clone()));
            }
        }
        let now = self.clock.unix();
        let owned = identity.to_owned();
        let made = self
            .db
            .run(move |conn| {
                let charger = loop {
                    let candidate = crate::simulator::catalogue::random_id(&mut rand::rng());
                    if store::id_free(conn, &candidate)? {
                        break candidate;
                    }
                };
                Ok(store::add_connector(conn, &owned, number, &charger, now)?.map(|owner| (charger, owner)))
            })
            .await?;
        let Some((charger, owner)) = made else { return Ok(None) };
        {
            let mut state = lock(&self.state);
            let Some(station) = state.stations.get_mut(identity) else { return Ok(None) };
            let paired_at = DateTime::from_timestamp(now, 0).unwrap_or_default();
            station.connectors.insert(number, new_connector(charger.clone(), paired_at, 16, false, false));
            state.chargers.insert(charger.clone(), (identity.to_owned(), number));
        }
        self.hub.access_changed(vec![owner]);
        tracing::info!(charge_point = identity, connector = number, charger = %charger, "new OCPP connector");
        Ok(Some(charger))
    }

    async fn answer(
        &self,
        identity: &str,
        incoming: Incoming,
    ) -> ApiResult<Result<Value, (ErrorCode, String)>> {
        let now = self.clock.now();
        let time = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        Ok(Ok(match incoming {
            Incoming::Boot(boot) => self.boot(identity, boot).await?,
            Incoming::Heartbeat => json!({ "currentTime": time }),
            Incoming::Status(status) => {
                self.status_notification(identity, status).await?;
                json!({})
            }
            Incoming::Meter(meter) => {
                self.meter_values(identity, meter).await?;
                json!({})
            }
            Incoming::Authorize { id_tag } => {
                json!({ "idTagInfo": self.authorize(identity, None, &id_tag).await?.id_tag_info() })
            }
            Incoming::Start(start) => self.start(identity, start).await?,
            Incoming::Stop(stop) => self.stop(identity, stop).await?,
            Incoming::FirmwareStatus { status } => {
                self.firmware_status(identity, &status);
                json!({})
            }
            Incoming::DiagnosticsStatus { .. } => json!({}),
            Incoming::DataTransfer { .. } => json!({ "status": "UnknownVendorId" }),
        }))
    }

    async fn boot(&self, identity: &str, boot: BootNotification) -> ApiResult<Value> {
        let booted = Boot {
            vendor: Some(boot.charge_point_vendor),
            model: Some(boot.charge_point_model),
            serial: boot.charge_point_serial_number,
            firmware: boot.firmware_version,
            at_ms: Some(self.clock.now().timestamp_millis()),
        };
        let (owned, stored) = (identity.to_owned(), booted.clone());
        self.db.run(move |conn| store::booted(conn, &owned, &stored)).await?;
        let sync = {
            let mut state = lock(&self.state);
            let Some(station) = state.stations.get_mut(identity) else {
                return Ok(
                    json!({"status": "Rejected", "currentTime": self.clock.now().to_rfc3339(), "interval": 60}),
                );
            };
            station.boot = booted;
            let now = self.clock.now();
            // What the portal shows, every few seconds (a charger that cannot sample some of
            // these refuses, and sends what it can).
            let configuration = [
                ("MeterValueSampleInterval", self.meter_interval.as_secs().to_string()),
                ("MeterValuesSampledData", SAMPLED_DATA.to_owned()),
            ]
            .map(|(key, value)| Call::ChangeConfiguration { key: key.to_owned(), value });
            let connectors = station.connectors.iter().flat_map(|(number, c)| {
                let lock =
                    c.locked.then_some(Call::ChangeAvailability { connector_id: *number, operative: false });
                std::iter::once(profiles::current(*number, c.intensity_a, &c.timers, now)).chain(lock)
            });
            let dynamic = station.connectors.values().next().map(|c| profiles::dynamic(&c.dynamic, now));
            let trigger = Call::TriggerMessage { requested: "StatusNotification", connector_id: None };
            // Queued now, under the lock: a command of the portal that comes later is queued
            // after them, so the charger never ends up with these older values.
            let caller = station.link.as_ref().map(|link| link.caller.clone());
            caller.map(|caller| {
                configuration
                    .into_iter()
                    .chain(connectors)
                    .chain(dynamic)
                    .chain([trigger])
                    .filter_map(|call| caller.enqueue(call).ok())
                    .collect::<Vec<_>>()
            })
        };
        if let Some(pending) = sync {
            tokio::spawn(async move {
                for call in pending {
                    let _ = call.answer().await;
                }
            });
        }
        self.publish(identity);
        Ok(json!({
            "status": "Accepted",
            "currentTime": self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "interval": self.heartbeat.as_secs().max(1),
        }))
    }

    async fn status_notification(&self, identity: &str, status: StatusNotification) -> ApiResult<()> {
        if status.connector_id == 0 {
            // The charge point as a whole: its connectors report their own status.
            return Ok(());
        }
        if self.charger_of(identity, status.connector_id).await?.is_none() {
            return Ok(());
        }
        let state = charge_state(&status.status);
        {
            let mut locked = lock(&self.state);
            if let Some(connector) =
                locked.stations.get_mut(identity).and_then(|s| s.connectors.get_mut(&status.connector_id))
            {
                connector.state = state;
                if state != ChargeState::Charging {
                    connector.power_w = 0.0;
                    connector.current_a = 0.0;
                }
            }
        }
        self.publish(identity);
        Ok(())
    }

    async fn meter_values(&self, identity: &str, meter: MeterValues) -> ApiResult<()> {
        if meter.connector_id == 0 {
            return Ok(());
        }
        let Some(charger) = self.charger_of(identity, meter.connector_id).await? else { return Ok(()) };
        let due = self.with_connector(&charger, |connector| {
            read_meter(connector, &meter.meter_value);
            let transaction = connector.transaction.as_mut()?;
            (transaction.open.last_at - transaction.saved_at >= SAVE_EVERY).then(|| {
                transaction.saved_at = transaction.open.last_at;
                transaction.open.clone()
            })
        });
        if let Some(Some(open)) = due {
            self.db.run(move |conn| store::save(conn, &open)).await?;
        }
        self.publish(identity);
        Ok(())
    }

    /// Whether a tag may charge: one of the charger's cards (or any connector's, when the
    /// charge point does not say which), or the portal's own tag right after it asked.
    async fn authorize(
        &self,
        identity: &str,
        connector: Option<u32>,
        tag: &str,
    ) -> ApiResult<AuthorizationStatus> {
        let now = self.clock.now();
        let (chargers, remote) = {
            let state = lock(&self.state);
            let Some(station) = state.stations.get(identity) else { return Ok(AuthorizationStatus::Invalid) };
            let chosen: Vec<&Connector> = match connector {
                Some(number) => station.connectors.get(&number).into_iter().collect(),
                None => station.connectors.values().collect(),
            };
            let remote = chosen
                .iter()
                .any(|c| c.remote_start.is_some_and(|at| now - at < chrono::Duration::minutes(1)));
            (chosen.into_iter().map(|c| c.charger.clone()).collect::<Vec<_>>(), remote)
        };
        if tag == REMOTE_TAG {
            return Ok(if remote { AuthorizationStatus::Accepted } else { AuthorizationStatus::Invalid });
        }
        let tag = tag.to_owned();
        let known = self
            .db
            .run(move |conn| {
                for charger in &chargers {
                    if store::is_card(conn, charger, &tag)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            })
            .await?;
        Ok(if known { AuthorizationStatus::Accepted } else { AuthorizationStatus::Invalid })
    }

    async fn start(&self, identity: &str, start: StartTransaction) -> ApiResult<Value> {
        let Some(charger) = self.charger_of(identity, start.connector_id).await? else {
            return Ok(json!({"transactionId": 0, "idTagInfo": AuthorizationStatus::Invalid.id_tag_info()}));
        };
        let status = self.authorize(identity, Some(start.connector_id), &start.id_tag).await?;
        let accepted = status == AuthorizationStatus::Accepted;
        let card = (accepted && start.id_tag != REMOTE_TAG).then(|| start.id_tag.to_ascii_uppercase());
        if !accepted && start.id_tag != REMOTE_TAG {
            let event = NotificationEvent::UnknownCard { card: start.id_tag.to_ascii_uppercase() };
            crate::notify::emit(&self.notifier, &charger, event, crate::notify::Audience::Charger).await;
        }
        let meter_start = start.meter_start as f64;
        let paired_at = self.with_connector(&charger, |c| c.paired_at).unwrap_or_default();
        let at = start.timestamp.max(paired_at);
        let (tag, owned, stored_card) = (start.id_tag.clone(), charger.clone(), card.clone());
        let id = self
            .db
            .run(move |conn| store::start(conn, &owned, &tag, stored_card.as_deref(), meter_start, at))
            .await?;
        let open = OpenTransaction {
            id,
            charger: charger.clone(),
            meter_start_wh: meter_start,
            last_at: at,
            last_wh: meter_start,
            session: Session::new(at, card),
        };
        let replaced = self
            .with_connector(&charger, |connector| {
                connector.remote_start = None;
                connector.transaction.replace(Transaction { open, saved_at: at })
            })
            .flatten();
        if let Some(replaced) = replaced {
            // The charge point started again without stopping: the older charge ends where it was.
            let ended = replaced.open.last_at;
            self.finish(replaced, ended).await?;
        }
        self.publish(identity);
        Ok(json!({"transactionId": id, "idTagInfo": status.id_tag_info()}))
    }

    async fn stop(&self, identity: &str, stop: StopTransaction) -> ApiResult<Value> {
        let answer = match &stop.id_tag {
            Some(_) => json!({"idTagInfo": AuthorizationStatus::Accepted.id_tag_info()}),
            None => json!({}),
        };
        let transaction_id = stop.transaction_id;
        // In memory while the charge point is known; otherwise as saved.
        let taken = {
            let mut state = lock(&self.state);
            state.stations.get_mut(identity).and_then(|station| {
                station
                    .connectors
                    .values_mut()
                    .find_map(|c| c.transaction.take_if(|t| t.open.id == transaction_id))
            })
        };
        let transaction = match taken {
            Some(transaction) => transaction,
            None => {
                let saved = self.db.run(move |conn| store::open(conn, transaction_id)).await?;
                match saved {
                    Some(open) => Transaction { saved_at: open.last_at, open },
                    // Unknown, or stopped already (sent again after a lost answer): nothing to record.
                    None => return Ok(answer),
                }
            }
        };
        let mut transaction = transaction;
        let mut readings: Vec<&MeterValue> = stop.transaction_data.iter().collect();
        readings.sort_by_key(|m| m.timestamp);
        for value in readings {
            if let Some(wh) = value.reading().energy_wh {
                transaction.advance(value.timestamp, wh);
            }
        }
        transaction.advance(stop.timestamp, stop.meter_stop as f64);
        self.finish(transaction, stop.timestamp).await?;
        self.publish(identity);
        Ok(answer)
    }

    /// Marks a transaction stopped and hands its charge to the charges module (once).
    async fn finish(&self, transaction: Transaction, ended_at: DateTime<Utc>) -> ApiResult<()> {
        let id = transaction.open.id;
        let open = transaction.open.clone();
        let first = self
            .db
            .run(move |conn| {
                store::save(conn, &open)?;
                store::stop(conn, id, ended_at)
            })
            .await?;
        let finished = transaction.finished(ended_at);
        if first && finished.energy_wh > 0.0 {
            self.charges.finished(vec![finished]).await;
        }
        Ok(())
    }
}

/// Takes a connector's meter values (oldest first) into its live reading and transaction.
fn read_meter(connector: &mut Connector, values: &[MeterValue]) {
    let mut values: Vec<&MeterValue> = values.iter().collect();
    values.sort_by_key(|m| m.timestamp);
    for value in values {
        let reading = value.reading();
        if let Some(power) = reading.power_w {
            connector.power_w = power.max(0.0);
        }
        let currents: Vec<f64> = reading.current_a.iter().flatten().copied().collect();
        if !currents.is_empty() {
            connector.current_a = currents.iter().copied().fold(0.0, f64::max);
            connector.phases = currents.iter().filter(|a| **a > 0.5).count().clamp(1, 3) as u8;
        }
        if let Some(volts) = reading.voltage_v.iter().flatten().next() {
            connector.voltage_v = *volts;
        }
        if let (Some(transaction), Some(wh)) = (connector.transaction.as_mut(), reading.energy_wh) {
            transaction.advance(value.timestamp, wh);
        }
    }
}

/// One connection's answers to its charge point's calls.
struct Handler {
    link: Arc<OcppLink>,
    identity: String,
}

impl ChargePoint for Handler {
    fn answer(
        &mut self,
        incoming: Incoming,
    ) -> impl Future<Output = Result<Value, (ErrorCode, String)>> + Send {
        let (link, identity) = (self.link.clone(), self.identity.clone());
        async move {
            match link.answer(&identity, incoming).await {
                Ok(answer) => answer,
                Err(error) => {
                    tracing::error!(?error, charge_point = identity, "answering an OCPP call");
                    Err((ErrorCode::InternalError, "the server could not handle this call; try again".into()))
                }
            }
        }
    }
}
