//! Queries on users and their emailed tokens.

use charge_model::Language;
use charge_model::account::{Account, Email, Profile};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::auth::token;
use crate::error::{ApiError, ApiResult};

/// What an emailed link is for, and how long it stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Confirm,
    Reset,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Confirm => "confirm",
            TokenPurpose::Reset => "reset",
        }
    }

    /// Lifetime in seconds: a day to confirm, an hour to reset a password.
    pub fn ttl_secs(self) -> i64 {
        match self {
            TokenPurpose::Confirm => 24 * 3600,
            TokenPurpose::Reset => 3600,
        }
    }
}

/// The part of a user that login needs.
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub confirmed: bool,
    pub language: Language,
}

pub fn language_from_db(tag: &str) -> Language {
    Language::from_tag(tag).unwrap_or_default()
}

/// Creates an unconfirmed user; `EmailTaken` when the address has an account.
pub fn insert_user(
    conn: &Connection,
    email: &Email,
    password_hash: &str,
    name: &str,
    language: Language,
    now: i64,
) -> ApiResult<i64> {
    let inserted = conn.execute(
        "INSERT INTO users (email, password_hash, name, language, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![email.as_str(), password_hash, name, language.tag(), now],
    );
    match inserted {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            Err(ApiError::EmailTaken)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn credentials(conn: &Connection, email: &Email) -> ApiResult<Option<Credentials>> {
    Ok(conn
        .query_row(
            "SELECT id, password_hash, confirmed_at IS NOT NULL, language FROM users WHERE email = ?1",
            params![email.as_str()],
            |row| {
                Ok(Credentials {
                    id: row.get(0)?,
                    password_hash: row.get(1)?,
                    confirmed: row.get(2)?,
                    language: language_from_db(&row.get::<_, String>(3)?),
                })
            },
        )
        .optional()?)
}

pub fn password_hash(conn: &Connection, user_id: i64) -> ApiResult<String> {
    Ok(conn.query_row("SELECT password_hash FROM users WHERE id = ?1", params![user_id], |row| row.get(0))?)
}

pub fn account(conn: &Connection, user_id: i64) -> ApiResult<Account> {
    conn.query_row(
        "SELECT id, email, name, vehicle_make, vehicle_model, battery_kwh, language
         FROM users WHERE id = ?1",
        params![user_id],
        |row| {
            Ok(Account {
                id: row.get(0)?,
                email: row.get(1)?,
                profile: Profile {
                    name: row.get(2)?,
                    vehicle_make: row.get(3)?,
                    vehicle_model: row.get(4)?,
                    battery_kwh: row.get(5)?,
                    language: language_from_db(&row.get::<_, String>(6)?),
                },
            })
        },
    )
    .optional()?
    // The session outlived its user (deleted meanwhile): treat as logged out.
    .ok_or(ApiError::Unauthenticated)
}

pub fn update_profile(conn: &Connection, user_id: i64, profile: &Profile) -> ApiResult<()> {
    conn.execute(
        "UPDATE users SET name = ?2, vehicle_make = ?3, vehicle_model = ?4, battery_kwh = ?5, language = ?6
         WHERE id = ?1",
        params![
            user_id,
            profile.name,
            profile.vehicle_make,
            profile.vehicle_model,
            profile.battery_kwh,
            profile.language.tag()
        ],
    )?;
    Ok(())
}

pub fn set_password(conn: &Connection, user_id: i64, password_hash: &str) -> ApiResult<()> {
    conn.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user_id, password_hash])?;
    Ok(())
}

/// Ends every session of a user except `keep` (the one making the request, if any).
pub fn end_sessions(conn: &Connection, user_id: i64, keep: Option<&[u8]>) -> ApiResult<()> {
    conn.execute("DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2", params![user_id, keep])?;
    Ok(())
}

/// Issues a single-use token for an emailed link and returns the secret to put in the link.
pub fn issue_token(conn: &Connection, user_id: i64, purpose: TokenPurpose, now: i64) -> ApiResult<String> {
    let (token, hash) = token::generate();
    conn.execute(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, user_id, purpose.as_str(), now + purpose.ttl_secs()],
    )?;
    Ok(token)
}

/// Uses up a token: the user it was issued to, or `InvalidToken` when it is unknown,
/// used or expired. Using one also voids the user's other tokens for the same purpose.
pub fn consume_token(conn: &Connection, token: &str, purpose: TokenPurpose, now: i64) -> ApiResult<i64> {
    let user_id = token_user(conn, token, purpose, now)?;
    conn.execute(
        "UPDATE email_tokens SET used_at = ?3 WHERE user_id = ?1 AND purpose = ?2 AND used_at IS NULL",
        params![user_id, purpose.as_str(), now],
    )?;
    Ok(user_id)
}

/// The user a token was issued to, or `InvalidToken` when it is unknown, used or expired;
/// without using it up.
pub fn token_user(conn: &Connection, token: &str, purpose: TokenPurpose, now: i64) -> ApiResult<i64> {
    let user_id: Option<i64> = conn
        .query_row(
            "SELECT user_id FROM email_tokens
             WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3",
            params![token::hash(token), purpose.as_str(), now],
            |row| row.get(0),
        )
        .optional()?;
    user_id.ok_or(ApiError::InvalidToken)
}

pub fn mark_confirmed(conn: &Connection, user_id: i64, now: i64) -> ApiResult<()> {
    conn.execute(
        "UPDATE users SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

/// Deletes a user and everything that is theirs (sessions, tokens, the emails sent to them),
/// in the caller's transaction.
pub fn delete_user(tx: &Connection, user_id: i64) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM outbox WHERE recipient = (SELECT email FROM users WHERE id = ?1)",
        params![user_id],
    )?;
    tx.execute("DELETE FROM users WHERE id = ?1", params![user_id])?;
    Ok(())
}
