//! Queries on the two tables of charges: `charge_sessions` (finished charges, priced when
//! recorded) and `charges_in_progress` (each charge's energy so far).

use charge_model::charger::ChargerId;
use charge_model::habits::PastCharge;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::price;
use crate::error::ApiResult;
use crate::simulator::{Car, ChargeProgress, FinishedSession, Session};

fn json<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

/// Records a finished charge, priced under its charger's tariff now, in place of its saved
/// progress (both in the caller's transaction, so that a charge is never counted twice).
/// A charge made while a plan was followed ([`crate::plans::followed_since`] its start), or
/// said to be `under_plan`, also keeps what charging at once from plug-in would have cost.
pub fn record(
    tx: &Connection,
    session: &FinishedSession,
    under_plan: bool,
) -> ApiResult<charge_model::tariff::Cost> {
    let (tariff, priced) = price::price(tx, &session.charger_id, &session.quarters)?;
    let planned =
        under_plan || crate::plans::followed_since(tx, &session.charger_id, session.started_at.timestamp())?;
    let at_once = if planned {
        Some(price::at_once(tx, &session.charger_id, session.started_at.timestamp(), &session.quarters)?)
    } else {
        None
    };
    tx.execute(
        "INSERT INTO charge_sessions (charger_id, started_at, ended_at, energy_wh, hourly, rfid, quarters,
                                      tariff, cost_cents, cost_estimated, at_once_cents, at_once_estimated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            session.charger_id.as_str(),
            session.started_at.timestamp(),
            session.ended_at.timestamp(),
            session.energy_wh,
            json(&session.hourly)?,
            session.card,
            json(&priced.slices)?,
            json(&tariff)?,
            priced.cost.cents,
            priced.cost.estimated,
            at_once.map(|cost| cost.cents),
            at_once.is_some_and(|cost| cost.estimated)
        ],
    )?;
    forget_progress(tx, &session.charger_id, session.started_at)?;
    Ok(priced.cost)
}

/// Whether a charge that started at `started_at` belongs to the charger's current pairing: a
/// charge the simulator reports just after the charger was released (or released and paired
/// again) is not kept for the next owner.
pub fn of_current_pairing(
    conn: &Connection,
    charger: &ChargerId,
    started_at: DateTime<Utc>,
) -> ApiResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM chargers WHERE id = ?1 AND owner_id IS NOT NULL AND paired_at <= ?2)",
        params![charger.as_str(), started_at.timestamp()],
        |row| row.get(0),
    )?)
}

/// Deletes the saved progress of a charge.
pub fn forget_progress(tx: &Connection, charger: &ChargerId, started_at: DateTime<Utc>) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM charges_in_progress WHERE charger_id = ?1 AND started_at_ms = ?2",
        params![charger.as_str(), started_at.timestamp_millis()],
    )?;
    Ok(())
}

/// Saves how far a charge has got (one row per charge, replaced at each save), if it belongs
/// to the charger's current pairing.
pub fn save_progress(tx: &Connection, progress: &ChargeProgress, saved_at: DateTime<Utc>) -> ApiResult<()> {
    let ChargeProgress { charger_id, car, session } = progress;
    if !of_current_pairing(tx, charger_id, session.started_at)? {
        return Ok(());
    }
    let hourly: Vec<(i64, f64)> = session.hourly.iter().map(|(&k, &v)| (k, v)).collect();
    let quarters: Vec<(i64, f64)> = session.quarters.iter().map(|(&k, &v)| (k, v)).collect();
    tx.execute(
        "INSERT INTO charges_in_progress (charger_id, started_at_ms, saved_at_ms, seconds, energy_wh, hourly,
                                          quarters, rfid, car)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (charger_id, started_at_ms) DO UPDATE SET
             saved_at_ms = excluded.saved_at_ms, seconds = excluded.seconds, energy_wh = excluded.energy_wh,
             hourly = excluded.hourly, quarters = excluded.quarters, rfid = excluded.rfid, car = excluded.car",
        params![
            charger_id.as_str(),
            session.started_at.timestamp_millis(),
            saved_at.timestamp_millis(),
            session.seconds,
            session.energy_wh,
            json(&hourly)?,
            json(&quarters)?,
            session.card,
            json(car)?
        ],
    )?;
    Ok(())
}

