//! Queries on the OpenID Connect tables: sign-ins in progress, linked identities, links
//! waiting for the account owner's proof.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::auth::token;
use crate::error::ApiResult;

/// An authorization request waiting for the provider's answer.
#[derive(Debug, Clone)]
pub struct Flow {
    pub browser_hash: Vec<u8>,
    pub provider: String,
    pub nonce: String,
    pub verifier: String,
    /// The logged-in user linking a provider from the profile; `None` to sign in.
    pub user_id: Option<i64>,
    pub next: String,
    pub expires_at: i64,
}

/// How long a sign-in at a provider may take.
pub const FLOW_TTL_SECS: i64 = 10 * 60;
/// How long a link waits for the account owner's proof.
pub const PENDING_TTL_SECS: i64 = 3600;

pub fn insert_flow(conn: &Connection, state: &str, flow: &Flow, now: i64) -> ApiResult<()> {
    conn.execute("DELETE FROM oidc_flows WHERE expires_at <= ?1", [now])?;
    conn.execute(
        "INSERT INTO oidc_flows (state_hash, browser_hash, provider, nonce, verifier, user_id, next, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            token::hash(state),
            flow.browser_hash,
            flow.provider,
            flow.nonce,
            flow.verifier,
            flow.user_id,
            flow.next,
            flow.expires_at
        ],
    )?;
    Ok(())
}

/// Takes the flow of `state` out (each state is answered once), expired or not.
pub fn take_flow(conn: &Connection, state: &str) -> ApiResult<Option<Flow>> {
    Ok(conn
        .query_row(
            "DELETE FROM oidc_flows WHERE state_hash = ?1
             RETURNING browser_hash, provider, nonce, verifier, user_id, next, expires_at",
            [token::hash(state)],
            |row| {
                Ok(Flow {
                    browser_hash: row.get(0)?,
                    provider: row.get(1)?,
                    nonce: row.get(2)?,
                    verifier: row.get(3)?,
                    user_id: row.get(4)?,
                    next: row.get(5)?,
                    expires_at: row.get(6)?,
                })
            },
        )
        .optional()?)
}

/// The account an identity is linked to.
pub fn identity_user(conn: &Connection, provider: &str, subject: &str) -> ApiResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT user_id FROM oidc_identities WHERE provider = ?1 AND subject = ?2",
            params![provider, subject],
            |row| row.get(0),
        )
        .optional()?)
}

/// Links an identity to an account, replacing the account's earlier identity at that provider.
pub fn link(
    conn: &Connection,
    user_id: i64,
    provider: &str,
    subject: &str,
    email: &str,
    now: i64,
) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM oidc_identities WHERE user_id = ?1 AND provider = ?2",
        params![user_id, provider],
    )?;
    conn.execute(
        "INSERT INTO oidc_identities (provider, subject, user_id, email, linked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![provider, subject, user_id, email, now],
    )?;
    Ok(())
}

/// An account's identities: (provider, email, linked_at).
pub fn identities(conn: &Connection, user_id: i64) -> ApiResult<Vec<(String, String, i64)>> {
    let mut statement = conn.prepare(
        "SELECT provider, email, linked_at FROM oidc_identities WHERE user_id = ?1 ORDER BY linked_at, provider",
    )?;
    let rows = statement.query_map([user_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Removes an account's identity at `provider`; whether there was one.
pub fn unlink(conn: &Connection, user_id: i64, provider: &str) -> ApiResult<bool> {
    Ok(conn.execute(
        "DELETE FROM oidc_identities WHERE user_id = ?1 AND provider = ?2",
        params![user_id, provider],
    )? > 0)
}

/// Records a link waiting for proof; returns the secret of its emailed link and cookie.
pub fn insert_pending(
    conn: &Connection,
    user_id: i64,
    provider: &str,
    subject: &str,
    email: &str,
    now: i64,
) -> ApiResult<String> {
    conn.execute("DELETE FROM oidc_pending_links WHERE expires_at <= ?1", [now])?;
    let (secret, hash) = token::generate();
    conn.execute(
        "INSERT INTO oidc_pending_links (token_hash, user_id, provider, subject, email, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![hash, user_id, provider, subject, email, now + PENDING_TTL_SECS],
    )?;
    Ok(secret)
}

/// Completes a waiting link: when `user_id` is given, only if it is that account's. Returns
/// the account linked, or `None` when the link is unknown, expired or someone else's.
pub fn complete_pending(
    conn: &Connection,
    secret: &str,
    user_id: Option<i64>,
    now: i64,
) -> ApiResult<Option<i64>> {
    let pending: Option<(i64, String, String, String)> = conn
        .query_row(
            "DELETE FROM oidc_pending_links WHERE token_hash = ?1 AND expires_at > ?2 AND (?3 IS NULL OR user_id = ?3)
             RETURNING user_id, provider, subject, email",
            params![token::hash(secret), now, user_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((user_id, provider, subject, email)) = pending else { return Ok(None) };
    // Linked to another account meanwhile: that link stays.
    if identity_user(conn, &provider, &subject)?.is_some_and(|other| other != user_id) {
        return Ok(None);
    }
    link(conn, user_id, &provider, &subject, &email, now)?;
    Ok(Some(user_id))
}

/// Whether the account has a password (an account made by a provider has none).
pub fn has_password(conn: &Connection, user_id: i64) -> ApiResult<bool> {
    Ok(conn.query_row("SELECT password_hash != '' FROM users WHERE id = ?1", [user_id], |row| row.get(0))?)
}
