//! Charging plans: "ready by" a departure with so much energy, in the cheapest quarter-hours
//! the charger may use before it.
//!
//! [`quarter_limits`] turns a charger's settings, timers, dynamic power and contracted power
//! into the most power it may draw in each quarter-hour; [`plan`] chooses how much energy to
//! take in each quarter under the charger's tariff, and prices the choice, and charging at
//! once for comparison, with the model's one cost function ([`tariff::price`]).
//!
//! # Why cheapest-first is optimal
//!
//! In mWh, with `p_i` the tariff's price in quarter `i` and `c_i` what it can deliver there
//! (its power limit over its seconds inside `[now, departure)`), a plan is energies `e_i`
//! with `0 ≤ e_i ≤ c_i` and `Σ e_i = E` (exactly the need: the car takes no more, even when a
//! price is negative). Its cost `Σ p_i · e_i` is linear, so this is a fractional knapsack.
//!
//! The greedy plan `g` ranks the quarters by price, ties by time, and fills them in that order
//! until `E` is met: every quarter ranked before the last one it touches is full, every one
//! after it empty. Take any other plan `o`. As both add up to `E`, some quarter `i` has
//! `o_i < g_i` and some `j` has `o_j > g_j`. Then `g_i > 0` puts `i` no later than the last
//! touched quarter, and `g_j < o_j ≤ c_j` puts `j` no earlier, so `p_i ≤ p_j`. Moving
//! `δ = min(g_i − o_i, o_j − g_j)` mWh of `o` from `j` to `i` keeps it a plan (whole mWh
//! stay whole), changes its cost by `δ · (p_i − p_j) ≤ 0`, and brings it closer to `g`.
//! Repeating reaches `g` without ever raising the cost: no plan costs less than `g`, not even
//! one with fractions of a mWh. The cost function adds the exact pico-euros and rounds to
//! cents once, half away from zero, which never ranks a smaller sum above a larger one, so
//! `g` is also the cheapest to the cent. Among plans of equal cost, the earliest quarters
//! are preferred: the car is ready sooner when a price ties.

use chrono::{DateTime, Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::charger::ChargerSettings;
use crate::dynamic_power::DynamicPower;
use crate::madrid;
use crate::prices::PricePoint;
use crate::tariff::{self, Cost, EnergySlice, Price, Quote, Tariff};
use crate::timers::Timers;
use crate::{FieldErrors, Problem};

/// A quarter-hour, in seconds. Madrid is a whole number of hours off UTC, so local quarters
/// start on multiples of it in Unix time.
pub const QUARTER_SECS: i64 = 900;

/// The furthest departure a plan looks to: a week and a day.
pub const MAX_HORIZON_HOURS: u32 = 8 * 24;

/// The most power the charger may draw in one quarter-hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarterLimit {
    /// Unix seconds, on a quarter-hour.
    pub start: i64,
    /// Watts; 0 when the charger may not charge in the quarter.
    pub max_w: u32,
}

/// What a charger allows, for [`quarter_limits`].
#[derive(Debug, Clone, Copy)]
pub struct ChargerLimits<'a> {
    /// `min_current_a` and `max_current_a`.
    pub settings: &'a ChargerSettings,
    pub timers: &'a Timers,
    pub dynamic_power: &'a DynamicPower,
    /// The house's contracted power (kW), when known: the charger alone never plans above it.
    pub contracted_kw: Option<f64>,
    /// Voltage of one phase: the charger's last reading, or 230 V.
    pub volts: f64,
    /// Phases the car charges on: the charger's last reading, or the supply's.
    pub phases: u8,
    /// What the house draws besides the charger (W), as dynamic power control will leave room
    /// for: an expected figure, 0 when unknown.
    pub house_w: f64,
}

/// The most power the charger may draw in each quarter-hour from the one `from` is in up to
/// `to` (at most [`MAX_HORIZON_HOURS`] of them).
///
/// Honoured, minute by minute, a quarter getting its lowest minute (so a plan never counts
/// on a minute the charger may not charge in; limits that change on quarter-hours lose nothing):
/// - the charger's current limits: `max_current_a`, and nothing below `min_current_a`;
/// - the timers ([`Timers::allow`]): a minute they forbid leaves the quarter at 0 W;
/// - dynamic power control, when enabled, as the charger applies it
///   ([`DynamicPower::current_for`]): the profile's slot, capped at its contracted power, less
///   `house_w`. With solar only ([`crate::dynamic_power::PvMode::PvOnly`]) nothing is planned,
///   as no solar forecast is known; with solar plus minimum, the minimum current;
/// - `contracted_kw`, at all times.
///
/// Power is whole amperes × `volts` × `phases`, rounded down to a watt. Not known here, so
/// not honoured: the car's own charging limit and its slowing near full, a pause or lock the
/// user sets by hand, and any solar production.
pub fn quarter_limits(charger: &ChargerLimits<'_>, from: i64, to: i64) -> Vec<QuarterLimit> {
    // Saturating: instants beyond chrono's range get no power rather than an overflow.
    let first = from.saturating_sub(from.rem_euclid(QUARTER_SECS));
    let most = i64::from(MAX_HORIZON_HOURS) * 4;
    let count = (to.saturating_sub(first).saturating_add(QUARTER_SECS - 1) / QUARTER_SECS).clamp(0, most);
    let volts_x_phases = charger.volts * f64::from(charger.phases);
    (0..count)
        .map(|index| {
            let start = first.saturating_add(index * QUARTER_SECS);
            // Summer time changes on the hour, so a quarter's local minutes run on from its start.
            let local = DateTime::from_timestamp(start, 0).map(madrid::local);
            let amps = local.map_or(0, |local| {
                (0..15)
                    .filter_map(|minute| local.checked_add_signed(Duration::minutes(minute)))
                    .map(|local| amps_at(charger, volts_x_phases, local))
                    .min()
                    .unwrap_or(0)
            });
            let watts = f64::from(amps) * volts_x_phases;
            // Finite and within a few hundred kW here; `as` saturates anyway.
            let max_w = if watts.is_finite() && watts > 0.0 { watts.floor() as u32 } else { 0 };
            QuarterLimit { start, max_w }
        })
        .collect()
}

