//! One simulated charger and the car plugged into it: pure state and a `step` over time.

use std::collections::{BTreeMap, VecDeque};

use charge_model::charger::{
    ChargeState, ChargerId, ChargerModel, ChargerStatus, MAX_CURRENT_A, MIN_CURRENT_A,
};
use charge_model::dynamic_power::DynamicPower;
use charge_model::madrid;
use charge_model::timers::Timers;
use chrono::{DateTime, Timelike, Utc};
use rand::Rng;
use rand::rngs::StdRng;

/// Seconds a restart keeps the charger offline.
pub const RESTART_SECS: f64 = 10.0;
/// Seconds a firmware update takes before the charger restarts.
pub const UPDATE_SECS: f64 = 30.0;
/// Seconds of power samples kept for the live chart.
pub const HISTORY_SECS: i64 = 15 * 60;
/// Nominal mains voltage (V).
pub const NOMINAL_VOLTS: f64 = 230.0;

/// A car plugged into a charger.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Car {
    /// The most current the car's on-board charger accepts per phase (A).
    pub max_current_a: f64,
    pub phases: u8,
    pub capacity_wh: f64,
    /// State of charge, 0 to 1.
    pub soc: f64,
    /// Where the car stops charging by itself, 0 to 1.
    pub target_soc: f64,
}

/// A charge in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub started_at: DateTime<Utc>,
    pub seconds: f64,
    pub energy_wh: f64,
    /// Energy of each clock hour (keyed by the hour's start, unix seconds).
    pub hourly: BTreeMap<i64, f64>,
    /// Energy of each quarter-hour (keyed by its start), for pricing.
    pub quarters: BTreeMap<i64, f64>,
    /// The RFID card that started the charge, if one did.
    pub card: Option<String>,
}

impl Session {
    /// A charge starting now.
    pub fn new(started_at: DateTime<Utc>, card: Option<String>) -> Session {
        Session {
            started_at,
            seconds: 0.0,
            energy_wh: 0.0,
            hourly: BTreeMap::new(),
            quarters: BTreeMap::new(),
            card,
        }
    }
}

/// A finished charge, to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedSession {
    pub charger_id: ChargerId,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub energy_wh: f64,
    pub hourly: Vec<(i64, f64)>,
    pub quarters: Vec<(i64, f64)>,
    /// The RFID card that started it, if one did.
    pub card: Option<String>,
}

/// What can happen to a charger besides time passing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operation {
    Restart { until: f64 },
    Update { started: f64 },
    Calibrate { until: f64 },
}

/// A simulated charger.
#[derive(Debug, Clone)]
pub struct SimCharger {
    pub id: ChargerId,
    pub model: ChargerModel,
    pub intensity_a: u8,
    pub locked: bool,
    pub paused: bool,
    /// Phases of the installation (1 or 3).
    pub supply_phases: u8,
    pub firmware: String,
    /// Whether the cloud hears from it (a charger keeps working offline).
    pub connected: bool,
    pub voltage_v: f64,
    /// Peak of the house's solar panels (W); 0 without.
    pub pv_peak_w: f64,
    pub car: Option<Car>,
    pub session: Option<Session>,
    pub operation: Option<Operation>,
    /// Seconds since the simulation started, for operations.
    pub uptime: f64,
    /// Set when an update installed a new firmware, until the simulator has reported it.
    pub firmware_updated: bool,
    /// The codes of the RFID cards it accepts.
    pub cards: Vec<String>,
    /// Power samples for the live chart: (unix ms, W).
    pub history: VecDeque<(i64, f32)>,
    /// When the car may charge (no enabled timer: any time).
    pub timers: Timers,
    /// Dynamic power control; it sets `intensity_a` each step when enabled.
    pub dynamic: DynamicPower,
    /// The configured current limits, which dynamic power control stays within.
    pub min_a: u8,
    pub max_a: u8,
    /// The simulated time of the last step or command.
    pub now: DateTime<Utc>,
    /// Dynamic power control found no room to charge at the minimum current.
    pub no_room: bool,
    // Results of the last step.
    pub current_a: f64,
    pub power_w: f64,
    pub house_w: f64,
    pub pv_w: f64,
}

