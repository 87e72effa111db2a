//! The chargers "manufactured" so far: made once, on the first start, with random IDs.

use charge_model::charger::{ChargerId, ChargerModel};
use rand::Rng;
use rusqlite::{Connection, params};

/// Letters and digits of serial numbers, without the easily confused 0/O and 1/I.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Units made of each model; a Pole Pro has two connectors, each with its own ID.
const UNITS: [(ChargerModel, usize, &str); 4] = [
    (ChargerModel::Trydan, 400, "2.3.4"),
    (ChargerModel::TrydanPro, 300, "2.3.4"),
    (ChargerModel::PolePro, 150, "1.8.2"),
    (ChargerModel::Denka, 300, "1.4.0"),
];

fn connectors(model: ChargerModel) -> usize {
    if model == ChargerModel::PolePro { 2 } else { 1 }
}

/// A random serial number.
pub fn random_id(rng: &mut impl Rng) -> ChargerId {
    let id: String =
        (0..ChargerId::LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    ChargerId::parse(&id).expect("the alphabet makes valid IDs")
}

/// Fills an empty catalogue; does nothing when chargers exist.
pub fn ensure(conn: &mut Connection) -> anyhow::Result<()> {
    let made: i64 = conn.query_row("SELECT COUNT(*) FROM chargers", [], |row| row.get(0))?;
    if made > 0 {
        return Ok(());
    }
    let mut rng = rand::rng();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO chargers (id, model, unit, connector, firmware) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (model, units, firmware) in UNITS {
            for _ in 0..units {
                let unit = random_id(&mut rng);
                for connector in 1..=connectors(model) {
                    let id = if connector == 1 { unit.clone() } else { random_id(&mut rng) };
                    insert.execute(params![id.as_str(), model.tag(), unit.as_str(), connector, firmware])?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// Some IDs nobody has paired yet, of every model (shown at start-up and by `/api/dev`).
pub fn unpaired(
    conn: &Connection,
    per_model: usize,
) -> rusqlite::Result<Vec<(ChargerId, ChargerModel, i64)>> {
    let mut statement = conn.prepare(
        "SELECT id, model, connector FROM chargers WHERE owner_id IS NULL AND model = ?1 ORDER BY rowid LIMIT ?2",
    )?;
    let mut found = Vec::new();
    for model in ChargerModel::ALL {
        let rows = statement.query_map(params![model.tag(), per_model as i64], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (id, connector) = row?;
            if let Ok(id) = ChargerId::parse(&id) {
                found.push((id, model, connector));
            }
        }
    }
    Ok(found)
}
