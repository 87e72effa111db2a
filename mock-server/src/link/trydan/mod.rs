//! The Trydan link: V2C Trydans on the server's network, paired by their address and reached
//! through their local HTTP API. Each has a polling task ([`crate::trydan::client::poll`]: a
//! read of `GET /RealTimeData` every second, backing off while it fails, offline after two
//! failed reads) that publishes its status to the hub; what the portal asks becomes writes
//! (`GET /write/<Keyword>=<Value>`, see [`TrydanLink::send`]), read back at once.
//!
//! The local API has no RFID list, no timers and no charge history: cards and timers are kept
//! by the server only (the portal says so), and no charges are recorded for these chargers.
//! Limits and dynamic power set while the charger does not answer are written once it does.

pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use charge_model::charger::{ChargeState, ChargerId, ChargerStatus};
use charge_model::dynamic_power::{DynamicPower, PvMode};
use charge_model::link::{TrydanAddress, TrydanInfo};
use tokio::sync::watch;

use super::hub::Hub;
use super::{Command, LinkError, check};
use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;
use crate::trydan::api::{CONTRACTED_POWER_W, DynamicPowerMode, RealTimeData, Write};
use crate::trydan::client::{PollOptions, Reading, TrydanClient, TrydanError, poll, to_status};

struct Linked {
    client: TrydanClient,
    /// `host:port`, as stored.
    address: String,
    /// The installation's phases (a Trydan does not report them).
    phases: u8,
    /// The last reading, and whether the charger answered the last reads.
    last: Option<RealTimeData>,
    online: bool,
    /// Limits and dynamic power set while it did not answer, written once it does.
    pending: Vec<Command>,
    /// Stops its polling task; `None` until the task runs.
    stop: Option<watch::Sender<bool>>,
}

