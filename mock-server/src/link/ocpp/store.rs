//! The OCPP link's tables: `ocpp_charge_points` (paired charge points, their password hash and
//! what they said at boot) and `ocpp_transactions` (transactions, saved as they go).

use std::collections::BTreeMap;

use charge_model::charger::{ChargerId, ChargerSettings};
use charge_model::dynamic_power::DynamicPower;
use charge_model::link::ChargePointId;
use charge_model::timers::Timers;
use charge_model::{FieldErrors, Problem};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::error::{ApiError, ApiResult};
use crate::simulator::Session;

/// A paired charge point and its connectors, as loaded at start-up.
#[derive(Debug, Clone)]
pub struct StationRow {
    pub identity: String,
    pub boot: Boot,
    pub connectors: Vec<ConnectorRow>,
}

/// A connector's portal charger and what the portal set on it.
#[derive(Debug, Clone)]
pub struct ConnectorRow {
    pub number: u32,
    pub charger: ChargerId,
    pub intensity_a: u8,
    pub locked: bool,
    pub paused: bool,
    /// Unix seconds.
    pub paired_at: i64,
    pub timers: Timers,
    pub dynamic: DynamicPower,
}

/// What a charge point said in its last BootNotification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Boot {
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub at_ms: Option<i64>,
}

/// A transaction not yet stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTransaction {
    pub id: i64,
    pub charger: ChargerId,
    pub meter_start_wh: f64,
    pub last_at: DateTime<Utc>,
    pub last_wh: f64,
    pub session: Session,
}

