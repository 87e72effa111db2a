//! The charger link: the one way the server talks to a charger, whether simulated or real
//! (OCPP 1.6J, or a Trydan's local HTTP API). Every control path goes through [`Links::apply`] in one order: the charger's
//! turn is taken, the command is checked against its live state and sent, and only once the
//! charger took it is the change persisted. Live status from every kind of link reaches the
//! live stream through the [`Hub`] in one shape.

pub mod hub;
pub mod ocpp;
pub mod trydan;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use charge_model::Reason;
use charge_model::charger::{ChargerId, ChargerModel, ChargerStatus, Operation};
use charge_model::dynamic_power::DynamicPower;
use charge_model::timers::Timers;
pub use hub::{Hub, Push};

use crate::clock::Clock;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::simulator::Simulator;
use crate::simulator::physics::{Operation as SimOperation, RESTART_SECS};

/// How the server reaches a charger (`chargers.link`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Simulated,
    Ocpp,
    /// A V2C Trydan on the server's network, read and written through its local HTTP API.
    Trydan,
}

impl Kind {
    pub fn tag(self) -> &'static str {
        match self {
            Kind::Simulated => "simulated",
            Kind::Ocpp => "ocpp",
            Kind::Trydan => "trydan",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Kind> {
        [Kind::Simulated, Kind::Ocpp, Kind::Trydan].into_iter().find(|kind| kind.tag() == tag)
    }
}

/// What the portal asks of a charger.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Lock(bool),
    Pause(bool),
    /// The charging current in amperes (the slider).
    Current(u8),
    /// New current limits and supply, with the charging current brought inside them.
    Limits {
        min: u8,
        max: u8,
        phases: u8,
        current: u8,
    },
    Timers(Timers),
    DynamicPower(DynamicPower),
    /// The codes of the cards the charger accepts now.
    Cards(Vec<String>),
    Operation(Operation),
}

impl Command {
    /// Whether the command acts on the charger now (it must be online), rather than
    /// configuring it (kept, and given to the charger when it next connects).
    fn is_live(&self) -> bool {
        matches!(self, Command::Lock(_) | Command::Pause(_) | Command::Current(_) | Command::Operation(_))
    }
}

/// Why a charger did not take a command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    #[error("the charger is offline")]
    Offline,
    #[error("the charger is busy with another operation")]
    Busy,
    #[error("dynamic power control sets the current")]
    DynamicPowerOn,
    #[error("the charger refused: {0}")]
    Refused(String),
    #[error("the charger did not answer in time")]
    NoAnswer,
    #[error("this charger cannot do this")]
    NotSupported,
}

impl From<LinkError> for ApiError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::Offline => ApiError::Conflict(Reason::ChargerOffline),
            LinkError::Busy => ApiError::Conflict(Reason::ChargerBusy),
            LinkError::DynamicPowerOn => ApiError::Conflict(Reason::DynamicPowerOn),
            LinkError::Refused(why) => {
                tracing::info!(why, "a charger refused a command");
                ApiError::Conflict(Reason::ChargerRefused)
            }
            LinkError::NoAnswer => ApiError::Conflict(Reason::ChargerNoAnswer),
            LinkError::NotSupported => ApiError::field("operation", charge_model::Problem::NotSupported),
        }
    }
}

/// Checks a command against a charger's live state (the same rules for every link).
fn check(status: &ChargerStatus, command: &Command) -> Result<(), LinkError> {
    if command.is_live() && !status.online {
        return Err(LinkError::Offline);
    }
    match command {
        Command::Current(_) if status.dynamic_power => Err(LinkError::DynamicPowerOn),
        _ => Ok(()),
    }
}

