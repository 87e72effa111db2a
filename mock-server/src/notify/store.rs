//! Queries on the notification tables (migration 014); only `notify` uses them.

use charge_model::Language;
use charge_model::charger::ChargerId;
use charge_model::notifications::{
    KindPreference, Notification, NotificationEvent, NotificationKind, NotificationPreferences,
};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::accounts::store::language_from_db;
use crate::auth::token;
use crate::error::{ApiError, ApiResult};

/// Someone who hears about an event.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: i64,
    pub email: String,
    pub language: Language,
    pub preference: KindPreference,
}

/// The charger's owner and the people it is shared with.
pub fn people_of(conn: &Connection, charger: &ChargerId) -> ApiResult<Vec<i64>> {
    let mut statement = conn.prepare(
        "SELECT owner_id FROM chargers WHERE id = ?1 AND owner_id IS NOT NULL
         UNION SELECT user_id FROM shares WHERE charger_id = ?1",
    )?;
    let ids = statement.query_map([charger.as_str()], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// The user's address, language and choice for `kind`; `None` when the user is gone.
pub fn recipient(conn: &Connection, user_id: i64, kind: NotificationKind) -> ApiResult<Option<Recipient>> {
    let found = conn
        .query_row("SELECT email, language FROM users WHERE id = ?1", [user_id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    let Some((email, language)) = found else { return Ok(None) };
    Ok(Some(Recipient {
        user_id,
        email,
        language: language_from_db(&language),
        preference: preferences(conn, user_id)?.of(kind),
    }))
}

/// Every kind's choice: the stored ones, the defaults for the rest.
pub fn preferences(conn: &Connection, user_id: i64) -> ApiResult<NotificationPreferences> {
    let mut statement =
        conn.prepare_cached("SELECT kind, email, portal FROM notification_preferences WHERE user_id = ?1")?;
    let stored: Vec<KindPreference> = statement
        .query_map([user_id], |row| Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?)))?
        .filter_map(|row| {
            let (kind, email, portal) = row.ok()?;
            Some(KindPreference { kind: NotificationKind::from_tag(&kind)?, email, portal })
        })
        .collect();
    let chosen = NotificationPreferences { kinds: stored };
    Ok(NotificationPreferences {
        kinds: NotificationKind::ALL.into_iter().map(|kind| chosen.of(kind)).collect(),
    })
}

pub fn save_preference(conn: &Connection, user_id: i64, preference: &KindPreference) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO notification_preferences (user_id, kind, email, portal) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, kind) DO UPDATE SET email = ?3, portal = ?4",
        params![user_id, preference.kind.tag(), preference.email, preference.portal],
    )?;
    Ok(())
}

/// The charger's name as its people see it (its ID when it has none).
pub fn charger_name(conn: &Connection, charger: &ChargerId) -> ApiResult<String> {
    let json: Option<Option<String>> = conn
        .query_row("SELECT settings FROM chargers WHERE id = ?1", [charger.as_str()], |row| row.get(0))
        .optional()?;
    let name = crate::chargers::store::settings_of(json.flatten()).name;
    Ok(if name.trim().is_empty() { charger.to_string() } else { name })
}

pub fn insert(
    conn: &Connection,
    user_id: i64,
    charger: &ChargerId,
    charger_name: &str,
    event: &NotificationEvent,
    now: i64,
) -> ApiResult<()> {
    let json = serde_json::to_string(event).map_err(anyhow::Error::from)?;
    conn.execute(
        "INSERT INTO notifications (user_id, charger_id, charger_name, kind, event, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user_id, charger.as_str(), charger_name, event.kind().tag(), json, now],
    )?;
    Ok(())
}

/// Up to `limit` notifications older than `before` (an ID), newest first.
pub fn list(
    conn: &Connection,
    user_id: i64,
    before: Option<i64>,
    limit: u32,
) -> ApiResult<Vec<Notification>> {
    let mut statement = conn.prepare(
        "SELECT id, charger_id, charger_name, event, created_at, read_at IS NOT NULL FROM notifications
         WHERE user_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(params![user_id, before, limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, bool>(5)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (id, charger_id, charger_name, event, created_at, read) = row?;
        let Ok(event) = serde_json::from_str::<NotificationEvent>(&event) else {
            tracing::warn!(id, "a stored notification does not decode; left out");
            continue;
        };
        items.push(Notification {
            id,
            kind: event.kind(),
            charger_id,
            charger_name,
            created_at,
            read,
            event,
        });
    }
    Ok(items)
}

pub fn unread(conn: &Connection, user_id: i64) -> ApiResult<u32> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL",
        [user_id],
        |row| row.get(0),
    )?)
}

