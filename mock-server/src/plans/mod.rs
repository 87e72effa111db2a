//! Charging plans: each charger's "ready by" goal (its one owning module of
//! `charging_plans`), the plan computed for it with [`charge_model::plan`], and the task that
//! makes the charger follow it through its link ([`follow`], started by [`start`]).
//!
//! The charger follows its plan with the link's own commands, so simulated and OCPP chargers
//! alike: outside the chosen quarter-hours it is paused; inside them it is resumed with the
//! current the quarter's energy needs (unless dynamic power control sets the current). A plan
//! that cannot be met charges at once, to come as close as it can. Each minute the plan is
//! computed again, so that new market prices and changed settings count, and the energy the
//! car has taken so far is subtracted. A plan ends at its departure or once its energy is
//! delivered: the charger is resumed, and a repeating plan starts again for its next
//! departure. A user who resumes or pauses by hand is overruled at the next minute while a
//! plan is active; deleting the plan gives control back.

pub mod api;

use std::time::Duration as StdDuration;

use charge_model::charger::{ChargeState, ChargerId, ChargerStatus};
use charge_model::plan::{self, ChargerLimits, ChargingPlan, Goal, PlanGoal, QUARTER_SECS};
use charge_model::prices::PricePoint;
use charge_model::tariff::Tariff;
use chrono::DateTime;
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::chargers::store::{self as chargers, JsonColumn};
use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;
use crate::link::{Command, Links};
use crate::notify::Notifier;
use crate::tariffs::store::PriceBook;

/// A plan as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub goal: PlanGoal,
    /// Unix seconds: the departure planned for now.
    pub departure: i64,
    /// Energy charged toward the goal (Wh).
    pub delivered_wh: f64,
    /// The charge's energy when last counted (Wh), to count what came since.
    pub last_session_wh: f64,
}

impl Stored {
    /// A new plan for `goal` at `now`, counting from the charge's energy `session_wh`; `None`
    /// when the goal has no departure after `now`.
    pub fn new(goal: PlanGoal, now: i64, session_wh: f64) -> Option<Stored> {
        let departure = goal.next_departure(now)?;
        Some(Stored { goal, departure, delivered_wh: 0.0, last_session_wh: session_wh })
    }

    /// Counts the energy the charge took since last counted: its energy went up, or a new
    /// charge started (its energy went back down).
    fn count(&mut self, session_wh: f64) {
        if !session_wh.is_finite() {
            return;
        }
        let since =
            if session_wh >= self.last_session_wh { session_wh - self.last_session_wh } else { session_wh };
        self.delivered_wh += since.max(0.0);
        self.last_session_wh = session_wh;
    }

    /// The energy still to charge (Wh).
    fn remaining_wh(&self) -> u32 {
        let left = f64::from(self.goal.energy_wh) - self.delivered_wh;
        // Within 0..=MAX_PLAN_WH.
        if left > 0.0 { left.ceil() as u32 } else { 0 }
    }
}