impl SimCharger {
    pub fn new(id: ChargerId, model: ChargerModel, firmware: String) -> Self {
        SimCharger {
            id,
            model,
            intensity_a: 16,
            locked: false,
            paused: false,
            supply_phases: 1,
            firmware,
            connected: true,
            voltage_v: NOMINAL_VOLTS,
            pv_peak_w: 0.0,
            car: None,
            session: None,
            operation: None,
            uptime: 0.0,
            firmware_updated: false,
            cards: Vec::new(),
            history: VecDeque::new(),
            timers: Timers::default(),
            dynamic: DynamicPower::default(),
            min_a: MIN_CURRENT_A,
            max_a: MAX_CURRENT_A,
            now: DateTime::UNIX_EPOCH,
            no_room: false,
            current_a: 0.0,
            power_w: 0.0,
            house_w: 0.0,
            pv_w: 0.0,
        }
    }

    /// Plugs a car in (started with `card`, if any): a new session starts.
    pub fn plug(&mut self, car: Car, card: Option<String>, now: DateTime<Utc>) {
        self.resume(car, Session::new(now, card), now);
    }

    /// The car of a charge in progress is (still) plugged in: the session goes on from there.
    pub fn resume(&mut self, car: Car, session: Session, now: DateTime<Utc>) {
        self.car = Some(car);
        self.session = Some(session);
        self.now = now;
        self.apply_dynamic_power();
        self.refresh_power();
    }

    /// Unplugs the car; returns the finished session if it delivered energy.
    pub fn unplug(&mut self, now: DateTime<Utc>) -> Option<FinishedSession> {
        self.car = None;
        self.refresh_power();
        let session = self.session.take()?;
        (session.energy_wh > 0.0).then(|| FinishedSession {
            charger_id: self.id.clone(),
            started_at: session.started_at,
            ended_at: now,
            energy_wh: session.energy_wh,
            hourly: session.hourly.into_iter().collect(),
            quarters: session.quarters.into_iter().collect(),
            card: session.card,
        })
    }

    /// Whether the charger is restarting (it cannot be reached and does not charge).
    pub fn restarting(&self) -> bool {
        matches!(self.operation, Some(Operation::Restart { until }) if self.uptime < until)
    }

    pub fn online(&self) -> bool {
        self.connected && !self.restarting()
    }

    /// Progress of a firmware update in percent.
    pub fn update_progress(&self) -> Option<u8> {
        match self.operation {
            Some(Operation::Update { started }) => {
                Some(((self.uptime - started) / UPDATE_SECS * 100.0).clamp(0.0, 100.0) as u8)
            }
            _ => None,
        }
    }

    /// Whether the car may draw current now.
    fn may_charge(&self) -> bool {
        !self.locked && !self.paused && self.operation.is_none() && self.timer_allows() && !self.no_room
    }

    /// Whether the timers allow charging at the simulated time.
    pub fn timer_allows(&self) -> bool {
        self.timers.allow(madrid::local(self.now))
    }

    /// With dynamic power control on, sets the current to what the house leaves within the
    /// limits (contracted power, the profile's slot, solar surplus).
    pub fn apply_dynamic_power(&mut self) {
        if !self.dynamic.enabled {
            self.no_room = false;
            return;
        }
        let house = house_base_load_w(self.now);
        let pv = solar_w(self.pv_peak_w, self.now);
        let phases =
            f64::from(self.car.as_ref().map_or(self.supply_phases, |car| car.phases.min(self.supply_phases)));
        let volts_x_phases = self.voltage_v * phases.max(1.0);
        match self.dynamic.current_for(
            madrid::local(self.now),
            house,
            pv,
            volts_x_phases,
            self.min_a,
            self.max_a,
        ) {
            Some(amps) => {
                self.intensity_a = amps;
                self.no_room = false;
            }
            None => self.no_room = true,
        }
    }

    /// The current the car draws: the charger's setting, limited by the car, and brought
    /// down to the minimum as the battery nears its target (arcs are avoided at cut-off).
    pub fn charging_current(&self) -> f64 {
        let Some(car) = &self.car else { return 0.0 };
        if !self.may_charge() || car.soc >= car.target_soc {
            return 0.0;
        }
        let setting = f64::from(self.intensity_a).min(car.max_current_a);
        let taper_from = car.target_soc - 0.03;
        if car.soc <= taper_from {
            setting
        } else {
            let left = (car.target_soc - car.soc) / 0.03;
            (setting - f64::from(MIN_CURRENT_A)).max(0.0).mul_add(left, f64::from(MIN_CURRENT_A))
        }
    }

    fn phases(&self) -> u8 {
        self.car.as_ref().map_or(0, |car| car.phases.min(self.supply_phases))
    }

    /// Recomputes current and power from the state (after a command: takes effect at once).
    pub fn refresh_power(&mut self) {
        self.current_a = self.charging_current();
        self.power_w = self.current_a * self.voltage_v * f64::from(self.phases());
    }

