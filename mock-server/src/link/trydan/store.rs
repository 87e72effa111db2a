//! The Trydan link's table: `trydan_links`, the address of each Trydan paired by address.

use charge_model::charger::{ChargerId, ChargerSettings};
use charge_model::link::TrydanAddress;
use charge_model::{FieldErrors, Problem};
use rusqlite::{Connection, params};

use crate::error::{ApiError, ApiResult};

/// A paired Trydan, as loaded at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub charger: ChargerId,
    /// `host:port` of its local API.
    pub address: String,
    /// The installation's phases (from the charger's settings): a Trydan does not report them.
    pub phases: u8,
}

/// Pairs a Trydan found at `address` as the portal charger `charger` (model Trydan, link
/// `trydan`). The same owner cannot add one address twice.
pub fn pair(
    conn: &mut Connection,
    owner_id: i64,
    address: &TrydanAddress,
    charger: &ChargerId,
    settings: &ChargerSettings,
    firmware: &str,
    now: i64,
) -> ApiResult<()> {
    let tx = conn.transaction()?;
    let address = address.to_string();
    let already: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM trydan_links t JOIN chargers c ON c.id = t.charger_id
                        WHERE t.address = ?1 AND c.owner_id = ?2)",
        params![address, owner_id],
        |row| row.get(0),
    )?;
    if already {
        let mut errors = FieldErrors::new();
        errors.add("address", Problem::AlreadyYours);
        return Err(ApiError::Taken(errors));
    }
    let settings = serde_json::to_string(settings).map_err(anyhow::Error::from)?;
    tx.execute(
        "INSERT INTO chargers (id, model, unit, connector, firmware, owner_id, paired_at, settings, link)
         VALUES (?1, 'trydan', ?1, 1, ?2, ?3, ?4, ?5, 'trydan')",
        params![charger.as_str(), firmware, owner_id, now, settings],
    )?;
    tx.execute(
        "INSERT INTO trydan_links (charger_id, address, created_at) VALUES (?1, ?2, ?3)",
        params![charger.as_str(), address, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// Every paired Trydan with its address.
pub fn links(conn: &Connection) -> ApiResult<Vec<LinkRow>> {
    let mut statement = conn.prepare(
        "SELECT c.id, t.address, c.settings FROM trydan_links t
         JOIN chargers c ON c.id = t.charger_id AND c.link = 'trydan' ORDER BY c.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, address, settings) = row?;
        let Ok(charger) = ChargerId::parse(&id) else { continue };
        let phases = crate::chargers::store::settings_of(settings).supply.phases();
        found.push(LinkRow { charger, address, phases });
    }
    Ok(found)
}

/// Deletes a released Trydan's charger (it is not a catalogue entry) with its address.
pub fn release(tx: &Connection, charger: &ChargerId) -> ApiResult<()> {
    tx.execute("DELETE FROM trydan_links WHERE charger_id = ?1", [charger.as_str()])?;
    tx.execute("DELETE FROM chargers WHERE id = ?1 AND link = 'trydan'", [charger.as_str()])?;
    Ok(())
}