/// The charger's plan, if it has one.
pub fn load(conn: &Connection, id: &ChargerId) -> ApiResult<Option<Stored>> {
    let row = conn
        .query_row(
            "SELECT goal, departure, delivered_wh, last_session_wh FROM charging_plans WHERE charger_id = ?1",
            [id.as_str()],
            |row| Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((goal, departure, delivered_wh, last_session_wh)) = row else { return Ok(None) };
    let goal: PlanGoal = serde_json::from_str(&goal).map_err(anyhow::Error::from)?;
    Ok(Some(Stored { goal, departure, delivered_wh, last_session_wh }))
}

/// Stores (replaces) the charger's plan.
pub fn save(conn: &Connection, id: &ChargerId, stored: &Stored, now: i64) -> ApiResult<()> {
    let goal = serde_json::to_string(&stored.goal).map_err(anyhow::Error::from)?;
    conn.execute(
        "INSERT INTO charging_plans (charger_id, goal, departure, delivered_wh, last_session_wh, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (charger_id) DO UPDATE SET goal = ?2, departure = ?3, delivered_wh = ?4, last_session_wh = ?5",
        params![id.as_str(), goal, stored.departure, stored.delivered_wh, stored.last_session_wh, now],
    )?;
    Ok(())
}

/// Deletes the charger's plan; whether there was one.
pub fn delete(conn: &Connection, id: &ChargerId) -> ApiResult<bool> {
    Ok(conn.execute("DELETE FROM charging_plans WHERE charger_id = ?1", [id.as_str()])? > 0)
}

/// Notes that the charger followed a plan at `now` with a car plugged in (see
/// [`followed_since`]).
fn mark_followed(conn: &Connection, id: &ChargerId, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO plan_followed (charger_id, at) VALUES (?1, ?2)
         ON CONFLICT (charger_id) DO UPDATE SET at = MAX(at, excluded.at)",
        params![id.as_str(), now],
    )?;
    Ok(())
}

/// Whether the charger followed a plan with a car plugged in after `since` (Unix s):
/// a charge that started then and finishes now was charged under a plan, even one that has
/// ended meanwhile.
pub fn followed_since(conn: &Connection, id: &ChargerId, since: i64) -> ApiResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM plan_followed WHERE charger_id = ?1 AND at > ?2)",
        params![id.as_str(), since],
        |row| row.get(0),
    )?)
}

