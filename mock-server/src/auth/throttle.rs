//! Rate limits kept in SQLite, so that a restart forgets nothing: failed logins and password
//! checks, and the actions that create accounts or send email.
//!
//! Failed logins are counted so that an attacker is slowed down without locking the owner
//! out: a browser that has logged in to the account before (it holds a trusted-device cookie,
//! see [`crate::auth::device`]) has a budget of its own that nobody else's failures touch;
//! every other attempt counts against its client address for that account, against the
//! address as a whole, and (with a much larger budget) against the account from anywhere.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use rusqlite::{Connection, params};

use crate::error::{ApiError, ApiResult};

/// At most `max` events in any `window_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_secs: i64,
}

impl Limit {
    pub const fn per_hour(max: u32) -> Limit {
        Limit { max, window_secs: 3600 }
    }
}

/// A named counter and its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub limit: Limit,
}

/// Refuses with 429 (and how long to wait) when any bucket is full.
pub fn check(conn: &Connection, buckets: &[Bucket], now: i64) -> ApiResult<()> {
    let mut wait = 0;
    for bucket in buckets {
        let since = now - bucket.limit.window_secs;
        let (count, oldest): (u32, Option<i64>) = conn.query_row(
            "SELECT COUNT(*), MIN(at) FROM rate_events WHERE bucket = ?1 AND at > ?2",
            params![bucket.key, since],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        if count >= bucket.limit.max {
            // The oldest event leaving the window frees a place.
            let frees_at = oldest.unwrap_or(now) + bucket.limit.window_secs;
            wait = wait.max((frees_at - now).max(1));
        }
    }
    match wait {
        0 => Ok(()),
        wait => Err(ApiError::TooManyRequests { retry_after_secs: wait as u64 }),
    }
}

/// Counts one event in each bucket.
pub fn record(conn: &Connection, buckets: &[Bucket], now: i64) -> ApiResult<()> {
    for bucket in buckets {
        conn.execute("INSERT INTO rate_events (bucket, at) VALUES (?1, ?2)", params![bucket.key, now])?;
    }
    Ok(())
}

/// [`check`], then [`record`]: for actions limited whether or not they succeed.
pub fn take(conn: &Connection, buckets: &[Bucket], now: i64) -> ApiResult<()> {
    check(conn, buckets, now)?;
    record(conn, buckets, now)
}

/// Forgets a bucket's events (a successful login clears its failures).
pub fn clear(conn: &Connection, key: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM rate_events WHERE bucket = ?1", params![key])?;
    Ok(())
}

/// Deletes events older than any window (called now and then, not on every request).
pub fn sweep(conn: &Connection, now: i64) -> ApiResult<()> {
    conn.execute("DELETE FROM rate_events WHERE at <= ?1", params![now - LONGEST_WINDOW_SECS])?;
    Ok(())
}

/// No limit looks further back than this.
pub const LONGEST_WINDOW_SECS: i64 = 24 * 3600;

/// The buckets a login attempt counts against.
///
/// `max_failures` in `window_secs` is the budget of one browser or one address for one
/// account; an address may fail ten times that over all accounts, and an account
/// twenty times that from all untrusted browsers together.
pub fn login_buckets(
    email: &str,
    client: ClientIp,
    trusted_device: Option<&str>,
    max_failures: u32,
    window_secs: i64,
) -> Vec<Bucket> {
    let limit = |factor: u32| Limit { max: max_failures.max(1).saturating_mul(factor), window_secs };
    match trusted_device {
        Some(device) => vec![Bucket { key: format!("login:device:{device}"), limit: limit(1) }],
        None => vec![
            Bucket { key: format!("login:pair:{}:{email}", client.key()), limit: limit(1) },
            Bucket { key: format!("login:address:{}", client.key()), limit: limit(10) },
            Bucket { key: format!("login:account:{email}"), limit: limit(20) },
        ],
    }
}

/// The address a request came from (the TCP peer), for rate limits. IPv6 addresses count
/// by their /64 network, which one customer usually has whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The form buckets are named by.
    pub fn key(self) -> String {
        match self.0 {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = ip.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

impl FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        // The proxy appends the address it saw last: the rightmost entry is the one to trust.
        let forwarded = state.config.client_ip_header.as_deref().and_then(|name| {
            let value = parts.headers.get_all(name).iter().next_back()?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        });
        // Served without connection info (a test calling the router directly): one address.
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Ok(ClientIp(forwarded.or(peer).unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE rate_events (bucket TEXT NOT NULL, at INTEGER NOT NULL);").unwrap();
        conn
    }

    fn bucket(key: &str, max: u32) -> Bucket {
        Bucket { key: key.to_owned(), limit: Limit { max, window_secs: 60 } }
    }

    #[test]
    fn refuses_when_full_until_the_oldest_event_leaves_the_window() {
        let conn = db();
        let a = [bucket("a", 3)];
        for t in [0, 5, 10] {
            check(&conn, &a, t).unwrap();
            record(&conn, &a, t).unwrap();
        }
        match check(&conn, &a, 20) {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert_eq!(retry_after_secs, 40),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(check(&conn, &[bucket("b", 3)], 20).is_ok(), "other buckets are not affected");
        assert!(check(&conn, &a, 61).is_ok(), "the event at 0 has left the window");
        clear(&conn, "a").unwrap();
        assert!(check(&conn, &a, 20).is_ok());
    }

    #[test]
    fn the_fullest_bucket_decides_the_wait() {
        let conn = db();
        let both =
            [bucket("short", 1), Bucket { key: "long".into(), limit: Limit { max: 1, window_secs: 600 } }];
        take(&conn, &both, 0).unwrap();
        match take(&conn, &both, 1) {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert_eq!(retry_after_secs, 599),
            other => panic!("expected 429, got {other:?}"),
        }
    }

    #[test]
    fn a_trusted_browser_has_a_budget_nobody_else_touches() {
        let ip = ClientIp("203.0.113.9".parse().unwrap());
        let trusted = login_buckets("ana@x.es", ip, Some("d1"), 5, 900);
        let untrusted = login_buckets("ana@x.es", ip, None, 5, 900);
        assert_eq!(trusted.len(), 1);
        assert!(untrusted.iter().all(|b| !trusted.contains(b)));
        assert_eq!(untrusted.iter().map(|b| b.limit.max).collect::<Vec<_>>(), [5, 50, 100]);
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let a = ClientIp("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ClientIp("2001:db8:1:2:bbbb::7".parse().unwrap());
        assert_eq!(a.key(), b.key());
        assert_eq!(ClientIp("::ffff:192.0.2.1".parse().unwrap()).key(), "192.0.2.1");
    }
}
