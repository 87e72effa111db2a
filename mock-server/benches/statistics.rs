//! Statistics for 10 chargers × 3 years of charges (≈ 10,000 sessions), computed server-side.
//! Prints the time of `GET /api/statistics`'s work (database read + sums); target ≤ 50 ms.
//!
//! `cargo bench -p charge-mock-server --bench statistics`

use std::time::Instant;

use charge_mock_server::simulator::catalogue;
use charge_mock_server::simulator::physics::constant_charge;
use charge_mock_server::statistics::compute;
use charge_mock_server::{AppState, Config};
use charge_model::charger::{ChargerModel, ChargerSettings};
use charge_model::statistics::BucketSize;
use chrono::{Duration, NaiveDate};
use rusqlite::params;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let state = AppState::new(Config::for_tests(dir.path().join("bench.sqlite")))?;
    let user = state.db.blocking(|conn| -> anyhow::Result<i64> {
        conn.execute(
            "INSERT INTO users (email, password_hash, confirmed_at, created_at) VALUES ('bench@example.com', 'x', 0, 0)",
            [],
        )?;
        Ok(conn.last_insert_rowid())
    })?;
    let ids = state.db.blocking(|conn| -> anyhow::Result<Vec<_>> {
        let free = catalogue::unpaired(conn, 10)?;
        let ids: Vec<_> =
            free.into_iter().filter(|c| c.1 == ChargerModel::Trydan).take(10).map(|c| c.0).collect();
        for (n, id) in ids.iter().enumerate() {
            let settings = serde_json::to_string(&ChargerSettings {
                name: format!("Charger {n}"),
                ..Default::default()
            })?;
            conn.execute(
                "UPDATE chargers SET owner_id = ?2, settings = ?3 WHERE id = ?1",
                params![id.as_str(), user, settings],
            )?;
        }
        Ok(ids)
    })?;
    let first_day = NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
    let mut finished = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        for day in 0..1095_i64 {
            if (day + n as i64) % 10 < 9 {
                let start = charge_model::madrid::day_start(first_day + Duration::days(day))
                    + Duration::hours(19 + (day % 4));
                finished.push(constant_charge(id, start, 60 + (day % 5) * 40, 7_400.0));
            }
        }
    }
    let sessions = finished.len();
    for chunk in finished.chunks(1000) {
        charge_mock_server::charges::record(&state.db, chunk.to_vec()).await?;
    }
    let last_day = first_day + Duration::days(1094);
    println!("Statistics over {sessions} sessions of 10 chargers, {first_day} to {last_day}:");
    for bucket in [BucketSize::Month, BucketSize::Week, BucketSize::Day] {
        let mut best = f64::MAX;
        let mut energy = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let stats =
                state.db.run(move |conn| compute(conn, user, None, first_day, last_day, bucket)).await?;
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            energy = stats.totals.energy_wh;
        }
        println!(
            "  by {:<6} {best:>7.1} ms   ({} kWh)   target ≤ 50 ms",
            format!("{bucket:?}").to_lowercase(),
            energy / 1000
        );
    }
    Ok(())
}
