//! The demo account (`--demo-account true`): a user with two chargers of their own and one
//! a neighbour shares with them, each with its tariff and 18 months of realistic charges
//! (about half of them started with one of the chargers' cards), so that costs, statistics
//! and the history's filters mean something on first start. Seeding happens once.

use charge_model::account::Email;
use charge_model::charger::{ChargerModel, ChargerSettings, Cover};
use charge_model::day_ranges::Span;
use charge_model::madrid;
use charge_model::tariff::{Price, PricedSpan, Tariff};
use chrono::{Duration, NaiveTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use crate::AppState;
use crate::accounts::store as accounts;
use crate::auth::password;
use crate::chargers::store::{self as chargers, JsonColumn};
use crate::simulator::physics::constant_charge;
use crate::simulator::{FinishedSession, catalogue};

pub const DEMO_EMAIL: &str = "demo@charge-portal.local";
pub const DEMO_PASSWORD: &str = "demo charge portal";
const NEIGHBOUR_EMAIL: &str = "neighbour@charge-portal.local";
/// How far back the charges go, in days (18 months).
pub const HISTORY_DAYS: i64 = 548;
/// The cards of the demo's chargers (by index: Home, Office).
const CARDS: [(usize, &str, &str); 3] =
    [(0, "A1B2C3D4", "Demo's card"), (0, "5E6F7A8B", "Partner's card"), (1, "C0FFEE01", "Company card")];
/// Home's charges of this many last days were charged under a plan.
pub const PLANNED_DAYS: i64 = 14;
/// When the neighbour shared their charger with the demo user, in days before seeding.
pub const SHARED_DAYS_AGO: i64 = 120;

/// Creates the demo account and its history unless it exists. Returns whether it seeded.
pub async fn seed(state: &AppState) -> anyhow::Result<bool> {
    let demo = Email::parse(DEMO_EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?;
    let exists = state.db.run(move |conn| Ok(accounts::credentials(conn, &demo)?.is_some())).await?;
    if exists {
        return Ok(false);
    }
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let now = state.clock.now();
    let unix = now.timestamp();
    let ids = state
        .db
        .run(move |conn| {
            let user = |email: &str, name: &str| -> crate::error::ApiResult<i64> {
                let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
                let id = accounts::insert_user(conn, &email, &hash, name, charge_model::Language::En, unix)?;
                accounts::mark_confirmed(conn, id, unix)?;
                Ok(id)
            };
            let demo = user(DEMO_EMAIL, "Demo Driver")?;
            let neighbour = user(NEIGHBOUR_EMAIL, "Nora Neighbour")?;
            let free = catalogue::unpaired(conn, 1).map_err(anyhow::Error::from)?;
            let pick = |model: ChargerModel| {
                free.iter()
                    .find(|c| c.1 == model)
                    .map(|c| c.0.clone())
                    .ok_or_else(|| anyhow::anyhow!("no free {model:?}"))
            };
            let chargers = [
                (pick(ChargerModel::Trydan)?, demo, "Home", Cover::Garage),
                (pick(ChargerModel::PolePro)?, demo, "Office", Cover::Street),
                (pick(ChargerModel::TrydanPro)?, neighbour, "Nora's driveway", Cover::Driveway),
            ];
            let mut paired = Vec::new();
            for (id, owner, name, cover) in chargers {
                let settings = ChargerSettings { name: name.to_owned(), cover, ..ChargerSettings::default() };
                let found = chargers::pair(conn, owner, &id, &settings, unix)?;
                paired.push((id, found.model, found.firmware));
            }
            // Shared four months ago: its charges count for the demo user from then on.
            conn.execute(
                "INSERT INTO shares (charger_id, user_id, role, shared_at) VALUES (?1, ?2, 'viewer', ?3)",
                params![paired[2].0.as_str(), demo, unix - SHARED_DAYS_AGO * 86_400],
            )?;
            let night_and_day = Tariff::TimeRanges {
                ranges: vec![
                    PricedSpan { span: Span { start: 0, end: 8 * 60 }, price: Price(82_000) },
                    PricedSpan { span: Span { start: 8 * 60, end: 1440 }, price: Price(171_000) },
                ],
            };
            for (index, tariff) in
                [night_and_day, Tariff::Flat { price: Price(145_000) }, Tariff::Pvpc].iter().enumerate()
            {
                chargers::save_json(conn, &paired[index].0, JsonColumn::Tariff, tariff)?;
            }
            // Cards, so that some charges are credited to one (the history filters by card).
            for (charger, code, name) in CARDS {
                chargers::save_card(conn, &paired[charger].0, None, code, name)?;
            }
            Ok(paired)
        })
        .await?;
    for (index, (id, model, firmware)) in ids.iter().enumerate() {
        state.simulator.add(id.clone(), *model, firmware.clone());
        let codes = CARDS.iter().filter(|card| card.0 == index).map(|card| card.1.to_owned()).collect();
        state.simulator.update(id, |charger| charger.cards = codes);
    }
    let mut rng = StdRng::seed_from_u64(42);
    let mut finished = Vec::new();
    for (index, (id, _, _)) in ids.iter().enumerate() {
        for days_ago in (1..=HISTORY_DAYS).rev() {
            let date = madrid::local(now).date() - Duration::days(days_ago);
            // Home: most evenings; office: working days at 9; the neighbour: some nights.
            let (chance, start_hour, power_w) = match index {
                0 => (0.55, rng.random_range(18..23), 7_360.0),
                1 => (
                    if madrid::weekday_index(chrono::Datelike::weekday(&date)) < 5 { 0.6 } else { 0.0 },
                    9,
                    11_000.0,
                ),
                _ => (0.3, rng.random_range(20..24), 3_680.0),
            };
            if !rng.random_bool(chance) {
                continue;
            }
            let minutes = rng.random_range(45..300_i64);
            let start = madrid::instant(date.and_time(
                NaiveTime::from_hms_opt(start_hour, rng.random_range(0..60), 0).unwrap_or_default(),
            ));
            // Home's charges of the last two weeks were made under a "ready by" plan: plugged in
            // in the evening, charged from 00:30 in the cheap night (so the statistics show what
            // plans saved). Decided without the random generator: the rest stays as it was.
            let planned = index == 0 && days_ago <= PLANNED_DAYS;
            let energy_from = if planned {
                madrid::instant(
                    (date + Duration::days(1))
                        .and_time(NaiveTime::from_hms_opt(0, 30, 0).unwrap_or_default()),
                )
            } else {
                start
            };
            // The simulator decides which card, if any, started it.
            let charge = FinishedSession {
                card: state.simulator.swipe(id),
                started_at: start,
                ..constant_charge(id, energy_from, minutes, power_w)
            };
            finished.push((charge, planned));
        }
    }
    for chunk in finished.chunks(500) {
        crate::charges::record_marked(&state.db, chunk.to_vec()).await?;
    }
    tracing::info!(email = DEMO_EMAIL, sessions = finished.len(), "demo account seeded");
    Ok(true)
}