fn millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn json(periods: &BTreeMap<i64, f64>) -> String {
    serde_json::to_string(&periods.iter().collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

fn periods(text: &str) -> BTreeMap<i64, f64> {
    serde_json::from_str::<Vec<(i64, f64)>>(text).unwrap_or_default().into_iter().collect()
}

/// Pairs a charge point: its first connector becomes the portal charger `charger`.
pub fn pair(
    conn: &mut Connection,
    owner_id: i64,
    identity: &ChargePointId,
    charger: &ChargerId,
    settings: &ChargerSettings,
    password_hash: &[u8],
    now: i64,
) -> ApiResult<()> {
    let tx = conn.transaction()?;
    let taken: Option<i64> = tx
        .query_row(
            "SELECT owner_id FROM ocpp_charge_points WHERE identity = ?1",
            [identity.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(owner) = taken {
        let mut errors = FieldErrors::new();
        let problem = if owner == owner_id { Problem::AlreadyYours } else { Problem::ChargerTaken };
        errors.add("charge_point_id", problem);
        return Err(ApiError::Taken(errors));
    }
    let settings = serde_json::to_string(settings).map_err(anyhow::Error::from)?;
    tx.execute(
        "INSERT INTO chargers (id, model, unit, connector, firmware, owner_id, paired_at, settings, link)
         VALUES (?1, 'ocpp', ?1, 1, '', ?2, ?3, ?4, 'ocpp')",
        params![charger.as_str(), owner_id, now, settings],
    )?;
    tx.execute(
        "INSERT INTO ocpp_charge_points (identity, unit, owner_id, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![identity.as_str(), charger.as_str(), owner_id, password_hash, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// Whether a portal charger ID is free (generated IDs must not meet the catalogue's).
pub fn id_free(conn: &Connection, id: &ChargerId) -> ApiResult<bool> {
    Ok(!conn
        .query_row("SELECT EXISTS (SELECT 1 FROM chargers WHERE id = ?1)", [id.as_str()], |row| row.get(0))?)
}

/// A new connector reported by a paired charge point: a portal charger for it, named after
/// the first connector's, with the same owner and settings. `None` when the charge point is gone.
pub fn add_connector(
    conn: &mut Connection,
    identity: &str,
    connector: u32,
    charger: &ChargerId,
    now: i64,
) -> ApiResult<Option<i64>> {
    let tx = conn.transaction()?;
    let first: Option<(String, i64, Option<String>)> = tx
        .query_row(
            "SELECT p.unit, p.owner_id, c.settings FROM ocpp_charge_points p
             JOIN chargers c ON c.unit = p.unit AND c.link = 'ocpp'
             WHERE p.identity = ?1 ORDER BY c.connector LIMIT 1",
            [identity],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((unit, owner, settings)) = first else { return Ok(None) };
    let mut settings = crate::chargers::store::settings_of(settings);
    let suffix = format!(" · {connector}");
    let keep = charge_model::charger::NAME_MAX as usize - suffix.chars().count();
    settings.name = settings.name.chars().take(keep).collect::<String>() + &suffix;
    let settings = serde_json::to_string(&settings).map_err(anyhow::Error::from)?;
    tx.execute(
        "INSERT INTO chargers (id, model, unit, connector, firmware, owner_id, paired_at, settings, link)
         VALUES (?1, 'ocpp', ?2, ?3, '', ?4, ?5, ?6, 'ocpp')",
        params![charger.as_str(), unit, connector, owner, now, settings],
    )?;
    tx.commit()?;
    Ok(Some(owner))
}

/// Every paired charge point with its connectors.
pub fn stations(conn: &Connection) -> ApiResult<Vec<StationRow>> {
    let mut statement = conn.prepare(
        "SELECT p.identity, p.vendor, p.model, p.serial, p.firmware, p.booted_at_ms,
                c.connector, c.id, c.intensity_a, c.locked, c.paused, COALESCE(c.paired_at, 0), c.timers,
                c.dynamic_power
         FROM ocpp_charge_points p JOIN chargers c ON c.unit = p.unit AND c.link = 'ocpp'
         ORDER BY p.identity, c.connector",
    )?;
    let mut rows = statement.query([])?;
    let mut stations: Vec<StationRow> = Vec::new();
    while let Some(row) = rows.next()? {
        let identity: String = row.get(0)?;
        let Ok(charger) = ChargerId::parse(&row.get::<_, String>(7)?) else { continue };
        let stored = |column: usize| row.get::<_, Option<String>>(column);
        let connector = ConnectorRow {
            number: row.get(6)?,
            charger,
            intensity_a: row.get(8)?,
            locked: row.get(9)?,
            paused: row.get(10)?,
            paired_at: row.get(11)?,
            timers: stored(12)?.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default(),
            dynamic: stored(13)?.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default(),
        };
        match stations.last_mut() {
            Some(last) if last.identity == identity => last.connectors.push(connector),
            _ => stations.push(StationRow {
                identity,
                boot: Boot {
                    vendor: row.get(1)?,
                    model: row.get(2)?,
                    serial: row.get(3)?,
                    firmware: row.get(4)?,
                    at_ms: row.get(5)?,
                },
                connectors: vec![connector],
            }),
        }
    }
    Ok(stations)
}

/// The stored hash of a charge point's password.
pub fn password_hash(conn: &Connection, identity: &str) -> ApiResult<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT password_hash FROM ocpp_charge_points WHERE identity = ?1", [identity], |row| {
            row.get(0)
        })
        .optional()?)
}

/// The charge point a portal charger belongs to.
pub fn identity_of(conn: &Connection, charger: &ChargerId) -> ApiResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT p.identity FROM ocpp_charge_points p JOIN chargers c ON c.unit = p.unit
             WHERE c.id = ?1 AND c.link = 'ocpp'",
            [charger.as_str()],
            |row| row.get(0),
        )
        .optional()?)
}

/// Replaces a charge point's password hash.
pub fn set_password(conn: &Connection, identity: &str, hash: &[u8]) -> ApiResult<()> {
    conn.execute(
        "UPDATE ocpp_charge_points SET password_hash = ?2 WHERE identity = ?1",
        params![identity, hash],
    )?;
    Ok(())
}

/// Keeps what a charge point said at boot.
pub fn booted(conn: &Connection, identity: &str, boot: &Boot) -> ApiResult<()> {
    conn.execute(
        "UPDATE ocpp_charge_points SET vendor = ?2, model = ?3, serial = ?4, firmware = ?5, booted_at_ms = ?6
         WHERE identity = ?1",
        params![identity, boot.vendor, boot.model, boot.serial, boot.firmware, boot.at_ms],
    )?;
    conn.execute(
        "UPDATE chargers SET firmware = ?2 WHERE link = 'ocpp'
         AND unit = (SELECT unit FROM ocpp_charge_points WHERE identity = ?1)",
        params![identity, boot.firmware.clone().unwrap_or_default()],
    )?;
    Ok(())
}