/// A charge in progress as last saved.
#[derive(Debug, Clone)]
pub struct Saved {
    pub progress: ChargeProgress,
    pub saved_at: DateTime<Utc>,
}

impl Saved {
    /// The charge as if it had ended when it was last saved.
    pub fn finished(&self) -> FinishedSession {
        let ChargeProgress { charger_id, session, .. } = &self.progress;
        FinishedSession {
            charger_id: charger_id.clone(),
            started_at: session.started_at,
            ended_at: self.saved_at,
            energy_wh: session.energy_wh,
            hourly: session.hourly.iter().map(|(&k, &v)| (k, v)).collect(),
            quarters: session.quarters.iter().map(|(&k, &v)| (k, v)).collect(),
            card: session.card.clone(),
        }
    }
}

/// Every saved charge in progress, by charger and start.
pub fn saved(conn: &Connection) -> ApiResult<Vec<Saved>> {
    let mut statement = conn.prepare(
        "SELECT charger_id, started_at_ms, saved_at_ms, seconds, energy_wh, hourly, quarters, rfid, car
         FROM charges_in_progress ORDER BY charger_id, started_at_ms",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, f64>(3)?,
            row.get::<_, f64>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, String>(8)?,
        ))
    })?;
    let mut saved = Vec::new();
    for row in rows {
        let (charger, started_ms, saved_ms, seconds, energy_wh, hourly, quarters, card, car) = row?;
        let decoded = (|| -> anyhow::Result<Saved> {
            let hourly: Vec<(i64, f64)> = serde_json::from_str(&hourly)?;
            let quarters: Vec<(i64, f64)> = serde_json::from_str(&quarters)?;
            let car: Car = serde_json::from_str(&car)?;
            let charger_id = ChargerId::parse(&charger).map_err(|e| anyhow::anyhow!("{e}"))?;
            let instant = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
            let session = Session {
                started_at: instant(started_ms),
                seconds,
                energy_wh,
                hourly: hourly.into_iter().collect(),
                quarters: quarters.into_iter().collect(),
                card,
            };
            Ok(Saved { progress: ChargeProgress { charger_id, car, session }, saved_at: instant(saved_ms) })
        })();
        match decoded {
            Ok(charge) => saved.push(charge),
            // Left in place for someone to look at; the other charges go on.
            Err(error) => tracing::error!(?error, charger, started_ms, "unreadable saved charge"),
        }
    }
    Ok(saved)
}

/// The charger's charges that ended at or after `since` (Unix s), as habits read them: from
/// plug-in to unplug, with their energy.
pub fn past_charges(conn: &Connection, charger: &ChargerId, since: i64) -> ApiResult<Vec<PastCharge>> {
    let mut statement = conn.prepare_cached(
        "SELECT started_at, ended_at, energy_wh FROM charge_sessions
         WHERE charger_id = ?1 AND ended_at >= ?2 ORDER BY ended_at",
    )?;
    let rows = statement.query_map(params![charger.as_str(), since], |row| {
        Ok(PastCharge { plugged_in: row.get(0)?, unplugged: row.get(1)?, energy_wh: row.get(2)? })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Deletes a charger's charges, finished and in progress (it is being released), in the
/// caller's transaction.
pub fn forget(tx: &Connection, charger: &ChargerId) -> ApiResult<()> {
    tx.execute("DELETE FROM charge_sessions WHERE charger_id = ?1", [charger.as_str()])?;
    tx.execute("DELETE FROM charges_in_progress WHERE charger_id = ?1", [charger.as_str()])?;
    tx.execute("DELETE FROM plan_followed WHERE charger_id = ?1", [charger.as_str()])?;
    Ok(())
}