/// Every charger's link; see the module's documentation.
pub struct Links {
    hub: Arc<Hub>,
    simulator: Arc<Simulator>,
    ocpp: Arc<ocpp::OcppLink>,
    trydan: Arc<trydan::TrydanLink>,
    clock: Clock,
    /// One turn per charger: its commands are sent and persisted one at a time, in order.
    turns: Mutex<HashMap<ChargerId, Arc<tokio::sync::Mutex<()>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Links {
    pub fn new(
        hub: Arc<Hub>,
        simulator: Arc<Simulator>,
        ocpp: Arc<ocpp::OcppLink>,
        trydan: Arc<trydan::TrydanLink>,
        clock: Clock,
    ) -> Links {
        Links { hub, simulator, ocpp, trydan, clock, turns: Mutex::default() }
    }

    /// The OCPP link (its WebSocket endpoint hands connections to it).
    pub fn ocpp(&self) -> &Arc<ocpp::OcppLink> {
        &self.ocpp
    }

    /// The Trydan link (paired Trydans are polled from [`Links::start`]).
    pub fn trydan(&self) -> &Arc<trydan::TrydanLink> {
        &self.trydan
    }

    /// How the server reaches a charger.
    pub fn kind(&self, id: &ChargerId) -> Kind {
        if self.ocpp.knows(id) {
            Kind::Ocpp
        } else if self.trydan.knows(id) {
            Kind::Trydan
        } else {
            Kind::Simulated
        }
    }

    /// Starts what links do in the background: polling the paired Trydans.
    pub fn start(&self) {
        self.trydan.start();
    }

    /// Live updates of every charger: status changes and access changes.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Push> {
        self.hub.subscribe()
    }

    /// Tells the subscribers of `user_ids` that their chargers changed.
    pub fn access_changed(&self, user_ids: Vec<i64>) {
        self.hub.access_changed(user_ids);
    }

    /// The live status of a charger (`None` when it is not paired).
    pub fn status(&self, id: &ChargerId) -> Option<ChargerStatus> {
        match self.kind(id) {
            Kind::Simulated => self.simulator.status(id),
            Kind::Ocpp => self.ocpp.status(id),
            Kind::Trydan => self.trydan.status(id),
        }
    }

    /// The live statuses of several chargers.
    pub fn statuses(&self, ids: &[ChargerId]) -> Vec<Option<ChargerStatus>> {
        let simulated = self.simulator.statuses(ids);
        ids.iter()
            .zip(simulated)
            .map(|(id, simulated)| match self.kind(id) {
                Kind::Simulated => simulated,
                Kind::Ocpp => self.ocpp.status(id),
                Kind::Trydan => self.trydan.status(id),
            })
            .collect()
    }

    /// Power samples of the last `seconds`: (unix ms, W).
    pub fn power_history(&self, id: &ChargerId, seconds: i64) -> Vec<(i64, f32)> {
        match self.kind(id) {
            Kind::Simulated => self.simulator.power_history(id, seconds),
            Kind::Ocpp | Kind::Trydan => {
                self.hub.power_history(id, self.clock.now().timestamp_millis(), seconds)
            }
        }
    }

    /// A simulated charger was paired: it starts being simulated.
    pub fn paired(&self, id: &ChargerId, model: ChargerModel, firmware: String) {
        self.simulator.add(id.clone(), model, firmware);
    }

    /// An OCPP charge point was paired: its first connector is `charger`.
    pub fn paired_ocpp(&self, identity: &charge_model::link::ChargePointId, charger: &ChargerId) {
        self.ocpp.paired(identity, charger);
    }

    /// A Trydan was paired by its address (`first` is what it answered then): it is polled
    /// from now on.
    pub fn paired_trydan(
        &self,
        id: &ChargerId,
        address: &charge_model::link::TrydanAddress,
        phases: u8,
        first: crate::trydan::api::RealTimeData,
    ) {
        self.trydan.paired(id, address, phases, first);
    }

    /// Chargers were released (their rows are gone or free): they stop being simulated or linked.
    pub fn released(&self, ids: &[ChargerId]) {
        for id in ids {
            match self.kind(id) {
                Kind::Simulated => {
                    // Its charge in progress ends unrecorded: its history is gone.
                    self.simulator.remove(id);
                }
                Kind::Ocpp => self.ocpp.released(id),
                Kind::Trydan => self.trydan.released(id),
            }
            self.hub.remove(id);
            lock(&self.turns).remove(id);
        }
    }

