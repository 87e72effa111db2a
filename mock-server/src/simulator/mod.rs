//! The charger simulator: a fleet of paired chargers with cars that come and go, and live
//! status pushed to subscribers. It keeps nothing itself: it returns what happened (finished
//! charges, charges in progress, new firmware) for the layer above to store.

pub mod catalogue;
pub mod physics;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use charge_model::charger::{ChargerId, ChargerModel, ChargerStatus, StatusEvent};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::broadcast;

use crate::clock::Clock;
use crate::link::Push;
pub use physics::{Car, FinishedSession, Operation, Session, SimCharger};

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Batteries fill, and cars come and go, this many times faster than in real life.
    pub time_scale: f64,
    /// Cars arrive and leave, and connections drop, by themselves.
    pub random_events: bool,
    /// Seed of the random generator, for reproducible runs.
    pub seed: Option<u64>,
    /// Period of the simulation.
    pub tick: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { time_scale: 1.0, random_events: true, seed: None, tick: Duration::from_secs(1) }
    }
}

struct Fleet {
    chargers: HashMap<ChargerId, SimCharger>,
    /// What was last pushed for each charger, to push only changes.
    pushed: HashMap<ChargerId, ChargerStatus>,
    last_tick: DateTime<Utc>,
    rng: StdRng,
}

/// The simulator, shared by the handlers and its own background task.
pub struct Simulator {
    fleet: Mutex<Fleet>,
    events: broadcast::Sender<Push>,
    options: SimOptions,
    clock: Clock,
}