    /// Advances `dt` seconds ending at `now`: the power set at the start of the interval
    /// delivers energy over all of it, split across clock hours. `speed` makes batteries
    /// fill that many times faster (time acceleration), without touching energy or power.
    pub fn step(&mut self, now: DateTime<Utc>, dt: f64, speed: f64) {
        self.uptime += dt;
        self.finish_operations();
        let energy_wh = self.power_w * dt / 3600.0;
        if let Some(session) = &mut self.session {
            session.seconds += dt;
            session.energy_wh += energy_wh;
            split_by_period(&mut session.hourly, 3600.0, now, dt, energy_wh);
            split_by_period(&mut session.quarters, 900.0, now, dt, energy_wh);
        }
        if let Some(car) = &mut self.car {
            car.soc = (car.soc + energy_wh * speed / car.capacity_wh).min(1.0);
        }
        self.now = now;
        self.apply_dynamic_power();
        self.refresh_power();
        self.house_w = house_base_load_w(now) + self.power_w;
        self.pv_w = solar_w(self.pv_peak_w, now);
        let ms = now.timestamp_millis();
        self.history.push_back((ms, self.power_w as f32));
        while self.history.front().is_some_and(|(t, _)| ms - t > HISTORY_SECS * 1000) {
            self.history.pop_front();
        }
    }

    fn finish_operations(&mut self) {
        match self.operation {
            Some(Operation::Restart { until } | Operation::Calibrate { until }) if self.uptime >= until => {
                self.operation = None;
            }
            Some(Operation::Update { started }) if self.uptime >= started + UPDATE_SECS => {
                self.firmware = next_firmware(&self.firmware);
                self.firmware_updated = true;
                self.operation = Some(Operation::Restart { until: self.uptime + RESTART_SECS });
            }
            _ => {}
        }
    }

    /// Random voltage drift around 230 V.
    pub fn drift_voltage(&mut self, rng: &mut StdRng) {
        let drift = rng.random_range(-0.6..0.6);
        self.voltage_v = (self.voltage_v + drift).clamp(NOMINAL_VOLTS - 6.0, NOMINAL_VOLTS + 6.0);
    }