/// Whether any of these chargers has a plan.
pub fn any_plan(conn: &Connection, ids: &[&str]) -> ApiResult<bool> {
    let mut statement =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM charging_plans WHERE charger_id = ?1)")?;
    for id in ids {
        if statement.query_row([id], |row| row.get::<_, bool>(0))? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn planned_chargers(conn: &Connection) -> ApiResult<Vec<ChargerId>> {
    let mut statement = conn.prepare("SELECT charger_id FROM charging_plans ORDER BY charger_id")?;
    let ids = statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(ids.iter().filter_map(|id| ChargerId::parse(id).ok()).collect())
}

/// The session energy counted toward a plan: the charge's, while a car is plugged in.
pub fn session_wh(status: Option<&ChargerStatus>) -> f64 {
    match status {
        Some(status) if status.state != ChargeState::Disconnected => status.session_energy_wh,
        _ => 0.0,
    }
}

/// The plan for what is left of `stored` at `now`, under the charger's tariff (market prices
/// stored or estimated by [`PriceBook`]), its current limits, timers and dynamic power, at
/// the voltage and phases it last reported (230 V, one phase when unknown).
pub fn compute(
    conn: &Connection,
    id: &ChargerId,
    stored: &Stored,
    status: Option<&ChargerStatus>,
    now: i64,
) -> ApiResult<(ChargingPlan, Vec<plan::QuarterLimit>)> {
    let settings = chargers::settings(conn, id)?;
    let timers = chargers::load_json(conn, id, JsonColumn::Timers)?;
    let dynamic_power = chargers::load_json(conn, id, JsonColumn::DynamicPower)?;
    let tariff: Tariff = chargers::load_json(conn, id, JsonColumn::Tariff)?;
    let volts = status.map(|s| s.voltage_v).filter(|v| v.is_finite() && *v > 100.0).unwrap_or(230.0);
    let phases = status.map(|s| s.phases).filter(|p| (1..=3).contains(p)).unwrap_or(1);
    let charger = ChargerLimits {
        settings: &settings,
        timers: &timers,
        dynamic_power: &dynamic_power,
        contracted_kw: None,
        volts,
        phases,
        house_w: 0.0,
    };
    let limits = plan::quarter_limits(&charger, now, stored.departure);
    let market = match (tariff.market(), limits.first(), limits.last()) {
        (Some(market), Some(first), Some(last)) => {
            let from = DateTime::from_timestamp(first.start, 0).unwrap_or_default();
            let to = DateTime::from_timestamp(last.start + QUARTER_SECS, 0).unwrap_or_default();
            let book = PriceBook::load(conn, market, from, to)?;
            limits
                .iter()
                .filter_map(|limit| {
                    let quote = book.quote(DateTime::from_timestamp(limit.start, 0)?);
                    Some(PricePoint {
                        start: limit.start,
                        minutes: 15,
                        price: quote.price,
                        estimated: quote.estimated,
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let goal = Goal { now, departure: stored.departure, energy_wh: stored.remaining_wh() };
    let outcome = plan::plan(&goal, &tariff, &market, &limits);
    let delivered_wh = if stored.delivered_wh > 0.0 { stored.delivered_wh.floor() as u32 } else { 0 };
    let (plan, unmet) = match outcome {
        Ok(plan) => (Some(plan), None),
        Err(reason) => (None, Some(reason)),
    };
    Ok((ChargingPlan { goal: stored.goal, departure: stored.departure, delivered_wh, plan, unmet }, limits))
}

/// What the charger should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Outside the chosen quarter-hours.
    Pause,
    /// Charge, at this current when the link may set it.
    Charge(u8),
    /// The plan is over: charge as the charger's own settings say.
    Release,
}

/// The current (A) that delivers the current quarter's planned energy by its end, within
/// the charger's limits.
fn needed_amps(energy_mwh: i64, seconds: i64, volts_x_phases: f64, min_a: u8, max_a: u8) -> u8 {
    if seconds <= 0 || volts_x_phases <= 0.0 {
        return max_a;
    }
    // mWh × 3.6 / s = W.
    let watts = energy_mwh as f64 * 3.6 / seconds as f64;
    let amps = (watts / volts_x_phases).ceil();
    if amps.is_finite() { amps.clamp(f64::from(min_a), f64::from(max_a)) as u8 } else { max_a }
}

/// Brings one charger in line with its plan at the clock's now: counts the energy taken,
/// ends or renews a plan whose departure passed or whose energy is in, re-plans, and sends
/// the pause or current the plan wants (only what differs from the charger's live state).
pub async fn follow_one(
    db: &Db,
    links: &Links,
    notifier: &Notifier,
    clock: &Clock,
    id: &ChargerId,
) -> ApiResult<()> {
    let now = clock.unix();
    let status = links.status(id);
    let (charger, live) = (id.clone(), status.clone());
    let action = db
        .run(move |conn| {
            let Some(mut stored) = load(conn, &charger)? else { return Ok((None, None)) };
            if live.as_ref().is_some_and(|status| status.state != ChargeState::Disconnected) {
                mark_followed(conn, &charger, now)?;
            }
            stored.count(session_wh(live.as_ref()));
            if now >= stored.departure || stored.remaining_wh() == 0 {
                match Stored::new(stored.goal, now, session_wh(live.as_ref()))
                    .filter(|_| stored.goal.repeat.is_some())
                {
                    Some(next) => save(conn, &charger, &next, now)?,
                    None => {
                        delete(conn, &charger)?;
                    }
                }
                return Ok((Some(Action::Release), None));
            }
            save(conn, &charger, &stored, now)?;
            let settings = chargers::settings(conn, &charger)?;
            let (answer, limits) = compute(conn, &charger, &stored, live.as_ref(), now)?;
            let quarter = now - now.rem_euclid(QUARTER_SECS);
            let checked = Some((stored.departure, answer.unmet));
            let Some(plan) = answer.plan else {
                return Ok((Some(Action::Charge(settings.max_current_a)), checked));
            };
            let action = match plan.quarters.iter().find(|q| q.start == quarter) {
                None => Action::Pause,
                Some(chosen) => {
                    let volts = live.as_ref().map(|s| s.voltage_v).filter(|v| *v > 100.0).unwrap_or(230.0);
                    let phases = live.as_ref().map(|s| s.phases).filter(|p| (1..=3).contains(p)).unwrap_or(1);
                    let max_w = limits.iter().find(|l| l.start == quarter).map_or(0, |l| l.max_w);
                    let top = ((f64::from(max_w) / (volts * f64::from(phases))).floor() as u8)
                        .clamp(settings.min_current_a, settings.max_current_a);
                    let end = (quarter + QUARTER_SECS).min(stored.departure);
                    Action::Charge(needed_amps(
                        chosen.energy_mwh,
                        end - now,
                        volts * f64::from(phases),
                        settings.min_current_a,
                        top,
                    ))
                }
            };
            Ok((Some(action), checked))
        })
        .await?;
    let (action, checked) = action;
    if let Some((departure, unmet)) = checked {
        crate::notify::plan_checked(notifier, id, departure, unmet).await;
    }
    let (Some(action), Some(live)) = (action, status) else { return Ok(()) };
    if !live.online {
        return Ok(());
    }
    let pause = |paused: bool| {
        let charger = id.clone();
        move |conn: &mut Connection| chargers::set_flags(conn, &charger, chargers::Flag::Paused, paused)
    };
    match action {
        Action::Pause if !live.paused => {
            links.apply(db, id, Command::Pause(true), None, pause(true)).await?;
        }
        Action::Charge(amps) => {
            if !live.dynamic_power && live.intensity_a != amps {
                let charger = id.clone();
                let persist = move |conn: &mut Connection| chargers::set_intensity(conn, &charger, amps);
                links.apply(db, id, Command::Current(amps), None, persist).await?;
            }
            if live.paused {
                links.apply(db, id, Command::Pause(false), None, pause(false)).await?;
            }
        }
        Action::Release if live.paused => {
            links.apply(db, id, Command::Pause(false), None, pause(false)).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Brings every charger with a plan in line with it (see [`follow_one`]); what fails is
/// logged and tried again next time.
pub async fn follow(db: &Db, links: &Links, notifier: &Notifier, clock: &Clock) {
    let ids = match db.run(|conn| planned_chargers(conn)).await {
        Ok(ids) => ids,
        Err(error) => {
            tracing::error!(%error, "charging plans: cannot list them");
            return;
        }
    };
    for id in ids {
        if let Err(error) = follow_one(db, links, notifier, clock, &id).await {
            tracing::warn!(%error, charger = %id, "charging plan: the charger could not follow it");
        }
    }
}

/// Follows the plans every `every` (a simulated minute) until `stopping`.
pub fn start(
    db: Db,
    links: std::sync::Arc<Links>,
    notifier: std::sync::Arc<Notifier>,
    clock: Clock,
    every: StdDuration,
    stopping: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::every(every, stopping, move || {
        let (db, links, notifier, clock) = (db.clone(), links.clone(), notifier.clone(), clock.clone());
        async move { follow(&db, &links, &notifier, &clock).await }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_needed_current_delivers_the_quarter_by_its_end() {
        // 920 Wh in 900 s is 3680 W: 16 A at 230 V.
        assert_eq!(needed_amps(920_000, 900, 230.0, 6, 32), 16);
        assert_eq!(needed_amps(1, 900, 230.0, 6, 32), 6, "never below the minimum");
        assert_eq!(needed_amps(10_000_000, 60, 230.0, 6, 16), 16, "never above the quarter's limit");
    }

    #[test]
    fn energy_is_counted_across_charges() {
        let goal = PlanGoal { departure: Some(10_000), repeat: None, energy_wh: 5000 };
        let mut stored = Stored::new(goal, 0, 100.0).unwrap();
        stored.count(1100.0);
        assert_eq!(stored.delivered_wh, 1000.0);
        stored.count(500.0);
        assert_eq!(stored.delivered_wh, 1500.0, "a new charge: its 500 Wh count");
        assert_eq!(stored.remaining_wh(), 3500);
    }
}