impl Simulator {
    /// A simulator for the paired chargers in the database.
    pub fn load(
        db_conn: &rusqlite::Connection,
        options: SimOptions,
        clock: Clock,
        events: broadcast::Sender<Push>,
    ) -> anyhow::Result<Simulator> {
        let rng = match options.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let mut fleet =
            Fleet { chargers: HashMap::new(), pushed: HashMap::new(), last_tick: clock.now(), rng };
        let mut statement = db_conn.prepare(
            "SELECT id, model, firmware, settings, intensity_a, locked, paused, timers, dynamic_power
             FROM chargers WHERE owner_id IS NOT NULL AND link = 'simulated'",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, u8>(4)?,
                row.get::<_, bool>(5)?,
                row.get::<_, bool>(6)?,
                row.get::<_, Option<String>>(7)?,
                row.get::<_, Option<String>>(8)?,
            ))
        })?;
        for row in rows {
            let (id, model, firmware, settings, intensity, locked, paused, timers, dynamic) = row?;
            let settings: charge_model::charger::ChargerSettings =
                serde_json::from_str(settings.as_deref().unwrap_or("{}")).unwrap_or_default();
            let model = ChargerModel::from_tag(&model).unwrap_or(ChargerModel::Trydan);
            let id = ChargerId::parse(&id).map_err(|e| anyhow::anyhow!("charger id {id}: {e}"))?;
            let mut charger = new_charger(id, model, firmware, &mut fleet.rng);
            charger.intensity_a = intensity;
            charger.locked = locked;
            charger.paused = paused;
            charger.supply_phases = settings.supply.phases();
            (charger.min_a, charger.max_a) = (settings.min_current_a, settings.max_current_a);
            charger.timers = timers.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default();
            charger.dynamic = dynamic.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default();
            charger.now = clock.now();
            fleet.chargers.insert(charger.id.clone(), charger);
        }
        drop(statement);
        let mut statement = db_conn.prepare("SELECT charger_id, code FROM rfid_cards ORDER BY id")?;
        let cards =
            statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        for card in cards {
            let (id, code) = card?;
            if let Some(charger) = ChargerId::parse(&id).ok().and_then(|id| fleet.chargers.get_mut(&id)) {
                charger.cards.push(code);
            }
        }
        drop(statement);
        Ok(Simulator { fleet: Mutex::new(fleet), events, options, clock })
    }

    fn fleet(&self) -> MutexGuard<'_, Fleet> {
        self.fleet.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How it behaves.
    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    /// Advances the simulation to now; returns what must be kept.
    pub fn tick(&self) -> TickOutcome {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let dt = (now - fleet.last_tick).num_milliseconds() as f64 / 1000.0;
        fleet.last_tick = now;
        let mut outcome = TickOutcome::default();
        if dt <= 0.0 {
            return outcome;
        }
        let Fleet { chargers, rng, .. } = &mut *fleet;
        for charger in chargers.values_mut() {
            if self.options.random_events {
                outcome.finished.extend(random_events(charger, now, dt, self.options.time_scale, rng));
                charger.drift_voltage(rng);
            }
            charger.step(now, dt, self.options.time_scale);
            if std::mem::take(&mut charger.firmware_updated) {
                outcome.firmware.push((charger.id.clone(), charger.firmware.clone()));
            }
        }
        let ids: Vec<ChargerId> = fleet.chargers.keys().cloned().collect();
        let changed: Vec<(ChargerId, Arc<str>)> =
            ids.into_iter().filter_map(|id| Self::changed(&mut fleet, &id, now)).collect();
        if !changed.is_empty() {
            let _ = self.events.send(Push::Statuses { changed: changed.into() });
        }
        outcome
    }

    fn push_if_changed(&self, fleet: &mut Fleet, id: &ChargerId, now: DateTime<Utc>) {
        if let Some((charger_id, json)) = Self::changed(fleet, id, now) {
            let _ = self.events.send(Push::Status { charger_id, json });
        }
    }

    /// The charger's status as an event, if it changed since the last one pushed.
    fn changed(fleet: &mut Fleet, id: &ChargerId, now: DateTime<Utc>) -> Option<(ChargerId, Arc<str>)> {
        let status = fleet.chargers.get(id)?.status(now);
        let unchanged = fleet.pushed.get(id).is_some_and(|last| {
            ChargerStatus { at_ms: 0, ..last.clone() } == ChargerStatus { at_ms: 0, ..status.clone() }
        });
        if unchanged {
            return None;
        }
        fleet.pushed.insert(id.clone(), status.clone());
        let event = StatusEvent { charger_id: id.clone(), status };
        serde_json::to_string(&event).ok().map(|json| (id.clone(), json.into()))
    }

    /// The live status of a charger (`None` when it is not paired).
    pub fn status(&self, id: &ChargerId) -> Option<ChargerStatus> {
        let now = self.clock.now();
        self.fleet().chargers.get(id).map(|c| c.status(now))
    }

    /// Reads a charger, as it is at `now`, without changing it (`None` when it is not simulated).
    pub fn inspect<T>(
        &self,
        id: &ChargerId,
        read: impl FnOnce(&SimCharger, DateTime<Utc>) -> T,
    ) -> Option<T> {
        let now = self.clock.now();
        self.fleet().chargers.get(id).map(|c| read(c, now))
    }

    /// The live statuses of several chargers, in one lock.
    pub fn statuses(&self, ids: &[ChargerId]) -> Vec<Option<ChargerStatus>> {
        let now = self.clock.now();
        let fleet = self.fleet();
        ids.iter().map(|id| fleet.chargers.get(id).map(|c| c.status(now))).collect()
    }

    /// Power samples of the last minutes: (unix ms, W).
    pub fn power_history(&self, id: &ChargerId, seconds: i64) -> Vec<(i64, f32)> {
        let now = self.clock.now().timestamp_millis();
        self.fleet()
            .chargers
            .get(id)
            .map(|c| c.history.iter().filter(|(t, _)| now - t <= seconds * 1000).copied().collect())
            .unwrap_or_default()
    }

    /// Starts simulating a newly paired charger.
    pub fn add(&self, id: ChargerId, model: ChargerModel, firmware: String) {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let mut charger = new_charger(id.clone(), model, firmware, &mut fleet.rng);
        charger.now = now;
        fleet.chargers.insert(id.clone(), charger);
        self.push_if_changed(&mut fleet, &id, now);
    }

    /// Stops simulating a released charger; returns its unfinished charge, if any.
    pub fn remove(&self, id: &ChargerId) -> Option<FinishedSession> {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        fleet.pushed.remove(id);
        fleet.chargers.remove(id).and_then(|mut c| c.unplug(now))
    }

    /// Changes a charger and pushes its new status at once. `None` when it is not simulated.
    pub fn update<T>(&self, id: &ChargerId, change: impl FnOnce(&mut SimCharger) -> T) -> Option<T> {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let charger = fleet.chargers.get_mut(id)?;
        charger.now = now;
        let result = change(charger);
        charger.refresh_power();
        self.push_if_changed(&mut fleet, id, now);
        Some(result)
    }

    /// Plugs a typical car into a charger (development helper and random arrivals).
    pub fn plug_car(&self, id: &ChargerId, car: Option<Car>) -> bool {
        self.plug_car_with(id, car, None)
    }

    /// [`Simulator::plug_car`], the charge started with `card` when given (even one not on
    /// the charger's list: a charger open to any card).
    pub fn plug_car_with(&self, id: &ChargerId, car: Option<Car>, card: Option<String>) -> bool {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let Fleet { chargers, rng, .. } = &mut *fleet;
        let car = car.unwrap_or_else(|| random_car(rng));
        let Some(charger) = chargers.get_mut(id) else { return false };
        let card = card.or_else(|| swipe(&charger.cards, rng));
        charger.plug(car, card, now);
        self.push_if_changed(&mut fleet, id, now);
        true
    }

    /// The card, if any, that starts a charge on this charger now (a past charge recorded by
    /// hand): like the charges the simulation starts, half of them start with one of its cards.
    pub fn swipe(&self, id: &ChargerId) -> Option<String> {
        let mut fleet = self.fleet();
        let Fleet { chargers, rng, .. } = &mut *fleet;
        swipe(&chargers.get(id)?.cards, rng)
    }

    /// Every charge in progress that has delivered energy, to be saved as it goes.
    pub fn progress(&self) -> Vec<ChargeProgress> {
        self.fleet()
            .chargers
            .values()
            .filter_map(|charger| {
                let session = charger.session.as_ref().filter(|s| s.energy_wh > 0.0)?;
                Some(ChargeProgress {
                    charger_id: charger.id.clone(),
                    car: charger.car.clone()?,
                    session: session.clone(),
                })
            })
            .collect()
    }

    /// Plugs the car of a saved charge back in: the charge goes on with its energy so far.
    /// `false` when the charger is not simulated or already has a car.
    pub fn resume(&self, progress: ChargeProgress) -> bool {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let id = progress.charger_id;
        match fleet.chargers.get_mut(&id) {
            Some(charger) if charger.car.is_none() => charger.resume(progress.car, progress.session, now),
            _ => return false,
        }
        self.push_if_changed(&mut fleet, &id, now);
        true
    }

    /// Unplugs the car of a charger; returns the finished charge.
    pub fn unplug_car(&self, id: &ChargerId) -> Option<FinishedSession> {
        let now = self.clock.now();
        let mut fleet = self.fleet();
        let finished = fleet.chargers.get_mut(id)?.unplug(now);
        self.push_if_changed(&mut fleet, id, now);
        finished
    }

    /// The uptime of a charger, to schedule operations.
    pub fn now_uptime(&self, id: &ChargerId) -> Option<f64> {
        self.fleet().chargers.get(id).map(|c| c.uptime)
    }

    /// How many chargers are simulated.
    pub fn len(&self) -> usize {
        self.fleet().chargers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn new_charger(id: ChargerId, model: ChargerModel, firmware: String, rng: &mut StdRng) -> SimCharger {
    let mut charger = SimCharger::new(id, model, firmware);
    // Half the houses with a Trydan have solar panels, of 3 to 6 kWp.
    if model.features().photovoltaic && rng.random_bool(0.5) {
        charger.pv_peak_w = f64::from(rng.random_range(6..=12u32)) * 500.0;
    }
    charger
}

fn random_car(rng: &mut StdRng) -> Car {
    const CARS: [(f64, u8, f64); 5] = [
        (32.0, 1, 77_000.0),
        (16.0, 3, 58_000.0),
        (16.0, 1, 40_000.0),
        (32.0, 3, 82_000.0),
        (16.0, 1, 64_000.0),
    ];
    let (max_current_a, phases, capacity_wh) = CARS[rng.random_range(0..CARS.len())];
    Car {
        max_current_a,
        phases,
        capacity_wh,
        soc: rng.random_range(0.15..0.6),
        target_soc: [0.8, 0.9, 1.0][rng.random_range(0..3)],
    }
}

/// Cars arrive and leave, and connections drop, at rates of real life (times the scale).
fn random_events(
    charger: &mut SimCharger,
    now: DateTime<Utc>,
    dt: f64,
    scale: f64,
    rng: &mut StdRng,
) -> Option<FinishedSession> {
    let chance =
        |mean_hours: f64, rng: &mut StdRng| rng.random_bool((dt * scale / (mean_hours * 3600.0)).min(1.0));
    if charger.connected {
        if chance(72.0, rng) {
            charger.connected = false;
        }
    } else if chance(0.1, rng) {
        charger.connected = true;
    }
    match &charger.car {
        None if chance(5.0, rng) => {
            let card = swipe(&charger.cards, rng);
            charger.plug(random_car(rng), card, now);
            None
        }
        Some(car) if car.soc >= car.target_soc && chance(1.5, rng) => charger.unplug(now),
        Some(_) if chance(10.0, rng) => charger.unplug(now),
        _ => None,
    }
}

/// Half the charges of a charger with cards start with one of them, any of them.
fn swipe(cards: &[String], rng: &mut StdRng) -> Option<String> {
    if cards.is_empty() || !rng.random_bool(0.5) {
        return None;
    }
    Some(cards[rng.random_range(0..cards.len())].clone())
}

/// What a tick changed that must be kept.
#[derive(Debug, Default)]
pub struct TickOutcome {
    pub finished: Vec<FinishedSession>,
    /// Chargers whose firmware was updated, with the new version.
    pub firmware: Vec<(ChargerId, String)>,
}

/// A charge in progress: what the layer above saves, and gives back to [`Simulator::resume`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChargeProgress {
    pub charger_id: ChargerId,
    pub car: Car,
    pub session: Session,
}