    /// What the charger reports now.
    pub fn status(&self, now: DateTime<Utc>) -> ChargerStatus {
        let state = match (&self.car, self.power_w > 0.0) {
            (None, _) => ChargeState::Disconnected,
            (Some(_), true) => ChargeState::Charging,
            (Some(_), false) => ChargeState::Connected,
        };
        let session = self.session.as_ref();
        ChargerStatus {
            online: self.online(),
            state,
            charge_power_w: round1(self.power_w),
            session_energy_wh: round1(session.map_or(0.0, |s| s.energy_wh)),
            session_seconds: session.map_or(0, |s| s.seconds as u64),
            current_a: round1(self.current_a),
            intensity_a: self.intensity_a,
            voltage_v: round1(self.voltage_v),
            phases: self.phases().max(1),
            house_power_w: round1(self.house_w),
            pv_power_w: round1(self.pv_w),
            locked: self.locked,
            paused: self.paused,
            firmware: self.firmware.clone(),
            update_progress: self.update_progress(),
            dynamic_power: self.dynamic.enabled,
            waiting_for_timer: self.car.is_some() && !self.timer_allows(),
            at_ms: now.timestamp_millis(),
        }
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Adds `energy_wh`, delivered evenly over the `dt` seconds ending at `now`, to the periods of
/// `period` seconds (clock hours, quarter-hours) it falls in.
pub fn split_by_period(
    periods: &mut BTreeMap<i64, f64>,
    period: f64,
    now: DateTime<Utc>,
    dt: f64,
    energy_wh: f64,
) {
    if energy_wh == 0.0 || dt <= 0.0 {
        return;
    }
    let end = now.timestamp_millis() as f64 / 1000.0;
    let mut start = end - dt;
    while start < end {
        let from = (start / period).floor() * period;
        let until = (from + period).min(end);
        *periods.entry(from as i64).or_default() += energy_wh * (until - start) / dt;
        start = until;
    }
}

/// A finished charge of constant power (demo history, the dev endpoint for past charges).
pub fn constant_charge(
    id: &ChargerId,
    started_at: DateTime<Utc>,
    minutes: i64,
    power_w: f64,
) -> FinishedSession {
    let seconds = (minutes * 60) as f64;
    let ended_at = started_at + chrono::Duration::minutes(minutes);
    let energy_wh = power_w * seconds / 3600.0;
    let (mut hourly, mut quarters) = (BTreeMap::new(), BTreeMap::new());
    split_by_period(&mut hourly, 3600.0, ended_at, seconds, energy_wh);
    split_by_period(&mut quarters, 900.0, ended_at, seconds, energy_wh);
    FinishedSession {
        charger_id: id.clone(),
        started_at,
        ended_at,
        energy_wh,
        hourly: hourly.into_iter().collect(),
        quarters: quarters.into_iter().collect(),
        card: None,
    }
}

/// A typical Spanish household's consumption over the day, without the car (W).
pub fn house_base_load_w(now: DateTime<Utc>) -> f64 {
    // Local time in mainland Spain is UTC+1 or +2; an hour off does not matter here.
    let hour = (f64::from(now.hour()) + f64::from(now.minute()) / 60.0 + 1.0) % 24.0;
    let bump = |center: f64, width: f64, height: f64| height * (-((hour - center) / width).powi(2)).exp();
    250.0 + bump(8.0, 1.2, 900.0) + bump(14.5, 1.5, 1400.0) + bump(21.0, 1.8, 1800.0)
}

/// Solar production of panels with peak `peak_w` (W): a bell between sunrise and sunset.
pub fn solar_w(peak_w: f64, now: DateTime<Utc>) -> f64 {
    if peak_w <= 0.0 {
        return 0.0;
    }
    let hour = (f64::from(now.hour()) + f64::from(now.minute()) / 60.0 + 1.0) % 24.0;
    let daylight = ((hour - 7.5) / 12.0 * std::f64::consts::PI).sin();
    (peak_w * daylight.max(0.0)).round()
}

/// The version after an update: the last number goes up.
pub fn next_firmware(version: &str) -> String {
    match version.rsplit_once('.') {
        Some((head, last)) => match last.parse::<u32>() {
            Ok(n) => format!("{head}.{}", n + 1),
            Err(_) => format!("{version}.1"),
        },
        None => format!("{version}.1"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn charger() -> SimCharger {
        SimCharger::new(ChargerId::parse("TESTCHRG01").unwrap(), ChargerModel::Trydan, "2.1.7".into())
    }

    fn car() -> Car {
        Car { max_current_a: 32.0, phases: 1, capacity_wh: 1_000_000.0, soc: 0.2, target_soc: 0.9 }
    }

    /// Steps one second at a time and returns the integral of the reported power (Wh).
    fn run(charger: &mut SimCharger, start: DateTime<Utc>, seconds: i64) -> f64 {
        let mut reported_wh = 0.0;
        for s in 1..=seconds {
            reported_wh += charger.status(start).charge_power_w / 3600.0;
            charger.step(start + chrono::Duration::seconds(s), 1.0, 1.0);
        }
        reported_wh
    }

    #[test]
    fn energy_is_the_integral_of_power_within_a_thousandth() {
        let start = Utc.with_ymd_and_hms(2026, 3, 10, 21, 40, 0).unwrap();
        let mut charger = charger();
        charger.plug(car(), None, start);

        // 16 A for 30 min, then 10 A for 15 min, single phase at 230 V.
        let mut reported = run(&mut charger, start, 1800);
        charger.intensity_a = 10;
        charger.refresh_power();
        reported += run(&mut charger, start + chrono::Duration::seconds(1800), 900);

        let by_hand = 1840.0 + 575.0; // 16 A × 230 V × 0.5 h + 10 A × 230 V × 0.25 h
        let energy = charger.session.as_ref().unwrap().energy_wh;
        assert!((energy - by_hand).abs() / by_hand < 0.001, "{energy} vs {by_hand}");
        assert!((reported - energy).abs() / energy < 0.001, "{reported} vs {energy}");
    }

    #[test]
    fn energy_is_split_across_clock_hours() {
        let start = Utc.with_ymd_and_hms(2026, 3, 10, 21, 45, 0).unwrap();
        let mut charger = charger();
        charger.plug(car(), None, start);
        run(&mut charger, start, 30 * 60);
        let finished = charger.unplug(start + chrono::Duration::minutes(30)).unwrap();
        let per_hour: Vec<f64> = finished.hourly.iter().map(|(_, wh)| *wh).collect();
        // 15 minutes before 22:00 and 15 after, at 16 A × 230 V = 3680 W.
        assert_eq!(finished.hourly[0].0, start.timestamp() - 45 * 60);
        assert!((per_hour[0] - 920.0).abs() < 0.5 && (per_hour[1] - 920.0).abs() < 0.5, "{per_hour:?}");
        assert!((per_hour.iter().sum::<f64>() - finished.energy_wh).abs() < 1e-6);
    }

    #[test]
    fn a_resumed_charge_goes_on_from_its_energy_so_far_with_its_card() {
        let start = Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap();
        let mut before = charger();
        before.plug(car(), Some("A1B2C3D4".into()), start);
        run(&mut before, start, 600);
        let (saved_car, saved) = (before.car.clone().unwrap(), before.session.clone().unwrap());

        let mut after = charger();
        let later = start + chrono::Duration::seconds(900);
        after.resume(saved_car, saved.clone(), later);
        run(&mut after, later, 600);
        let finished = after.unplug(later + chrono::Duration::seconds(600)).unwrap();
        assert_eq!((finished.started_at, finished.card.as_deref()), (start, Some("A1B2C3D4")));
        assert!(saved.energy_wh.mul_add(-2.0, finished.energy_wh).abs() < 1.0, "{finished:?}");
        assert!((finished.quarters.iter().map(|q| q.1).sum::<f64>() - finished.energy_wh).abs() < 1e-6);
    }

    #[test]
    fn power_follows_current_voltage_and_phases() {
        let now = Utc::now();
        let mut charger = charger();
        charger.supply_phases = 3;
        charger.plug(Car { phases: 3, max_current_a: 16.0, ..car() }, None, now);
        charger.intensity_a = 32;
        charger.refresh_power();
        // The car limits the current to 16 A.
        assert_eq!(charger.status(now).charge_power_w, 16.0 * 230.0 * 3.0);
        assert_eq!(charger.status(now).state, ChargeState::Charging);
    }

    #[test]
    fn lock_and_pause_stop_charging_at_once() {
        let now = Utc::now();
        let mut charger = charger();
        charger.plug(car(), None, now);
        charger.locked = true;
        charger.refresh_power();
        assert_eq!(charger.status(now).charge_power_w, 0.0);
        assert_eq!(charger.status(now).state, ChargeState::Connected);
        charger.locked = false;
        charger.paused = true;
        charger.refresh_power();
        assert_eq!(charger.status(now).charge_power_w, 0.0);
        charger.paused = false;
        charger.refresh_power();
        assert!(charger.status(now).charge_power_w > 0.0);
    }

    #[test]
    fn a_full_car_stops_after_tapering_to_the_minimum() {
        let now = Utc::now();
        let mut charger = charger();
        charger.plug(Car { soc: 0.885, target_soc: 0.9, capacity_wh: 10_000.0, ..car() }, None, now);
        assert!(charger.current_a < 16.0 && charger.current_a >= 6.0, "{}", charger.current_a);
        for s in 1..=3600 {
            charger.step(now + chrono::Duration::seconds(s), 1.0, 1.0);
        }
        assert_eq!(charger.status(now).state, ChargeState::Connected);
    }

    #[test]
    fn a_restart_goes_offline_briefly_and_an_update_bumps_the_version() {
        let now = Utc::now();
        let mut charger = charger();
        charger.operation = Some(Operation::Restart { until: RESTART_SECS });
        assert!(!charger.status(now).online);
        for _ in 0..10 {
            charger.step(now, 1.0, 1.0);
        }
        assert!(charger.status(now).online);

        charger.operation = Some(Operation::Update { started: charger.uptime });
        charger.step(now, UPDATE_SECS / 2.0, 1.0);
        assert_eq!(charger.status(now).update_progress, Some(50));
        charger.step(now, UPDATE_SECS / 2.0, 1.0);
        assert_eq!(charger.firmware, "2.1.8");
        assert!(charger.firmware_updated);
        assert!(!charger.status(now).online, "restarts after updating");
    }

    #[test]
    fn acceleration_fills_batteries_faster_without_changing_energy() {
        let now = Utc::now();
        let mut slow = charger();
        let mut fast = charger();
        slow.plug(car(), None, now);
        fast.plug(car(), None, now);
        slow.step(now, 60.0, 1.0);
        fast.step(now, 60.0, 60.0);
        let (slow_car, fast_car) = (slow.car.as_ref().unwrap(), fast.car.as_ref().unwrap());
        assert!((fast_car.soc - 0.2) > 59.0 * (slow_car.soc - 0.2));
        assert_eq!(slow.session.unwrap().energy_wh, fast.session.unwrap().energy_wh);
    }

    #[test]
    fn firmware_versions_count_up() {
        assert_eq!(next_firmware("2.1.9"), "2.1.10");
        assert_eq!(next_firmware("3"), "3.1");
    }
}