/// Marks one of the user's notifications read; 404 when it is not theirs.
pub fn mark_read(conn: &Connection, user_id: i64, id: i64, now: i64) -> ApiResult<()> {
    let found = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM notifications WHERE id = ?1 AND user_id = ?2)",
        params![id, user_id],
        |row| row.get::<_, bool>(0),
    )?;
    if !found {
        return Err(ApiError::NotFound(charge_model::Reason::NoSuchResource));
    }
    conn.execute(
        "UPDATE notifications SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL",
        params![id, user_id, now],
    )?;
    Ok(())
}

pub fn mark_all_read(conn: &Connection, user_id: i64, now: i64) -> ApiResult<()> {
    conn.execute(
        "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
        params![user_id, now],
    )?;
    Ok(())
}

/// Whether an email of `kind` about `charger` may go to the user now (none in the last
/// `every` seconds); if so, counts this one.
pub fn take_email_turn(
    conn: &Connection,
    user_id: i64,
    charger: &ChargerId,
    kind: NotificationKind,
    now: i64,
    every: i64,
) -> ApiResult<bool> {
    let changed = conn.execute(
        "INSERT INTO notification_emails (user_id, charger_id, kind, sent_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, charger_id, kind) DO UPDATE SET sent_at = ?4 WHERE sent_at <= ?4 - ?5",
        params![user_id, charger.as_str(), kind.tag(), now, every],
    )?;
    Ok(changed > 0)
}

/// A new secret for a link that turns the user's emails of `kind` off.
pub fn unsubscribe_token(
    conn: &Connection,
    user_id: i64,
    kind: NotificationKind,
    now: i64,
) -> ApiResult<String> {
    let (secret, hash) = token::generate();
    conn.execute(
        "INSERT INTO unsubscribe_tokens (token_hash, user_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, user_id, kind.tag(), now],
    )?;
    Ok(secret)
}

/// Turns off the emails of the token's kind; `InvalidToken` when it is unknown. A link may
/// be followed again (it changes nothing more).
pub fn unsubscribe(conn: &Connection, secret: &str) -> ApiResult<NotificationKind> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT user_id, kind FROM unsubscribe_tokens WHERE token_hash = ?1",
            [token::hash(secret)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (user_id, kind) = found.ok_or(ApiError::InvalidToken)?;
    let kind = NotificationKind::from_tag(&kind).ok_or(ApiError::InvalidToken)?;
    let current = preferences(conn, user_id)?.of(kind);
    save_preference(conn, user_id, &KindPreference { email: false, ..current })?;
    Ok(kind)
}

/// A condition noted on a charger: since when, and whether notified yet.
pub fn condition(conn: &Connection, charger: &ChargerId, name: &str) -> ApiResult<Option<(i64, bool)>> {
    Ok(conn
        .query_row(
            "SELECT since, notified FROM charger_conditions WHERE charger_id = ?1 AND condition = ?2",
            params![charger.as_str(), name],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

pub fn set_condition(
    conn: &Connection,
    charger: &ChargerId,
    name: &str,
    since: i64,
    notified: bool,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO charger_conditions (charger_id, condition, since, notified) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (charger_id, condition) DO UPDATE SET since = ?3, notified = ?4",
        params![charger.as_str(), name, since, notified],
    )?;
    Ok(())
}

pub fn clear_condition(conn: &Connection, charger: &ChargerId, name: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM charger_conditions WHERE charger_id = ?1 AND condition = ?2",
        params![charger.as_str(), name],
    )?;
    Ok(())
}

/// Every paired charger.
pub fn paired(conn: &Connection) -> ApiResult<Vec<ChargerId>> {
    let mut statement = conn.prepare("SELECT id FROM chargers WHERE owner_id IS NOT NULL ORDER BY id")?;
    let ids = statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(ids.iter().filter_map(|id| ChargerId::parse(id).ok()).collect())
}