/// The current (A) the charger may draw at a local time.
fn amps_at(charger: &ChargerLimits<'_>, volts_x_phases: f64, local: NaiveDateTime) -> u8 {
    if !(volts_x_phases.is_finite() && volts_x_phases > 0.0) {
        return 0;
    }
    if !charger.timers.allow(local) {
        return 0;
    }
    let (min_a, max_a) = (charger.settings.min_current_a, charger.settings.max_current_a);
    let power = charger.dynamic_power;
    let amps = if power.enabled {
        match power.current_for(local, charger.house_w, 0.0, volts_x_phases, min_a, max_a) {
            Some(amps) => amps,
            None => return 0,
        }
    } else {
        max_a
    };
    match charger.contracted_kw {
        Some(kw) => {
            let most = (kw * 1000.0 / volts_x_phases).floor();
            if most < f64::from(min_a) { 0 } else { amps.min(most.min(f64::from(u8::MAX)) as u8) }
        }
        None => amps,
    }
}

/// What a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    /// Unix seconds: the plan starts here, inside its quarter-hour.
    pub now: i64,
    /// Unix seconds: the car must be ready here.
    pub departure: i64,
    /// Energy to charge by then (Wh).
    pub energy_wh: u32,
}

/// One quarter-hour of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedQuarter {
    /// Unix seconds, on a quarter-hour (the first may be under way at `now`).
    pub start: i64,
    /// Energy to charge in it: the whole quarter at the limit, or less (milliwatt-hours).
    pub energy_mwh: i64,
    /// The tariff's price in it (µ€/kWh).
    pub price: Price,
    /// The market price in it is an estimate, not yet published.
    pub estimated: bool,
}

/// A plan: the quarter-hours to charge in, what they cost and what charging at once would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// In time order; quarters without energy are left out.
    pub quarters: Vec<PlannedQuarter>,
    /// The expected cost, by the model's cost function.
    pub cost: Cost,
    /// The cost of charging as fast as the limits allow from `now`, by the same function.
    pub at_once: Cost,
}

impl Plan {
    /// The plan as the energy slices the cost function prices and a finished charge records.
    pub fn slices(&self) -> Vec<EnergySlice> {
        self.quarters.iter().map(|q| EnergySlice { start: q.start, energy_mwh: q.energy_mwh }).collect()
    }

    /// The energy of the plan (mWh).
    pub fn energy_mwh(&self) -> i64 {
        self.quarters.iter().map(|q| q.energy_mwh).sum()
    }
}

/// Why no plan meets the goal, stable for clients to word (`{"reason": "not_enough_time",
/// "max_wh": 12000}`). The English text is the `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum PlanError {
    #[error("The departure is not after now.")]
    DepartureInPast,
    #[error("The departure is more than {max_hours} hours ahead.")]
    HorizonTooLong { max_hours: u32 },
    #[error("Dates must be from {min} to {max}.")]
    DateOutOfRange { min: i32, max: i32 },
    /// The tariff follows a market, and a quarter the car could charge in has no price, not
    /// even an estimate.
    #[error("No market price for the quarter-hour starting at {at} (Unix seconds).")]
    NoPrices { at: i64 },
    /// The limits and timers allow at most `max_wh` before the departure.
    #[error("Only {max_wh} Wh can be charged before the departure within the charger's limits and timers.")]
    NotEnoughTime { max_wh: u32 },
}

/// The most energy a plan may ask for (Wh): 200 kWh, more than any car's battery.
pub const MAX_PLAN_WH: u32 = 200_000;

/// How far ahead a plan's departure may be, in days.
pub const MAX_DEPARTURE_DAYS: u32 = 7;

/// A departure that repeats: a local time on chosen weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Repeat {
    /// Monday first; at least one.
    pub days: [bool; 7],
    /// Minutes after local midnight (Europe/Madrid), 0–1439.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1439))]
    pub minute: u16,
}

/// What a user asks of a charger: "ready by" a departure, with so much energy. Either one
/// `departure`, or a `repeat`ing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanGoal {
    /// Unix seconds: after now, within [`MAX_DEPARTURE_DAYS`]. Absent for a repeating plan.
    #[serde(default)]
    pub departure: Option<i64>,
    /// A departure every chosen weekday at a local time, instead of `departure`.
    #[serde(default)]
    pub repeat: Option<Repeat>,
    /// Energy to charge by the departure (Wh), 1 to [`MAX_PLAN_WH`].
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 200_000))]
    pub energy_wh: u32,
}