/// Deletes a released connector's charger; the charge point goes with its last connector.
/// Returns whether the charge point is gone.
pub fn release(tx: &Connection, charger: &ChargerId) -> ApiResult<bool> {
    let unit: Option<String> = tx
        .query_row("SELECT unit FROM chargers WHERE id = ?1 AND link = 'ocpp'", [charger.as_str()], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(unit) = unit else { return Ok(false) };
    tx.execute("DELETE FROM ocpp_transactions WHERE charger_id = ?1", [charger.as_str()])?;
    tx.execute("DELETE FROM chargers WHERE id = ?1", [charger.as_str()])?;
    let left: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM chargers WHERE unit = ?1 AND link = 'ocpp')",
        [&unit],
        |row| row.get(0),
    )?;
    if !left {
        tx.execute("DELETE FROM ocpp_charge_points WHERE unit = ?1", [&unit])?;
    }
    Ok(!left)
}

/// Whether `tag` is one of the charger's cards (card codes are upper-case hexadecimal).
pub fn is_card(conn: &Connection, charger: &ChargerId, tag: &str) -> ApiResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM rfid_cards WHERE charger_id = ?1 AND code = ?2)",
        params![charger.as_str(), tag.to_ascii_uppercase()],
        |row| row.get(0),
    )?)
}

/// Starts a transaction; returns its id (the `transactionId` given to the charge point).
pub fn start(
    conn: &Connection,
    charger: &ChargerId,
    id_tag: &str,
    card: Option<&str>,
    meter_start_wh: f64,
    at: DateTime<Utc>,
) -> ApiResult<i64> {
    conn.execute(
        "INSERT INTO ocpp_transactions (charger_id, id_tag, card, meter_start_wh, started_at_ms, last_at_ms,
                                        last_wh, hourly, quarters)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?4, '[]', '[]')",
        params![charger.as_str(), id_tag, card, meter_start_wh, at.timestamp_millis()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Saves a transaction's progress.
pub fn save(conn: &Connection, open: &OpenTransaction) -> ApiResult<()> {
    conn.execute(
        "UPDATE ocpp_transactions SET last_at_ms = ?2, last_wh = ?3, hourly = ?4, quarters = ?5
         WHERE id = ?1 AND stopped_at_ms IS NULL",
        params![
            open.id,
            open.last_at.timestamp_millis(),
            open.last_wh,
            json(&open.session.hourly),
            json(&open.session.quarters)
        ],
    )?;
    Ok(())
}

/// Marks a transaction stopped; `false` when it was already (a StopTransaction sent again).
pub fn stop(conn: &Connection, id: i64, at: DateTime<Utc>) -> ApiResult<bool> {
    Ok(conn.execute(
        "UPDATE ocpp_transactions SET stopped_at_ms = ?2 WHERE id = ?1 AND stopped_at_ms IS NULL",
        params![id, at.timestamp_millis()],
    )? == 1)
}

/// One transaction not yet stopped, by id.
pub fn open(conn: &Connection, id: i64) -> ApiResult<Option<OpenTransaction>> {
    Ok(opens(conn, "WHERE id = ?1 AND stopped_at_ms IS NULL", params![id])?.pop())
}

/// Every transaction not yet stopped.
pub fn all_open(conn: &Connection) -> ApiResult<Vec<OpenTransaction>> {
    opens(conn, "WHERE stopped_at_ms IS NULL ORDER BY id", params![])
}

fn opens(conn: &Connection, filter: &str, values: impl rusqlite::Params) -> ApiResult<Vec<OpenTransaction>> {
    let mut statement = conn.prepare(&format!(
        "SELECT id, charger_id, card, meter_start_wh, started_at_ms, last_at_ms, last_wh, hourly, quarters
         FROM ocpp_transactions {filter}"
    ))?;
    let rows = statement.query_map(values, |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, f64>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, i64>(5)?,
            row.get::<_, f64>(6)?,
            row.get::<_, String>(7)?,
            row.get::<_, String>(8)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, charger, card, meter_start_wh, started, last, last_wh, hourly, quarters) = row?;
        let Ok(charger) = ChargerId::parse(&charger) else { continue };
        let started_at = millis(started);
        let last_at = millis(last);
        let session = Session {
            started_at,
            seconds: (last_at - started_at).num_milliseconds().max(0) as f64 / 1000.0,
            energy_wh: (last_wh - meter_start_wh).max(0.0),
            hourly: periods(&hourly),
            quarters: periods(&quarters),
            card,
        };
        found.push(OpenTransaction { id, charger, meter_start_wh, last_at, last_wh, session });
    }
    Ok(found)
}
