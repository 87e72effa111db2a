//! Trusted devices: a browser that logs in to an account gets a long-lived random cookie
//! (the OWASP "device cookie"). Its failed logins to that account are counted apart, so an
//! attacker guessing the password cannot lock the owner's own browser out.

use axum_extra::extract::cookie::{Cookie, SameSite};
use rusqlite::{Connection, OptionalExtension as _, params};

use super::token;
use crate::error::ApiResult;

/// Name of the device cookie; it is only sent to the login endpoint.
pub const COOKIE: &str = "cp_device";
/// Its name when cookies are `Secure`.
pub const SECURE_COOKIE: &str = "__Secure-cp_device";

/// The device cookie's name under `config`.
pub fn cookie_name(config: &crate::Config) -> &'static str {
    if config.secure_cookies() { SECURE_COOKIE } else { COOKIE }
}

const LIFETIME_DAYS: i64 = 365;

/// The bucket name of the device behind `cookie`, when it has logged in to `email` before.
pub fn trusted(conn: &Connection, cookie: Option<&str>, email: &str) -> ApiResult<Option<String>> {
    let Some(cookie) = cookie else { return Ok(None) };
    let hash = token::hash(cookie);
    let found: Option<Vec<u8>> = conn
        .query_row(
            "SELECT d.token_hash FROM trusted_devices d JOIN users u ON u.id = d.user_id
             WHERE d.token_hash = ?1 AND u.email = ?2",
            params![hash, email],
            |row| row.get(0),
        )
        .optional()?;
    Ok(found.map(|hash| hash.iter().take(12).map(|b| format!("{b:02x}")).collect()))
}

/// Remembers a new device for `user_id` and returns its cookie.
pub fn issue(
    conn: &Connection,
    user_id: i64,
    now: i64,
    config: &crate::Config,
) -> ApiResult<Cookie<'static>> {
    let secure = config.secure_cookies();
    let (secret, hash) = token::generate();
    conn.execute(
        "INSERT INTO trusted_devices (token_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![hash, user_id, now],
    )?;
    // A user keeps at most 20 devices: the oldest are forgotten.
    conn.execute(
        "DELETE FROM trusted_devices WHERE user_id = ?1 AND token_hash NOT IN
         (SELECT token_hash FROM trusted_devices WHERE user_id = ?1 ORDER BY created_at DESC LIMIT 20)",
        params![user_id],
    )?;
    conn.execute("DELETE FROM trusted_devices WHERE created_at < ?1", params![now - LIFETIME_DAYS * 86_400])?;
    Ok(Cookie::build((cookie_name(config), secret))
        .path("/api/auth/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::days(LIFETIME_DAYS))
        .build())
}