impl PlanGoal {
    /// Checks the goal at `now` (Unix seconds). Fields: `departure` (missing, or outside
    /// [now, now + 7 days]), `repeat.days`, `repeat.minute`, `energy_wh`.
    pub fn validate(&self, now: i64) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        match (self.departure, self.repeat) {
            (None, None) => errors.add("departure", Problem::Required),
            (Some(_), Some(_)) => errors.add("repeat", Problem::DepartureOrRepeat),
            (Some(departure), None) => {
                let latest = now.saturating_add(i64::from(MAX_DEPARTURE_DAYS) * 86_400);
                if departure <= now || departure > latest {
                    errors.add("departure", Problem::DepartureWindow { max_days: MAX_DEPARTURE_DAYS });
                }
            }
            (None, Some(repeat)) => {
                if !repeat.days.contains(&true) {
                    errors.add("repeat.days", Problem::NoDay);
                }
                if repeat.minute >= 1440 {
                    errors.add("repeat.minute", Problem::OutOfRange { min: 0.0, max: 1439.0 });
                }
            }
        }
        if self.energy_wh == 0 || self.energy_wh > MAX_PLAN_WH {
            errors.add("energy_wh", Problem::OutOfRange { min: 1.0, max: f64::from(MAX_PLAN_WH) });
        }
        errors.into_result()
    }

    /// The departure planned for after `now`: the one given, or the repeat's next one (local
    /// time, the first instant of a repeated hour; `None` for a goal [`PlanGoal::validate`]
    /// refuses).
    pub fn next_departure(&self, now: i64) -> Option<i64> {
        match (self.departure, self.repeat) {
            (Some(departure), None) => Some(departure),
            (None, Some(repeat)) if repeat.minute < 1440 => {
                let today = madrid::local(DateTime::from_timestamp(now, 0)?).date();
                let time =
                    chrono::NaiveTime::from_num_seconds_from_midnight_opt(u32::from(repeat.minute) * 60, 0)?;
                (0..=7)
                    .filter_map(|days| today.checked_add_signed(Duration::days(days)))
                    .filter(|date| repeat.days[madrid::weekday_index(chrono::Datelike::weekday(date))])
                    .map(|date| madrid::instant(date.and_time(time)).timestamp())
                    .find(|&departure| departure > now)
            }
            _ => None,
        }
    }
}

/// A charger's plan as it stands: its goal, the departure it is for, the energy already
/// charged toward it, and the plan for the rest or why the rest cannot be met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargingPlan {
    pub goal: PlanGoal,
    /// Unix seconds: the departure planned for (a repeating plan's next one).
    pub departure: i64,
    /// Energy charged toward the goal since the plan started (Wh).
    pub delivered_wh: u32,
    /// The cheapest plan for the rest; absent when it cannot be met.
    pub plan: Option<Plan>,
    /// Why it cannot be met.
    pub unmet: Option<PlanError>,
}

/// A quarter-hour the car may charge in.
struct Slot {
    start: i64,
    capacity_mwh: i64,
    price: Price,
    estimated: bool,
}

/// The cheapest plan for `goal` under `tariff`, within `limits` (from [`quarter_limits`], or
/// any list sorted by start; a quarter without one is not charged in). `market` is the tariff's market prices, published
/// or estimated, sorted by start and covering the quarters the car could charge in; the other
/// tariffs need none. See the module documentation for why it is the cheapest.
///
/// In a quarter, the car can take `max_w` × its seconds inside `[now, departure)` / 3.6 mWh,
/// rounded down.
pub fn plan(
    goal: &Goal,
    tariff: &Tariff,
    market: &[PricePoint],
    limits: &[QuarterLimit],
) -> Result<Plan, PlanError> {
    for instant in [goal.now, goal.departure] {
        madrid::check_instant(instant)
            .map_err(|_| PlanError::DateOutOfRange { min: madrid::YEARS.0, max: madrid::YEARS.1 })?;
    }
    if goal.departure <= goal.now {
        return Err(PlanError::DepartureInPast);
    }
    if goal.departure - goal.now > i64::from(MAX_HORIZON_HOURS) * 3600 {
        return Err(PlanError::HorizonTooLong { max_hours: MAX_HORIZON_HOURS });
    }
    let need = i64::from(goal.energy_wh) * 1000;
    let quote = |at: i64| quote_at(market, at);
    let price = |slices: &[EnergySlice]| {
        // Only reached when every slice's market price was found while planning.
        tariff::cost(tariff, slices, |at| {
            quote(at.timestamp()).unwrap_or(Quote { price: Price::default(), estimated: true })
        })
    };
    if need == 0 {
        return Ok(Plan { quarters: Vec::new(), cost: price(&[]), at_once: price(&[]) });
    }

    let slots = slots(goal, tariff, &quote, limits)?;
    let capacity: i64 = slots.iter().map(|slot| slot.capacity_mwh).sum();
    if capacity < need {
        return Err(PlanError::NotEnoughTime { max_wh: u32::try_from(capacity / 1000).unwrap_or(u32::MAX) });
    }

    let mut by_price: Vec<usize> = (0..slots.len()).collect();
    // Stable: equal prices keep time order.
    by_price.sort_by_key(|&index| slots[index].price);
    // Capacity covers the need, so both give out all of it.
    let cheapest = fill(&slots, by_price, need);
    let at_once = fill(&slots, 0..slots.len(), need);
    let quarters: Vec<PlannedQuarter> = slots
        .iter()
        .zip(&cheapest)
        .filter(|&(_, &energy_mwh)| energy_mwh > 0)
        .map(|(slot, &energy_mwh)| PlannedQuarter {
            start: slot.start,
            energy_mwh,
            price: slot.price,
            estimated: slot.estimated,
        })
        .collect();
    let slices_of = |energies: &[i64]| -> Vec<EnergySlice> {
        slots
            .iter()
            .zip(energies)
            .filter(|&(_, &energy_mwh)| energy_mwh > 0)
            .map(|(slot, &energy_mwh)| EnergySlice { start: slot.start, energy_mwh })
            .collect()
    };
    Ok(Plan { cost: price(&slices_of(&cheapest)), at_once: price(&slices_of(&at_once)), quarters })
}

