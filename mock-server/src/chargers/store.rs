//! Queries on chargers, their settings and cards.

use charge_model::charger::{ChargerId, ChargerModel, ChargerSettings, Cover, RfidCard, Role};
use charge_model::{FieldErrors, Problem};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::error::{ApiError, ApiResult};

/// A charger as the user's list shows it, before its live status is added.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: ChargerId,
    pub model: ChargerModel,
    pub name: String,
    pub cover: Cover,
    pub role: Role,
    pub shared_by: Option<String>,
}

/// The settings in a `chargers.settings` column (the defaults when unpaired or unreadable).
pub(crate) fn settings_of(json: Option<String>) -> ChargerSettings {
    json.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
}

/// A list row as stored: id, model, settings JSON, role, who shared it.
type ListedRow = (String, String, Option<String>, String, Option<String>);

fn listed(row: &rusqlite::Row<'_>) -> rusqlite::Result<ListedRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

/// Every charger the user owns or has been shared with, by name.
pub fn list_for(conn: &Connection, user_id: i64) -> ApiResult<Vec<Listed>> {
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.model, c.settings, 'owner', NULL FROM chargers c WHERE c.owner_id = ?1
         UNION ALL
         SELECT c.id, c.model, c.settings, s.role, COALESCE(NULLIF(u.name, ''), u.email)
         FROM shares s JOIN chargers c ON c.id = s.charger_id JOIN users u ON u.id = c.owner_id
         WHERE s.user_id = ?1",
    )?;
    let rows = statement.query_map([user_id], listed)?;
    let mut chargers = Vec::new();
    for row in rows {
        let (id, model, settings, role, shared_by) = row?;
        let settings = settings_of(settings);
        chargers.push(Listed {
            id: ChargerId::parse(&id).map_err(|e| anyhow::anyhow!("stored charger id {id}: {e}"))?,
            model: ChargerModel::from_tag(&model).unwrap_or(ChargerModel::Trydan),
            name: settings.name,
            cover: settings.cover,
            role: Role::from_tag(&role).unwrap_or(Role::Viewer),
            shared_by,
        });
    }
    chargers.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(chargers)
}

/// One listed charger, for a user who has access to it.
pub fn listed_one(conn: &Connection, user_id: i64, id: &ChargerId) -> ApiResult<Listed> {
    list_for(conn, user_id)?.into_iter().find(|c| &c.id == id).ok_or_else(super::access::not_found)
}

pub fn settings(conn: &Connection, id: &ChargerId) -> ApiResult<ChargerSettings> {
    let json: Option<String> =
        conn.query_row("SELECT settings FROM chargers WHERE id = ?1", [id.as_str()], |row| row.get(0))?;
    Ok(settings_of(json))
}

pub fn save_settings(conn: &Connection, id: &ChargerId, settings: &ChargerSettings) -> ApiResult<()> {
    let json = serde_json::to_string(settings).map_err(anyhow::Error::from)?;
    conn.execute("UPDATE chargers SET settings = ?2 WHERE id = ?1", params![id.as_str(), json])?;
    Ok(())
}

/// What the simulator needs of a freshly paired charger.
pub struct Paired {
    pub model: ChargerModel,
    pub firmware: String,
}

/// Makes `user_id` the owner of charger `id`. Field errors: unknown ID, paired by
/// someone else (whose owner can share it), or already the user's.
pub fn pair(
    conn: &mut Connection,
    user_id: i64,
    id: &ChargerId,
    settings: &ChargerSettings,
    now: i64,
) -> ApiResult<Paired> {
    let tx = conn.transaction()?;
    let found: Option<(String, String, Option<i64>)> = tx
        .query_row("SELECT model, firmware, owner_id FROM chargers WHERE id = ?1", [id.as_str()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((model, firmware, owner)) = found else {
        return Err(ApiError::field("id", Problem::UnknownCharger));
    };
    match owner {
        Some(owner) if owner == user_id => return Err(taken(Problem::AlreadyYours)),
        Some(_) => return Err(taken(Problem::ChargerTaken)),
        None => {}
    }
    let shared: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM shares WHERE charger_id = ?1 AND user_id = ?2)",
        params![id.as_str(), user_id],
        |row| row.get(0),
    )?;
    if shared {
        return Err(taken(Problem::AlreadyYours));
    }
    let json = serde_json::to_string(settings).map_err(anyhow::Error::from)?;
    tx.execute(
        "UPDATE chargers SET owner_id = ?2, paired_at = ?3, settings = ?4, intensity_a = 16, locked = 0, paused = 0
         WHERE id = ?1 AND owner_id IS NULL",
        params![id.as_str(), user_id, now, json],
    )?;
    tx.commit()?;
    Ok(Paired { model: ChargerModel::from_tag(&model).unwrap_or(ChargerModel::Trydan), firmware })
}

