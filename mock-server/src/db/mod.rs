//! SQLite storage: one connection behind a mutex, used from blocking tasks.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use rusqlite::Connection;

use crate::error::ApiError;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("001_accounts.sql"),
    include_str!("002_chargers.sql"),
    include_str!("003_sharing.sql"),
    include_str!("005_schedules_and_costs.sql"),
    include_str!("006_market_prices.sql"),
    include_str!("007_rate_limits.sql"),
    include_str!("008_charges_in_progress.sql"),
    include_str!("009_session_activity.sql"),
    include_str!("010_charger_links.sql"),
    include_str!("011_trydan_links.sql"),
    include_str!("012_plans.sql"),
    include_str!("013_oidc.sql"),
    include_str!("016_plan_savings.sql"),
    // After 016: `user_version` counts the migrations run, so a database that has run 016
    // would skip a migration listed before it.
    include_str!("014_notifications.sql"),
];

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let mut conn =
            Connection::open(path).with_context(|| format!("opening database {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` with the connection on the current thread (start-up, tests).
    pub fn blocking<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
    }
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let done: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql).with_context(|| format!("migration {}", index + 1))?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 11 replaces `chargers.link` to widen its CHECK: every row, its link and what
    /// references it (cards, charges) stay; the new kind is accepted, others still refused.
    #[test]
    fn the_trydan_migration_keeps_every_charger_and_what_references_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("old.sqlite")).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for (index, sql) in MIGRATIONS.iter().enumerate().take(10) {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", index + 1).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO chargers (id, model, unit, firmware, link) VALUES
                 ('SIMULATED1', 'trydan', 'SIMULATED1', '2.3.4', 'simulated'),
                 ('OCPPCHARG1', 'ocpp', 'OCPPCHARG1', '', 'ocpp');
             INSERT INTO rfid_cards (charger_id, code, name) VALUES ('OCPPCHARG1', 'DEC0DE01', 'Ana');
             INSERT INTO charge_sessions (charger_id, started_at, ended_at, energy_wh, hourly)
                 VALUES ('SIMULATED1', 0, 3600, 7400, '[]');",
        )
        .unwrap();

        migrate(&mut conn).unwrap();

        let links: Vec<(String, String)> = conn
            .prepare("SELECT id, link FROM chargers ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(links, [("OCPPCHARG1".into(), "ocpp".into()), ("SIMULATED1".into(), "simulated".into())]);
        let count = |table: &str| -> i64 {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| row.get(0)).unwrap()
        };
        assert_eq!((count("rfid_cards"), count("charge_sessions")), (1, 1));
        conn.execute(
            "INSERT INTO chargers (id, model, unit, firmware, link) VALUES ('TRYDANLNK1', 'trydan', 'TRYDANLNK1', '', 'trydan')",
            [],
        )
        .unwrap();
        let bad = conn.execute(
            "INSERT INTO chargers (id, model, unit, firmware, link) VALUES ('BADLINK001', 'trydan', 'BADLINK001', '', 'modbus')",
            [],
        );
        assert!(bad.is_err(), "the CHECK still refuses unknown kinds");
        let default: String = {
            conn.execute("INSERT INTO chargers (id, model, unit, firmware) VALUES ('DEFAULT001', 'denka', 'DEFAULT001', '')", [])
                .unwrap();
            conn.query_row("SELECT link FROM chargers WHERE id = 'DEFAULT001'", [], |row| row.get(0)).unwrap()
        };
        assert_eq!(default, "simulated");
        let violations: i64 =
            conn.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| row.get(0)).unwrap();
        assert_eq!(violations, 0);
    }
}