/// The quarters of `[now, departure)` the car can charge in, in time order, with their price.
fn slots(
    goal: &Goal,
    tariff: &Tariff,
    quote: &impl Fn(i64) -> Option<Quote>,
    limits: &[QuarterLimit],
) -> Result<Vec<Slot>, PlanError> {
    let first = goal.now - goal.now.rem_euclid(QUARTER_SECS);
    let follows_market = tariff.market().is_some();
    let mut slots =
        Vec::with_capacity(usize::try_from((goal.departure - first) / QUARTER_SECS + 1).unwrap_or(0));
    let mut start = first;
    while start < goal.departure {
        let seconds = (start + QUARTER_SECS).min(goal.departure) - start.max(goal.now);
        let max_w = limits.binary_search_by_key(&start, |limit| limit.start).map_or(0, |i| limits[i].max_w);
        // W × s = 1000/3600 mWh.
        let capacity_mwh = i64::from(max_w) * seconds * 5 / 18;
        if capacity_mwh > 0 {
            let quote = if follows_market {
                Some(quote(start).ok_or(PlanError::NoPrices { at: start })?)
            } else {
                None
            };
            let at = DateTime::from_timestamp(start, 0)
                .ok_or(PlanError::DateOutOfRange { min: madrid::YEARS.0, max: madrid::YEARS.1 })?;
            slots.push(Slot {
                start,
                capacity_mwh,
                price: tariff.price_at(at, quote.map(|q| q.price)),
                estimated: quote.is_some_and(|q| q.estimated),
            });
        }
        start += QUARTER_SECS;
    }
    Ok(slots)
}

/// Fills the slots to capacity in the given order until the need is met; the energy of each,
/// in the slots' order.
fn fill(slots: &[Slot], order: impl IntoIterator<Item = usize>, need: i64) -> Vec<i64> {
    let mut energies = vec![0; slots.len()];
    let mut left = need;
    for index in order {
        if left == 0 {
            break;
        }
        let take = slots[index].capacity_mwh.min(left);
        energies[index] = take;
        left -= take;
    }
    energies
}

/// Charging at once from `from`: `energy_mwh` in the quarters from the one `from` is in, each
/// as full as its limit allows in the seconds from `from` on, in time order. A charge made
/// under a plan is compared with this (same energy and tariff, priced by [`tariff::price`]).
/// Less energy when the limits run out before it is all in.
pub fn at_once(from: i64, energy_mwh: i64, limits: &[QuarterLimit]) -> Vec<EnergySlice> {
    let mut left = energy_mwh.max(0);
    let mut slices = Vec::new();
    for limit in limits.iter().filter(|limit| limit.start + QUARTER_SECS > from) {
        if left == 0 {
            break;
        }
        let seconds = limit.start + QUARTER_SECS - limit.start.max(from);
        let take = (i64::from(limit.max_w) * seconds * 5 / 18).min(left);
        if take > 0 {
            slices.push(EnergySlice { start: limit.start, energy_mwh: take });
            left -= take;
        }
    }
    slices
}