fn taken(problem: Problem) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add("id", problem);
    ApiError::Taken(errors)
}

/// Releases a charger: no owner, no shares, cards, history or settings; anyone can pair it again.
/// Returns the users who could see it.
pub fn release(conn: &mut Connection, id: &ChargerId) -> ApiResult<Vec<i64>> {
    let tx = conn.transaction()?;
    let users = release_in(&tx, id)?;
    tx.commit()?;
    Ok(users)
}

/// [`release`] inside the caller's transaction.
pub fn release_in(tx: &Connection, id: &ChargerId) -> ApiResult<Vec<i64>> {
    let mut users: Vec<i64> = {
        let mut statement = tx.prepare("SELECT user_id FROM shares WHERE charger_id = ?1")?;
        statement.query_map([id.as_str()], |row| row.get(0))?.collect::<Result<_, _>>()?
    };
    if let Some(owner) =
        tx.query_row("SELECT owner_id FROM chargers WHERE id = ?1", [id.as_str()], |row| {
            row.get::<_, Option<i64>>(0)
        })?
    {
        users.push(owner);
    }
    for sql in [
        "DELETE FROM shares WHERE charger_id = ?1",
        "DELETE FROM invitations WHERE charger_id = ?1",
        "DELETE FROM rfid_cards WHERE charger_id = ?1",
        "DELETE FROM charging_plans WHERE charger_id = ?1",
        "UPDATE chargers SET owner_id = NULL, paired_at = NULL, settings = NULL, intensity_a = 16, locked = 0,
         paused = 0, timers = NULL, dynamic_power = NULL, tariff = NULL WHERE id = ?1",
    ] {
        tx.execute(sql, [id.as_str()])?;
    }
    crate::charges::forget(tx, id)?;
    // An OCPP connector is not a catalogue entry: its row goes (with its charge point, last).
    crate::link::ocpp::store::release(tx, id)?;
    // Nor is a Trydan paired by its address.
    crate::link::trydan::store::release(tx, id)?;
    Ok(users)
}