/// See the module's documentation.
pub struct TrydanLink {
    hub: Arc<Hub>,
    clock: Clock,
    options: PollOptions,
    chargers: Mutex<HashMap<ChargerId, Linked>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The status of a Trydan that has not answered yet, or no longer does (from its last
/// reading, when there is one: lock, pause, current and firmware as it last said).
fn offline_status(last: Option<&ChargerStatus>, at_ms: i64) -> ChargerStatus {
    let base = last.cloned().unwrap_or(ChargerStatus {
        online: false,
        state: ChargeState::Disconnected,
        charge_power_w: 0.0,
        session_energy_wh: 0.0,
        session_seconds: 0,
        current_a: 0.0,
        intensity_a: 16,
        voltage_v: 0.0,
        phases: 1,
        house_power_w: 0.0,
        pv_power_w: 0.0,
        locked: false,
        paused: false,
        firmware: String::new(),
        update_progress: None,
        dynamic_power: false,
        waiting_for_timer: false,
        at_ms,
    });
    ChargerStatus { online: false, charge_power_w: 0.0, current_a: 0.0, at_ms, ..base }
}

/// Why a write did not reach the charger, for the portal.
fn write_failed(error: TrydanError) -> LinkError {
    match error {
        TrydanError::Timeout(_) => LinkError::NoAnswer,
        TrydanError::Unreachable(_) | TrydanError::BadAddress(_) => LinkError::Offline,
        TrydanError::Status { status: 503, .. } => LinkError::Offline,
        refused @ (TrydanError::Status { .. } | TrydanError::Decode(_) | TrydanError::NotConfirmed(_)) => {
            LinkError::Refused(refused.to_string())
        }
    }
}

/// The writes that set new current limits, in an order the charger accepts at each step
/// (`MinIntensity` never above `MaxIntensity`), then the current unless dynamic power
/// control sets it.
fn limit_writes(min: u8, max: u8, current: u8, last: Option<&RealTimeData>) -> Vec<Write> {
    let old_max = last.map_or(u8::MAX, |data| data.max_intensity);
    let mut writes = if min > old_max {
        vec![Write::MaxIntensity(max), Write::MinIntensity(min)]
    } else {
        vec![Write::MinIntensity(min), Write::MaxIntensity(max)]
    };
    if last.is_none_or(|data| data.dynamic == 0) {
        writes.push(Write::Intensity(current));
    }
    writes
}

/// The writes of a dynamic power configuration: its solar mode, the contracted power, then
/// on or off. The timed profile (slots) has no keyword in the local API: the server keeps it.
fn dynamic_writes(power: &DynamicPower) -> Vec<Write> {
    let mode = match power.pv_mode {
        PvMode::PvOnly => DynamicPowerMode::Exclusive,
        PvMode::PvPlusMinimum => DynamicPowerMode::MinPower,
        PvMode::MaximumPower => DynamicPowerMode::GridAndPv,
    };
    let watts = (power.contracted_kw * 1000.0).round();
    let watts =
        watts.clamp(f64::from(*CONTRACTED_POWER_W.start()), f64::from(*CONTRACTED_POWER_W.end())) as u32;
    vec![Write::DynamicPowerMode(mode), Write::ContractedPower(watts), Write::Dynamic(power.enabled)]
}

impl TrydanLink {
    /// The paired Trydans (not polled until [`TrydanLink::start`]).
    pub fn load(db: &Db, hub: Arc<Hub>, clock: Clock, options: PollOptions) -> ApiResult<TrydanLink> {
        let rows = db.blocking(|conn| store::links(conn))?;
        let mut chargers = HashMap::new();
        for row in rows {
            match TrydanClient::new(&row.address) {
                Ok(client) => {
                    chargers.insert(row.charger, Linked::new(client, row.address, row.phases));
                }
                Err(error) => tracing::error!(charger = %row.charger, %error, "Trydan link: stored address"),
            }
        }
        Ok(TrydanLink { hub, clock, options, chargers: Mutex::new(chargers) })
    }

    /// Reads `GET /RealTimeData` at `address` once (2 s at most): whether a Trydan answers there.
    pub async fn probe(address: &TrydanAddress) -> Result<RealTimeData, TrydanError> {
        TrydanClient::new(&address.to_string())?.read().await
    }

    /// Starts polling every paired Trydan not polled yet (needs a Tokio runtime).
    pub fn start(self: &Arc<Self>) {
        let ids: Vec<ChargerId> =
            lock(&self.chargers).iter().filter(|(_, c)| c.stop.is_none()).map(|(id, _)| id.clone()).collect();
        for id in ids {
            self.spawn_poll(&id);
        }
    }

    fn spawn_poll(self: &Arc<Self>, id: &ChargerId) {
        let (stop, stopping) = watch::channel(false);
        let client = {
            let mut chargers = lock(&self.chargers);
            let Some(linked) = chargers.get_mut(id) else { return };
            if let Some(older) = linked.stop.replace(stop) {
                older.send_replace(true);
            }
            linked.client.clone()
        };
        let (link, id, options) = (Arc::clone(self), id.clone(), self.options);
        tokio::spawn(async move {
            poll(&client, options, stopping, |reading| link.reading(&id, reading)).await;
        });
    }

    /// Whether a portal charger is one of this link's Trydans.
    pub fn knows(&self, id: &ChargerId) -> bool {
        lock(&self.chargers).contains_key(id)
    }

    /// A portal charger's live status (offline until its first reading).
    pub fn status(&self, id: &ChargerId) -> Option<ChargerStatus> {
        if !self.knows(id) {
            return None;
        }
        let now = self.clock.now().timestamp_millis();
        Some(self.hub.status(id).unwrap_or_else(|| offline_status(None, now)))
    }

    /// What the portal shows of a Trydan's link.
    pub fn info(&self, id: &ChargerId) -> Option<TrydanInfo> {
        let chargers = lock(&self.chargers);
        let linked = chargers.get(id)?;
        Some(TrydanInfo {
            address: linked.address.clone(),
            connected: linked.online,
            serial: linked.last.as_ref().and_then(|data| data.id.clone()),
        })
    }

    /// A Trydan was paired (its first reading is `first`): it is polled from now on.
    pub fn paired(
        self: &Arc<Self>,
        id: &ChargerId,
        address: &TrydanAddress,
        phases: u8,
        first: RealTimeData,
    ) {
        let Ok(client) = TrydanClient::new(&address.to_string()) else { return };
        lock(&self.chargers).insert(id.clone(), Linked::new(client, address.to_string(), phases));
        self.reading(id, Reading::Online(first));
        self.spawn_poll(id);
    }

    /// A Trydan was released (its rows are deleted): its polling stops.
    pub fn released(&self, id: &ChargerId) {
        if let Some(linked) = lock(&self.chargers).remove(id)
            && let Some(stop) = linked.stop
        {
            stop.send_replace(true);
        }
    }

    /// Stops every polling task.
    pub fn shutdown(&self) {
        for linked in lock(&self.chargers).values_mut() {
            if let Some(stop) = linked.stop.take() {
                stop.send_replace(true);
            }
        }
    }

    /// Takes a reading (or the news that the charger stopped answering) into the hub; writes
    /// what was set while it did not answer.
    fn reading(self: &Arc<Self>, id: &ChargerId, reading: Reading) {
        let now = self.clock.now().timestamp_millis();
        let (status, pending) = {
            let mut chargers = lock(&self.chargers);
            let Some(linked) = chargers.get_mut(id) else { return };
            match reading {
                Reading::Online(data) => {
                    let status = to_status(&data, linked.phases, now);
                    linked.last = Some(data);
                    linked.online = true;
                    (status, std::mem::take(&mut linked.pending))
                }
                Reading::Offline(_) => {
                    linked.online = false;
                    (offline_status(self.hub.status(id).as_ref(), now), Vec::new())
                }
            }
        };
        self.hub.publish(id, status);
        if !pending.is_empty() {
            let (link, id) = (Arc::clone(self), id.clone());
            tokio::spawn(async move {
                for command in pending {
                    if let Err(error) = link.send(&id, command.clone()).await {
                        tracing::warn!(charger = %id, %error, ?command, "Trydan link: a kept change was not taken");
                    }
                }
            });
        }
    }

    /// Sends a command as writes to the charger's local API, then reads it back:
    /// lock → `Locked`, pause → `Paused`, the current → `Intensity`, limits → `MinIntensity`,
    /// `MaxIntensity` (and `Intensity`), dynamic power → `DynamicPowerMode`, `ContractedPower`,
    /// `Dynamic`. Limits and dynamic power are kept while the charger does not answer and written
    /// when it does. Cards and timers have no keyword: the server keeps them (`Ok`, nothing
    /// written). Restart, firmware updates and calibration cannot be asked over this API.
    pub async fn send(self: &Arc<Self>, id: &ChargerId, command: Command) -> Result<(), LinkError> {
        let now = self.clock.now().timestamp_millis();
        let (client, last, online) = {
            let chargers = lock(&self.chargers);
            let linked = chargers.get(id).ok_or(LinkError::Offline)?;
            (linked.client.clone(), linked.last.clone(), linked.online)
        };
        let status = self.hub.status(id).unwrap_or_else(|| offline_status(None, now));
        check(&ChargerStatus { online, ..status }, &command)?;
        let writes = match &command {
            Command::Lock(locked) => vec![Write::Locked(*locked)],
            Command::Pause(paused) => vec![Write::Paused(*paused)],
            Command::Current(amps) => vec![Write::Intensity(*amps)],
            Command::Limits { min, max, phases, current } => {
                let offline = {
                    let mut chargers = lock(&self.chargers);
                    let linked = chargers.get_mut(id).ok_or(LinkError::Offline)?;
                    linked.phases = *phases;
                    if !linked.online {
                        linked.pending.retain(|kept| !matches!(kept, Command::Limits { .. }));
                        linked.pending.push(command.clone());
                    }
                    !linked.online
                };
                if offline {
                    return Ok(());
                }
                limit_writes(*min, *max, *current, last.as_ref())
            }
            Command::DynamicPower(power) => {
                if !online {
                    let mut chargers = lock(&self.chargers);
                    let linked = chargers.get_mut(id).ok_or(LinkError::Offline)?;
                    linked.pending.retain(|kept| !matches!(kept, Command::DynamicPower(_)));
                    linked.pending.push(command.clone());
                    return Ok(());
                }
                dynamic_writes(power)
            }
            Command::Timers(_) | Command::Cards(_) => return Ok(()),
            Command::Operation(_) => return Err(LinkError::NotSupported),
        };
        for write in writes {
            client.write(write).await.map_err(write_failed)?;
        }
        // The portal answers with the live status: read the charger's, not a guess.
        if let Ok(data) = client.read().await {
            self.reading(id, Reading::Online(data));
        }
        Ok(())
    }
}

impl Linked {
    fn new(client: TrydanClient, address: String, phases: u8) -> Linked {
        Linked { client, address, phases, last: None, online: false, pending: Vec::new(), stop: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_written_in_an_order_the_charger_accepts() {
        let data = |max: u8, dynamic: u8| RealTimeData {
            id: None,
            charge_state: 1,
            ready_state: None,
            charge_power: 0.0,
            voltage_installation: None,
            charge_energy: 0.0,
            slave_error: 0,
            charge_time: 0,
            house_power: 0.0,
            fv_power: 0.0,
            battery_power: None,
            paused: 0,
            locked: 0,
            timer: 0,
            intensity: 10,
            dynamic,
            min_intensity: 6,
            max_intensity: max,
            pause_dynamic: 0,
            dynamic_power_mode: 4,
            contracted_power: 4600,
            firmware_version: None,
            ssid: None,
            ip: None,
            signal_status: None,
        };
        assert_eq!(
            limit_writes(6, 20, 16, Some(&data(32, 0))),
            [Write::MinIntensity(6), Write::MaxIntensity(20), Write::Intensity(16)]
        );
        assert_eq!(
            limit_writes(12, 20, 12, Some(&data(10, 0))),
            [Write::MaxIntensity(20), Write::MinIntensity(12), Write::Intensity(12)],
            "a new minimum above the old maximum: the maximum first"
        );
        assert_eq!(
            limit_writes(6, 20, 16, Some(&data(32, 1))),
            [Write::MinIntensity(6), Write::MaxIntensity(20)]
        );
    }

    #[test]
    fn dynamic_power_maps_to_the_trydans_modes() {
        let power = DynamicPower {
            enabled: true,
            contracted_kw: 5.75,
            pv_mode: PvMode::PvOnly,
            ..Default::default()
        };
        assert_eq!(
            dynamic_writes(&power),
            [
                Write::DynamicPowerMode(DynamicPowerMode::Exclusive),
                Write::ContractedPower(5750),
                Write::Dynamic(true)
            ]
        );
    }

    #[test]
    fn failures_of_writes_say_why() {
        use std::time::Duration;
        assert_eq!(write_failed(TrydanError::Timeout(Duration::from_secs(2))), LinkError::NoAnswer);
        assert_eq!(write_failed(TrydanError::Unreachable("refused".into())), LinkError::Offline);
        assert!(matches!(
            write_failed(TrydanError::Status { status: 400, body: "ERROR: Intensity".into() }),
            LinkError::Refused(why) if why.contains("Intensity")
        ));
    }
}