/// The market price covering an instant, if `market` has one.
fn quote_at(market: &[PricePoint], at: i64) -> Option<Quote> {
    let after = market.partition_point(|point| point.start <= at);
    let point = market.get(after.checked_sub(1)?)?;
    (at < point.start + i64::from(point.minutes) * 60)
        .then_some(Quote { price: point.price, estimated: point.estimated })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::day_ranges::Span;
    use crate::dynamic_power::{ProfileSlot, PvMode};
    use crate::timers::Timer;

    fn unix(text: &str) -> i64 {
        text.parse::<DateTime<Utc>>().unwrap().timestamp()
    }

    /// The same power in every quarter from the one `from` is in up to `to`.
    fn steady(from: &str, to: &str, max_w: u32) -> Vec<QuarterLimit> {
        let first = unix(from) - unix(from).rem_euclid(QUARTER_SECS);
        (first..unix(to)).step_by(900).map(|start| QuarterLimit { start, max_w }).collect()
    }

    /// Quarter-hour market prices from `from`, µ€/kWh.
    fn quarters(from: &str, prices: &[i64], estimated: bool) -> Vec<PricePoint> {
        (0..)
            .zip(prices)
            .map(|(i, &price)| PricePoint {
                start: unix(from) + i * 900,
                minutes: 15,
                price: Price(price),
                estimated,
            })
            .collect()
    }

    fn goal(now: &str, departure: &str, energy_wh: u32) -> Goal {
        Goal { now: unix(now), departure: unix(departure), energy_wh }
    }

    fn energies(plan: &Plan) -> Vec<(i64, i64)> {
        plan.quarters.iter().map(|q| (q.start, q.energy_mwh)).collect()
    }

    const SPOT: Tariff = Tariff::OmieSpot;

    #[test]
    fn the_cheapest_quarters_are_filled_first_and_priced_by_the_cost_function() {
        // 4000 W is 1000 Wh a quarter. 0.20, 0.05, 0.10, 0.05 €/kWh; 1500 Wh are needed.
        let market = quarters("2025-11-26T00:00:00Z", &[200_000, 50_000, 100_000, 50_000], false);
        let limits = steady("2025-11-26T00:00:00Z", "2025-11-26T01:00:00Z", 4000);
        let plan = plan(&goal("2025-11-26T00:00:00Z", "2025-11-26T01:00:00Z", 1500), &SPOT, &market, &limits)
            .unwrap();
        let q = |n: i64| unix("2025-11-26T00:00:00Z") + n * 900;
        assert_eq!(energies(&plan), [(q(1), 1_000_000), (q(3), 500_000)], "ties: the earlier one full");
        // 1.5 kWh × 0.05 € = 0.075 €: 7.5 cents round up.
        assert_eq!(plan.cost, Cost { cents: 8, estimated: false });
        // At once: 1 kWh × 0.20 + 0.5 kWh × 0.05 = 0.225 €.
        assert_eq!(plan.at_once, Cost { cents: 23, estimated: false });
        assert_eq!(
            tariff::cost(&SPOT, &plan.slices(), |at| quote_at(&market, at.timestamp()).unwrap()),
            plan.cost
        );
        assert_eq!(plan.energy_mwh(), 1_500_000);
        assert_eq!(plan.quarters[0].price, Price(50_000));
    }

    #[test]
    fn equal_prices_go_to_the_earliest_quarters() {
        let flat = Tariff::Flat { price: Price(150_000) };
        let limits = steady("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 4000);
        let plan =
            plan(&goal("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 2500), &flat, &[], &limits).unwrap();
        let q = |n: i64| unix("2025-11-26T00:00:00Z") + n * 900;
        assert_eq!(energies(&plan), [(q(0), 1_000_000), (q(1), 1_000_000), (q(2), 500_000)]);
        assert_eq!(plan.cost, plan.at_once);
        assert_eq!(plan.cost.cents, 38, "2.5 kWh × 0.15 € = 0.375 €");
    }

    #[test]
    fn the_first_quarter_counts_from_now_and_the_last_up_to_the_departure() {
        // 3600 W: 1 Wh a second. 10 minutes left of the first quarter, 10 of the last.
        let market = quarters("2025-11-26T00:00:00Z", &[10_000, 90_000, 20_000], false);
        let limits = steady("2025-11-26T00:00:00Z", "2025-11-26T00:45:00Z", 3600);
        let goal = goal("2025-11-26T00:05:00Z", "2025-11-26T00:40:00Z", 2100);
        let plan = plan(&goal, &SPOT, &market, &limits).unwrap();
        let q = |n: i64| unix("2025-11-26T00:00:00Z") + n * 900;
        assert_eq!(energies(&plan), [(q(0), 600_000), (q(1), 900_000), (q(2), 600_000)]);
        let short = Goal { energy_wh: 2101, ..goal };
        assert_eq!(
            super::plan(&short, &SPOT, &market, &limits),
            Err(PlanError::NotEnoughTime { max_wh: 2100 })
        );
    }

    #[test]
    fn a_departure_inside_the_current_quarter_leaves_its_few_minutes() {
        // 10:07 to 10:12 at 7200 W: 600 Wh.
        let market = quarters("2025-11-26T10:00:00Z", &[120_000], true);
        let limits = steady("2025-11-26T10:00:00Z", "2025-11-26T10:15:00Z", 7200);
        let exact = goal("2025-11-26T10:07:00Z", "2025-11-26T10:12:00Z", 600);
        let plan = plan(&exact, &SPOT, &market, &limits).unwrap();
        assert_eq!(energies(&plan), [(unix("2025-11-26T10:00:00Z"), 600_000)]);
        assert_eq!(plan.cost, Cost { cents: 7, estimated: true }, "0.6 kWh × 0.12 € = 0.072 €, estimated");
        assert_eq!(plan.at_once, plan.cost);
        assert!(plan.quarters[0].estimated);
        let more = Goal { energy_wh: 601, ..exact };
        assert_eq!(
            super::plan(&more, &SPOT, &market, &limits),
            Err(PlanError::NotEnoughTime { max_wh: 600 })
        );
    }

    #[test]
    fn charging_at_once_fills_the_quarters_from_plug_in() {
        // Plugged in at 22:05 UTC at 7400 W: 10 minutes of the first quarter, then full ones.
        let limits = steady("2025-11-26T22:00:00Z", "2025-11-27T02:00:00Z", 7400);
        let slices = at_once(unix("2025-11-26T22:05:00Z"), 5_000_000, &limits);
        let energies: Vec<(i64, i64)> = slices.iter().map(|s| (s.start, s.energy_mwh)).collect();
        let q = |n: i64| unix("2025-11-26T22:00:00Z") + n * 900;
        // 7400 W × 600 s = 1 233 333 mWh; then 1 850 000 a quarter.
        assert_eq!(energies, [(q(0), 1_233_333), (q(1), 1_850_000), (q(2), 1_850_000), (q(3), 66_667)]);
        assert_eq!(at_once(q(0), 0, &limits), []);
        let short = at_once(q(0), 100_000_000, &limits[..2]);
        assert_eq!(short.iter().map(|s| s.energy_mwh).sum::<i64>(), 3_700_000, "only what the limits allow");

        // Under a night tariff, a charge a plan put in the night is compared with the evening.
        let night = Tariff::TimeRanges {
            ranges: vec![
                crate::tariff::PricedSpan { span: Span { start: 0, end: 480 }, price: Price(80_000) },
                crate::tariff::PricedSpan { span: Span { start: 480, end: 1440 }, price: Price(200_000) },
            ],
        };
        let no_market = |_| Quote { price: Price::default(), estimated: false };
        let planned = [EnergySlice { start: unix("2025-11-27T00:00:00Z"), energy_mwh: 5_000_000 }];
        let actual = tariff::price(&night, &planned, no_market).cost;
        let counterfactual = tariff::price(&night, &slices, no_market).cost;
        // 5 kWh at 0.08 € against 5 kWh at 0.20 € from 23:05 local.
        assert_eq!((actual.cents, counterfactual.cents), (40, 100));
    }

    #[test]
    fn no_energy_needs_no_quarter_and_no_price() {
        let plan = plan(&goal("2025-11-26T10:07:00Z", "2025-11-26T12:00:00Z", 0), &SPOT, &[], &[]).unwrap();
        assert_eq!(plan, Plan { quarters: vec![], cost: Cost::default(), at_once: Cost::default() });
    }

    #[test]
    fn a_capacity_exactly_the_need_fills_every_quarter() {
        let market = quarters("2025-11-26T00:00:00Z", &[30_000, 10_000, 20_000, 40_000], false);
        let limits = steady("2025-11-26T00:00:00Z", "2025-11-26T01:00:00Z", 7400);
        // 7400 W × 900 s / 3.6 = 1 850 000 mWh a quarter.
        let full = goal("2025-11-26T00:00:00Z", "2025-11-26T01:00:00Z", 7400);
        let plan = plan(&full, &SPOT, &market, &limits).unwrap();
        assert_eq!(plan.quarters.len(), 4);
        assert!(plan.quarters.iter().all(|q| q.energy_mwh == 1_850_000));
        assert_eq!(plan.cost, plan.at_once, "no choice left");
        // 1.85 kWh × (0.03 + 0.01 + 0.02 + 0.04) € = 0.185 €.
        assert_eq!(plan.cost.cents, 19);
        let over = Goal { energy_wh: 7401, ..full };
        assert_eq!(
            super::plan(&over, &SPOT, &market, &limits),
            Err(PlanError::NotEnoughTime { max_wh: 7400 })
        );
    }

    #[test]
    fn negative_prices_still_take_only_the_need() {
        let market = quarters("2026-03-29T12:00:00Z", &[-10_000, 5_000, -20_000], false);
        let limits = steady("2026-03-29T12:00:00Z", "2026-03-29T12:45:00Z", 4000);
        let plan = plan(&goal("2026-03-29T12:00:00Z", "2026-03-29T12:45:00Z", 1200), &SPOT, &market, &limits)
            .unwrap();
        let q = |n: i64| unix("2026-03-29T12:00:00Z") + n * 900;
        assert_eq!(energies(&plan), [(q(0), 200_000), (q(2), 1_000_000)]);
        // −(1 kWh × 0.02 + 0.2 kWh × 0.01) = −0.022 €.
        assert_eq!(plan.cost.cents, -2);
        assert_eq!(plan.energy_mwh(), 1_200_000);
    }

    #[test]
    fn goals_that_cannot_be_met_say_why() {
        let limits = steady("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 7400);
        let market = quarters("2025-11-26T00:00:00Z", &[50_000; 4], false);
        let at = |now, departure, wh| plan(&goal(now, departure, wh), &SPOT, &market, &limits);
        assert_eq!(at("2025-11-26T01:00:00Z", "2025-11-26T00:30:00Z", 1000), Err(PlanError::DepartureInPast));
        assert_eq!(at("2025-11-26T01:00:00Z", "2025-11-26T01:00:00Z", 0), Err(PlanError::DepartureInPast));
        assert_eq!(
            at("2025-11-26T00:00:00Z", "2025-12-26T00:00:00Z", 1000),
            Err(PlanError::HorizonTooLong { max_hours: 192 })
        );
        assert_eq!(
            at("1999-12-01T00:00:00Z", "1999-12-01T02:00:00Z", 1000),
            Err(PlanError::DateOutOfRange { min: 2000, max: 2100 })
        );
        let unix_extremes = Goal { now: i64::MIN, departure: i64::MAX, energy_wh: 1 };
        assert!(plan(&unix_extremes, &SPOT, &market, &limits).is_err());
        // Prices for the first hour only; the car may charge in the second.
        assert_eq!(
            at("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 10_000),
            Err(PlanError::NoPrices { at: unix("2025-11-26T01:00:00Z") })
        );
        // A tariff without a market needs no prices.
        let flat = Tariff::Flat { price: Price(100_000) };
        assert!(
            plan(&goal("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 10_000), &flat, &[], &limits).is_ok()
        );
        // The second hour closed (0 W): its missing prices do not matter, its energy does.
        let mut closed = limits.clone();
        closed[4..].iter_mut().for_each(|limit| limit.max_w = 0);
        let short =
            plan(&goal("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 10_000), &SPOT, &market, &closed);
        assert_eq!(short, Err(PlanError::NotEnoughTime { max_wh: 7400 }));
        assert_eq!(
            plan(&goal("2025-11-26T00:00:00Z", "2025-11-26T02:00:00Z", 1), &SPOT, &market, &[]),
            Err(PlanError::NotEnoughTime { max_wh: 0 }),
            "no limits, no charging"
        );
    }

    #[test]
    fn reasons_go_on_the_wire_as_codes_with_parameters() {
        let json = |error: PlanError| serde_json::to_value(error).unwrap();
        assert_eq!(
            json(PlanError::NotEnoughTime { max_wh: 12_000 }),
            serde_json::json!({ "reason": "not_enough_time", "max_wh": 12_000 })
        );
        assert_eq!(json(PlanError::DepartureInPast), serde_json::json!({ "reason": "departure_in_past" }));
        let back: PlanError = serde_json::from_value(json(PlanError::NoPrices { at: 5 })).unwrap();
        assert_eq!(back, PlanError::NoPrices { at: 5 });
    }

    #[test]
    fn goals_are_checked_field_by_field() {
        let now = unix("2025-11-26T10:00:00Z");
        let once =
            |departure: i64, energy_wh| PlanGoal { departure: Some(departure), repeat: None, energy_wh };
        assert!(once(now + 3600, 20_000).validate(now).is_ok());
        let fields = |goal: PlanGoal| goal.validate(now).unwrap_err().0.into_keys().collect::<Vec<_>>();
        assert_eq!(fields(once(now, 20_000)), ["departure"]);
        assert_eq!(fields(once(now + 7 * 86_400 + 1, 0)), ["departure", "energy_wh"]);
        assert_eq!(fields(once(now + 60, 200_001)), ["energy_wh"]);
        assert!(once(now + 7 * 86_400, 200_000).validate(now).is_ok());
        assert_eq!(fields(PlanGoal { departure: None, repeat: None, energy_wh: 1 }), ["departure"]);
        let repeat = Repeat { days: [false; 7], minute: 1440 };
        assert_eq!(
            fields(PlanGoal { departure: None, repeat: Some(repeat), energy_wh: 1 }),
            ["repeat.days", "repeat.minute"]
        );
        let both = PlanGoal {
            departure: Some(now + 3600),
            repeat: Some(Repeat { days: [true; 7], minute: 450 }),
            energy_wh: 1,
        };
        assert_eq!(both.validate(now).unwrap_err().get("repeat"), Some(&Problem::DepartureOrRepeat));
    }

    #[test]
    fn a_repeating_departure_is_the_next_chosen_weekday_in_local_time() {
        // Wednesday 2025-11-26 10:00 UTC = 11:00 local; weekdays at 07:30 local.
        let now = unix("2025-11-26T10:00:00Z");
        let mut days = [true; 7];
        days[5] = false;
        days[6] = false;
        let goal = PlanGoal { departure: None, repeat: Some(Repeat { days, minute: 450 }), energy_wh: 1 };
        assert_eq!(goal.next_departure(now), Some(unix("2025-11-27T06:30:00Z")), "Thursday");
        let friday = unix("2025-11-28T07:00:00Z");
        assert_eq!(goal.next_departure(friday), Some(unix("2025-12-01T06:30:00Z")), "then Monday");
        // Summer time: 07:30 local is 05:30 UTC.
        assert_eq!(goal.next_departure(unix("2026-06-01T12:00:00Z")), Some(unix("2026-06-02T05:30:00Z")));
    }

    fn settings(max_current_a: u8) -> ChargerSettings {
        ChargerSettings { max_current_a, ..ChargerSettings::default() }
    }

    fn limits_of(charger: &ChargerLimits<'_>, from: &str, to: &str) -> Vec<u32> {
        quarter_limits(charger, unix(from), unix(to)).iter().map(|limit| limit.max_w).collect()
    }

    #[test]
    fn power_is_whole_amperes_times_volts_and_phases() {
        let (timers, power, settings) = (Timers::default(), DynamicPower::default(), settings(16));
        let mut charger = ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &power,
            contracted_kw: None,
            volts: 230.0,
            phases: 1,
            house_w: 0.0,
        };
        let limits = quarter_limits(&charger, unix("2025-11-26T10:07:00Z"), unix("2025-11-26T10:31:00Z"));
        assert_eq!(
            limits.iter().map(|l| l.start).collect::<Vec<_>>(),
            [unix("2025-11-26T10:00:00Z"), unix("2025-11-26T10:15:00Z"), unix("2025-11-26T10:30:00Z")]
        );
        assert!(limits.iter().all(|l| l.max_w == 3680));
        charger.phases = 3;
        charger.volts = 229.5;
        assert_eq!(limits_of(&charger, "2025-11-26T10:00:00Z", "2025-11-26T10:15:00Z"), [11_016]);
        charger.volts = f64::NAN;
        assert_eq!(limits_of(&charger, "2025-11-26T10:00:00Z", "2025-11-26T10:15:00Z"), [0]);
        assert!(quarter_limits(&charger, 0, -900).is_empty());
        assert_eq!(quarter_limits(&charger, 0, i64::MAX).len(), 192 * 4, "at most the longest horizon");
        assert!(quarter_limits(&charger, i64::MIN, i64::MIN + 2000).iter().all(|limit| limit.max_w == 0));
    }

    #[test]
    fn timers_close_a_quarter_with_any_minute_they_forbid() {
        // Monday 2025-11-24, winter time (UTC+1): a timer 23:10–07:00 every day.
        let timers = Timers {
            timers: vec![Timer {
                enabled: true,
                days: [true; 7],
                span: Span { start: 23 * 60 + 10, end: 7 * 60 },
            }],
        };
        let (power, settings) = (DynamicPower::default(), settings(32));
        let charger = ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &power,
            contracted_kw: None,
            volts: 230.0,
            phases: 1,
            house_w: 0.0,
        };
        // 22:45, 23:00 (opens at 23:10), 23:15 local.
        assert_eq!(limits_of(&charger, "2025-11-24T21:45:00Z", "2025-11-24T22:30:00Z"), [0, 0, 7360]);
        // 06:45 and 07:00 local.
        assert_eq!(limits_of(&charger, "2025-11-25T05:45:00Z", "2025-11-25T06:15:00Z"), [7360, 0]);
    }

    #[test]
    fn timers_read_local_time_on_both_summer_time_days() {
        let timers = Timers {
            timers: vec![Timer { enabled: true, days: [true; 7], span: Span { start: 2 * 60, end: 3 * 60 } }],
        };
        let (power, settings) = (DynamicPower::default(), settings(16));
        let charger = ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &power,
            contracted_kw: None,
            volts: 230.0,
            phases: 1,
            house_w: 0.0,
        };
        // 2025-10-26: 02:00–03:00 happens twice, 00:00–02:00 UTC.
        let open = |from, to| limits_of(&charger, from, to).iter().filter(|&&w| w > 0).count();
        assert_eq!(open("2025-10-25T22:00:00Z", "2025-10-26T23:00:00Z"), 8);
        // 2026-03-29: 02:00–03:00 does not happen.
        assert_eq!(open("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"), 0);
        assert_eq!(open("2026-03-29T22:00:00Z", "2026-03-30T22:00:00Z"), 4, "the next day");
    }

    #[test]
    fn dynamic_power_leaves_room_for_the_house_as_the_charger_does() {
        let slot = |start: u16, end: u16, max_kw| ProfileSlot {
            span: Span { start: start * 60, end: end * 60 },
            max_kw,
        };
        let mut power = DynamicPower {
            enabled: true,
            contracted_kw: 5.75,
            weekdays: vec![slot(0, 8, 5.75), slot(8, 24, 3.45)],
            ..DynamicPower::default()
        };
        let (timers, settings) = (Timers::default(), settings(32));
        let limits = |power: &DynamicPower, from, to| {
            let charger = ChargerLimits {
                settings: &settings,
                timers: &timers,
                dynamic_power: power,
                contracted_kw: None,
                volts: 230.0,
                phases: 1,
                house_w: 1150.0,
            };
            limits_of(&charger, from, to)
        };
        // Monday 07:45 and 08:00 local: 5750 − 1150 = 4600 W (20 A); 3450 − 1150 = 2300 W (10 A).
        assert_eq!(limits(&power, "2025-11-24T06:45:00Z", "2025-11-24T07:15:00Z"), [4600, 2300]);
        power.pv_mode = PvMode::PvPlusMinimum;
        assert_eq!(
            limits(&power, "2025-11-24T06:45:00Z", "2025-11-24T07:00:00Z"),
            [1380],
            "6 A from the grid"
        );
        power.pv_mode = PvMode::PvOnly;
        assert_eq!(
            limits(&power, "2025-11-24T06:45:00Z", "2025-11-24T07:00:00Z"),
            [0],
            "no sun is counted on"
        );
        power.enabled = false;
        assert_eq!(
            limits(&power, "2025-11-24T06:45:00Z", "2025-11-24T07:00:00Z"),
            [7360],
            "off: the charger's own"
        );
    }

    #[test]
    fn the_contracted_power_caps_the_charger_and_below_the_minimum_it_waits() {
        let (timers, power, settings) = (Timers::default(), DynamicPower::default(), settings(32));
        let mut charger = ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &power,
            contracted_kw: Some(3.45),
            volts: 230.0,
            phases: 1,
            house_w: 0.0,
        };
        assert_eq!(limits_of(&charger, "2025-11-26T10:00:00Z", "2025-11-26T10:15:00Z"), [3450]);
        charger.contracted_kw = Some(1.2);
        assert_eq!(
            limits_of(&charger, "2025-11-26T10:00:00Z", "2025-11-26T10:15:00Z"),
            [0],
            "5 A is under 6 A"
        );
    }

    #[test]
    fn limits_and_plan_work_together_across_a_timer() {
        // 22:00–08:00 local, Monday night; the day is dearer in this tariff but the timer
        // forbids it anyway.
        let timers = Timers {
            timers: vec![Timer {
                enabled: true,
                days: [true; 7],
                span: Span { start: 22 * 60, end: 8 * 60 },
            }],
        };
        let (power, settings) = (DynamicPower::default(), settings(16));
        let charger = ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &power,
            contracted_kw: None,
            volts: 230.0,
            phases: 1,
            house_w: 0.0,
        };
        let goal = goal("2025-11-24T17:00:00Z", "2025-11-25T07:00:00Z", 20_000);
        let limits = quarter_limits(&charger, goal.now, goal.departure);
        let tariff = Tariff::Flat { price: Price(100_000) };
        let plan = plan(&goal, &tariff, &[], &limits).unwrap();
        assert_eq!(plan.quarters[0].start, unix("2025-11-24T21:00:00Z"), "22:00 local");
        assert_eq!(plan.energy_mwh(), 20_000_000);
        assert_eq!(plan.cost.cents, 200);
        let far = Goal { energy_wh: 40_000, ..goal };
        // 22:00 to the 08:00 (local) departure: 10 hours × 3680 W.
        assert_eq!(
            super::plan(&far, &tariff, &[], &limits),
            Err(PlanError::NotEnoughTime { max_wh: 36_800 })
        );
    }
}