/// The chargers a user owns (released when the account is deleted).
pub fn owned_by(conn: &Connection, user_id: i64) -> ApiResult<Vec<ChargerId>> {
    let mut statement = conn.prepare("SELECT id FROM chargers WHERE owner_id = ?1")?;
    let ids =
        statement.query_map([user_id], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(ids.iter().filter_map(|id| ChargerId::parse(id).ok()).collect())
}

pub fn set_flags(conn: &Connection, id: &ChargerId, column: Flag, value: bool) -> ApiResult<()> {
    let sql = match column {
        Flag::Locked => "UPDATE chargers SET locked = ?2 WHERE id = ?1",
        Flag::Paused => "UPDATE chargers SET paused = ?2 WHERE id = ?1",
    };
    conn.execute(sql, params![id.as_str(), value])?;
    Ok(())
}

/// A boolean state of a charger kept across restarts of the server.
#[derive(Debug, Clone, Copy)]
pub enum Flag {
    Locked,
    Paused,
}

pub fn set_intensity(conn: &Connection, id: &ChargerId, amps: u8) -> ApiResult<()> {
    conn.execute("UPDATE chargers SET intensity_a = ?2 WHERE id = ?1", params![id.as_str(), amps])?;
    Ok(())
}

pub fn set_firmware(conn: &Connection, id: &ChargerId, firmware: &str) -> ApiResult<()> {
    conn.execute("UPDATE chargers SET firmware = ?2 WHERE id = ?1", params![id.as_str(), firmware])?;
    Ok(())
}

pub fn cards(conn: &Connection, id: &ChargerId) -> ApiResult<Vec<RfidCard>> {
    let mut statement =
        conn.prepare("SELECT id, code, name FROM rfid_cards WHERE charger_id = ?1 ORDER BY name, id")?;
    let cards = statement
        .query_map([id.as_str()], |row| {
            Ok(RfidCard { id: row.get(0)?, code: row.get(1)?, name: row.get(2)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(cards)
}

/// The codes of the charger's cards (what the simulated charger accepts).
pub fn card_codes(conn: &Connection, id: &ChargerId) -> ApiResult<Vec<String>> {
    let mut statement = conn.prepare("SELECT code FROM rfid_cards WHERE charger_id = ?1 ORDER BY id")?;
    let codes = statement.query_map([id.as_str()], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(codes)
}

/// Adds or changes (`card` given) a card; a code already on the charger is a field error.
pub fn save_card(
    conn: &Connection,
    id: &ChargerId,
    card: Option<i64>,
    code: &str,
    name: &str,
) -> ApiResult<RfidCard> {
    let result = match card {
        None => conn
            .execute(
                "INSERT INTO rfid_cards (charger_id, code, name) VALUES (?1, ?2, ?3)",
                params![id.as_str(), code, name],
            )
            .map(|_| conn.last_insert_rowid()),
        Some(card) => conn
            .execute(
                "UPDATE rfid_cards SET code = ?3, name = ?4 WHERE charger_id = ?1 AND id = ?2",
                params![id.as_str(), card, code, name],
            )
            .and_then(
                |changed| if changed == 0 { Err(rusqlite::Error::QueryReturnedNoRows) } else { Ok(card) },
            ),
    };
    match result {
        Ok(card) => Ok(RfidCard { id: card, code: code.to_owned(), name: name.to_owned() }),
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            Err(ApiError::NotFound(charge_model::Reason::NoSuchCard))
        }
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            let mut errors = FieldErrors::new();
            errors.add("code", Problem::DuplicateCard);
            Err(ApiError::Taken(errors))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn delete_card(conn: &Connection, id: &ChargerId, card: i64) -> ApiResult<()> {
    let deleted =
        conn.execute("DELETE FROM rfid_cards WHERE charger_id = ?1 AND id = ?2", params![id.as_str(), card])?;
    if deleted == 0 {
        return Err(ApiError::NotFound(charge_model::Reason::NoSuchCard));
    }
    Ok(())
}

/// A setting kept as JSON in its own column of `chargers`.
#[derive(Debug, Clone, Copy)]
pub enum JsonColumn {
    Timers,
    DynamicPower,
    Tariff,
}

impl JsonColumn {
    fn name(self) -> &'static str {
        match self {
            JsonColumn::Timers => "timers",
            JsonColumn::DynamicPower => "dynamic_power",
            JsonColumn::Tariff => "tariff",
        }
    }
}

/// The setting stored in `column`, or its default when never set.
pub fn load_json<T: serde::de::DeserializeOwned + Default>(
    conn: &Connection,
    id: &ChargerId,
    column: JsonColumn,
) -> ApiResult<T> {
    let sql = format!("SELECT {} FROM chargers WHERE id = ?1", column.name());
    let json: Option<String> = conn.query_row(&sql, [id.as_str()], |row| row.get(0))?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
}

pub fn save_json<T: serde::Serialize>(
    conn: &Connection,
    id: &ChargerId,
    column: JsonColumn,
    value: &T,
) -> ApiResult<()> {
    let json = serde_json::to_string(value).map_err(anyhow::Error::from)?;
    let sql = format!("UPDATE chargers SET {} = ?2 WHERE id = ?1", column.name());
    conn.execute(&sql, params![id.as_str(), json])?;
    Ok(())
}