    /// Sends `command` to the charger and, once it took it, runs `persist` (in the charger's
    /// turn, so that the database and the charger see changes in the same order). When the
    /// database refuses, `undo` (for lock, pause and current: their live value before) is
    /// sent, so that the charger goes on as stored.
    pub async fn apply<T: Send + 'static>(
        &self,
        db: &Db,
        id: &ChargerId,
        command: Command,
        undo: Option<Command>,
        persist: impl FnOnce(&mut rusqlite::Connection) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let turn = Arc::clone(lock(&self.turns).entry(id.clone()).or_default());
        let _turn = turn.lock().await;
        let live = self.status(id);
        let undo = undo.or(match (&command, live) {
            (Command::Lock(_), Some(live)) => Some(Command::Lock(live.locked)),
            (Command::Pause(_), Some(live)) => Some(Command::Pause(live.paused)),
            (Command::Current(_), Some(live)) => Some(Command::Current(live.intensity_a)),
            _ => None,
        });
        self.send(id, command).await?;
        let stored = db.run(persist).await;
        if stored.is_err()
            && let Some(undo) = undo
            && let Err(error) = self.send(id, undo).await
        {
            tracing::error!(%error, charger = %id, "a change the database refused could not be undone on the charger");
        }
        stored
    }

    /// For changes whose command follows from what is stored (the list of cards): runs
    /// `persist`, then sends the command it returns, in the charger's turn.
    pub async fn persist_then_send<T: Send + 'static>(
        &self,
        db: &Db,
        id: &ChargerId,
        persist: impl FnOnce(&mut rusqlite::Connection) -> ApiResult<(T, Command)> + Send + 'static,
    ) -> ApiResult<T> {
        let turn = Arc::clone(lock(&self.turns).entry(id.clone()).or_default());
        let _turn = turn.lock().await;
        let (stored, command) = db.run(persist).await?;
        self.send(id, command).await?;
        Ok(stored)
    }

    /// Sends a command to a charger (see [`Links::apply`], which also persists it).
    pub async fn send(&self, id: &ChargerId, command: Command) -> Result<(), LinkError> {
        match self.kind(id) {
            Kind::Simulated => self.simulated(id, command),
            Kind::Ocpp => self.ocpp.send(id, command).await,
            Kind::Trydan => self.trydan.send(id, command).await,
        }
    }

    /// The simulated link: the check and the change in one lock of the simulated charger.
    fn simulated(&self, id: &ChargerId, command: Command) -> Result<(), LinkError> {
        let now = self.clock.now();
        let outcome = self.simulator.update(id, |c| {
            check(&c.status(now), &command)?;
            match command {
                Command::Lock(locked) => c.locked = locked,
                Command::Pause(paused) => c.paused = paused,
                Command::Current(amps) => c.intensity_a = amps,
                Command::Limits { min, max, phases, current } => {
                    c.intensity_a = current;
                    c.supply_phases = phases;
                    (c.min_a, c.max_a) = (min, max);
                }
                Command::Timers(timers) => c.timers = timers,
                Command::DynamicPower(power) => {
                    c.dynamic = power;
                    c.apply_dynamic_power();
                }
                Command::Cards(codes) => c.cards = codes,
                Command::Operation(operation) => {
                    if c.operation.is_some() {
                        return Err(LinkError::Busy);
                    }
                    let now = c.uptime;
                    c.operation = Some(match operation {
                        Operation::Restart => SimOperation::Restart { until: now + RESTART_SECS },
                        Operation::UpdateFirmware | Operation::UpdateFirmwareLocal => {
                            SimOperation::Update { started: now }
                        }
                        Operation::Calibrate if c.model.features().calibrate => {
                            SimOperation::Calibrate { until: now + 5.0 }
                        }
                        Operation::Calibrate => return Err(LinkError::NotSupported),
                    });
                }
            }
            Ok(())
        });
        // A charger the simulator does not know is offline (never happens for a paired one).
        outcome.unwrap_or(Err(LinkError::Offline))
    }

    /// Stops polling the Trydans and saves what must outlive the process (the OCPP
    /// transactions in progress).
    pub async fn shutdown(&self) {
        self.trydan.shutdown();
        self.ocpp.shutdown().await;
    }
}
