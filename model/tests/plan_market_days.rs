//! The planner against independent optima on the real market days of the price files
//! (`mock-server/tests/fixtures/tariffs/`, copied verbatim from public sources, see its
//! `SOURCES.md`): OMIE days hourly and quarter-hourly, both days summer time changes on (23
//! and 25 hours), the first quarter-hourly OMIE day, and REE/ESIOS PVPC days.
//!
//! Two independent checks, both to the pico-euro and so to the cent:
//! - whole days (and 48 hours): the linear programme's dual bound, the largest
//!   `λ·E − Σ c_i·max(0, λ − p_i)` over the prices `λ`, which equals the least cost of any plan
//!   (strong duality) and involves no choosing of quarters;
//! - windows of 12 quarters: every vertex of the programme (any set of full quarters plus at
//!   most one partly used), exhaustively.
//!
//! The files are read here by small readers of their own, not the server's parsers.

use charge_model::madrid;
use charge_model::plan::{Goal, Plan, PlanError, QUARTER_SECS, QuarterLimit, plan};
use charge_model::prices::PricePoint;
use charge_model::tariff::{self, Price, Quote, Tariff, round_pico_to_cents};
use chrono::{DateTime, NaiveDate};
use serde_json::Value;

macro_rules! fixture {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../mock-server/tests/fixtures/tariffs/", $path))
    };
}

/// A €/MWh figure as µ€/kWh (1 €/MWh = 1000 µ€/kWh); the files have at most 3 decimals.
fn micros(text: &str) -> i64 {
    let value: f64 = text.trim().replace(',', ".").parse().unwrap();
    (value * 1000.0).round() as i64
}

/// A day's prices, back to back from its local midnight.
fn day_points(date: NaiveDate, prices: &[i64]) -> Vec<PricePoint> {
    let hours = madrid::day_hours(date);
    let minutes: u16 = if prices.len() as i64 == hours { 60 } else { 15 };
    assert_eq!(prices.len() as i64 * i64::from(minutes), hours * 60, "{date}: a whole day");
    let start = madrid::day_start(date).timestamp();
    (0..)
        .zip(prices)
        .map(|(i, &price)| PricePoint {
            start: start + i * i64::from(minutes) * 60,
            minutes,
            price: Price(price),
            estimated: false,
        })
        .collect()
}

/// `marginalpdbc_YYYYMMDD.1`: `YYYY;MM;DD;period;PT;ES;` rows.
fn omie_daily(bytes: &[u8]) -> Vec<PricePoint> {
    let text = std::str::from_utf8(bytes).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .filter(|line| line.contains(';'))
        .map(|line| line.split(';').collect())
        .collect();
    let number = |text: &str| text.parse::<u32>().unwrap();
    let date =
        NaiveDate::from_ymd_opt(number(rows[0][0]) as i32, number(rows[0][1]), number(rows[0][2])).unwrap();
    day_points(date, &rows.iter().map(|row| micros(row[5])).collect::<Vec<_>>())
}

/// `INT_PBC_EV_H_1_…TXT`: the date among the first line's fields, then the Spanish row.
fn omie_table(bytes: &[u8]) -> Vec<PricePoint> {
    let text = std::str::from_utf8(bytes).unwrap();
    let date = text
        .lines()
        .next()
        .unwrap()
        .split(';')
        .find_map(|field| NaiveDate::parse_from_str(field.trim(), "%d/%m/%Y").ok())
        .unwrap();
    let row = text.lines().find(|line| line.starts_with("Precio marginal en el sistema español")).unwrap();
    let prices: Vec<i64> =
        row.split(';').skip(1).filter(|value| !value.trim().is_empty()).map(micros).collect();
    day_points(date, &prices)
}

/// Hourly values at RFC 3339 local times, sorted.
fn hourly(values: impl Iterator<Item = (i64, i64)>) -> Vec<PricePoint> {
    let mut points: Vec<PricePoint> = values
        .map(|(start, price)| PricePoint { start, minutes: 60, price: Price(price), estimated: false })
        .collect();
    points.sort_by_key(|point| point.start);
    assert!(points.windows(2).all(|pair| pair[1].start - pair[0].start == 3600), "back to back");
    points
}

fn json_value(value: &Value) -> (i64, i64) {
    let at = DateTime::parse_from_rfc3339(value["datetime"].as_str().unwrap()).unwrap().timestamp();
    (at, (value["value"].as_f64().unwrap() * 1000.0).round() as i64)
}

/// An ESIOS indicator: the peninsula's values (geo 8741), or all when it has no areas.
fn esios(bytes: &[u8]) -> Vec<PricePoint> {
    let answer: Value = serde_json::from_slice(bytes).unwrap();
    let values = answer["indicator"]["values"].as_array().unwrap();
    let peninsula = values.iter().any(|value| value["geo_id"] == 8741);
    hourly(values.iter().filter(|value| !peninsula || value["geo_id"] == 8741).map(json_value))
}

/// An apidatos answer: one indicator's values.
fn apidatos(bytes: &[u8], indicator: &str) -> Vec<PricePoint> {
    let answer: Value = serde_json::from_slice(bytes).unwrap();
    let item = answer["included"].as_array().unwrap().iter().find(|item| item["id"] == indicator).unwrap();
    hourly(item["attributes"]["values"].as_array().unwrap().iter().map(json_value))
}

/// A PVPC daily curve: the peninsula's `PCB`, hour by hour from local midnight.
fn pvpc_curve(bytes: &[u8]) -> Vec<PricePoint> {
    let curve: Value = serde_json::from_slice(bytes).unwrap();
    let rows = curve["PVPC"].as_array().unwrap();
    let date = NaiveDate::parse_from_str(rows[0]["Dia"].as_str().unwrap(), "%d/%m/%Y").unwrap();
    day_points(date, &rows.iter().map(|row| micros(row["PCB"].as_str().unwrap())).collect::<Vec<_>>())
}

/// Typed tolls (overrides), so that the plans follow the files' market prices alone.
const INDEXED: Tariff = Tariff::Indexed {
    margin: Price(12_000),
    p1: Some(Price(97_000)),
    p2: Some(Price(29_000)),
    p3: Some(Price(3_000)),
};

/// Every market day of the files, with the tariffs that follow its market.
fn market_days() -> Vec<(&'static str, Vec<PricePoint>, Vec<Tariff>)> {
    let omie = || vec![Tariff::OmieSpot, INDEXED];
    let pvpc = || vec![Tariff::Pvpc];
    vec![
        ("OMIE 2025-09-15, hourly", omie_daily(fixture!("omie/marginalpdbc_20250915.1")), omie()),
        (
            "OMIE 2025-10-01, first quarter-hourly day",
            omie_table(fixture!("pyomie/INT_PBC_EV_H_1_01_10_2025_01_10_2025.TXT")),
            omie(),
        ),
        ("OMIE 2025-10-26, 25 h", omie_daily(fixture!("omie/marginalpdbc_20251026.1")), omie()),
        ("OMIE 2026-03-29, 23 h", omie_daily(fixture!("omie/marginalpdbc_20260329.1")), omie()),
        ("OMIE 2026-04-15", omie_daily(fixture!("omie/marginalpdbc_20260415.1")), omie()),
        (
            "REE spot 2021-10-31, 25 h",
            apidatos(fixture!("aiopvpc/PRICES_APIDATOS_2021_10_31.json"), "600"),
            omie(),
        ),
        (
            "REE PVPC 2021-06-01",
            apidatos(fixture!("aiopvpc/PRICES_APIDATOS_2021_06_01.json"), "1001"),
            pvpc(),
        ),
        (
            "REE PVPC 2021-10-31, 25 h",
            apidatos(fixture!("aiopvpc/PRICES_APIDATOS_2021_10_31.json"), "1001"),
            pvpc(),
        ),
        ("ESIOS 1001 2021-10-31, 25 h", esios(fixture!("aiopvpc/PRICES_ESIOS_1001_2021_10_31.json")), pvpc()),
        ("ESIOS 1001 2024-03-09", esios(fixture!("aiopvpc/PRICES_ESIOS_1001_2024_03_09.json")), pvpc()),
        ("ESIOS 10211 2024-03-09", esios(fixture!("aiopvpc/PRICES_ESIOS_10211_2024_03_09.json")), pvpc()),
        ("ESIOS 2108 2024-03-09", esios(fixture!("aiopvpc/PRICES_ESIOS_2108_2024_03_09.json")), pvpc()),
        (
            "ESIOS 1739 2024-03-09 (negative)",
            esios(fixture!("aiopvpc/PRICES_ESIOS_1739_2024_03_09.json")),
            pvpc(),
        ),
        ("PVPC curve 2021-10-31, 25 h", pvpc_curve(fixture!("aiopvpc/PVPC_CURV_DD_2021_10_31.json")), pvpc()),
        ("PVPC curve 2022-03-27, 23 h", pvpc_curve(fixture!("aiopvpc/PVPC_CURV_DD_2022_03_27.json")), pvpc()),
    ]
}

#[test]
fn the_files_read_as_whole_days_including_both_summer_time_changes() {
    let days = market_days();
    let hours = |name: &str| {
        let points = &days.iter().find(|day| day.0 == name).unwrap().1;
        points.iter().map(|point| i64::from(point.minutes)).sum::<i64>() / 60
    };
    assert_eq!(hours("OMIE 2025-10-26, 25 h"), 25);
    assert_eq!(hours("OMIE 2026-03-29, 23 h"), 23);
    assert_eq!(hours("PVPC curve 2022-03-27, 23 h"), 23);
    assert_eq!(hours("ESIOS 1001 2021-10-31, 25 h"), 25);
    let quarter_hourly = |name: &str| days.iter().find(|day| day.0 == name).unwrap().1[0].minutes == 15;
    assert!(quarter_hourly("OMIE 2025-10-01, first quarter-hourly day"));
    assert!(!quarter_hourly("OMIE 2025-09-15, hourly"));
    assert!(days.iter().all(|day| day.1.iter().any(|point| point.price != day.1[0].price)));
}

/// A quarter as the checks see it: price and what can be charged in it, worked out here.
struct Quarter {
    price: i64,
    capacity_mwh: i64,
}

/// The market price at an instant, looked up here.
fn market_at(points: &[PricePoint], at: i64) -> Quote {
    let point = points
        .iter()
        .find(|point| point.start <= at && at < point.start + i64::from(point.minutes) * 60)
        .expect("a price");
    Quote { price: point.price, estimated: point.estimated }
}

fn quarters(goal: &Goal, tariff: &Tariff, points: &[PricePoint], limits: &[QuarterLimit]) -> Vec<Quarter> {
    limits
        .iter()
        .filter(|limit| limit.start < goal.departure && limit.start + QUARTER_SECS > goal.now)
        .map(|limit| {
            let seconds = (limit.start + QUARTER_SECS).min(goal.departure) - limit.start.max(goal.now);
            let at = DateTime::from_timestamp(limit.start, 0).unwrap();
            Quarter {
                price: tariff.price_at(at, Some(market_at(points, limit.start).price)).0,
                // W × s / 3.6 = mWh, rounded down.
                capacity_mwh: i64::from(limit.max_w) * seconds * 1000 / 3600,
            }
        })
        .filter(|quarter| quarter.capacity_mwh > 0)
        .collect()
}

/// The least cost of any plan, from the dual: max over λ of λ·E − Σ c·max(0, λ − p), pico-€.
fn dual_optimum(quarters: &[Quarter], need_mwh: i64) -> i128 {
    quarters
        .iter()
        .map(|lambda| {
            let lambda = i128::from(lambda.price);
            let surplus: i128 = quarters
                .iter()
                .map(|q| i128::from(q.capacity_mwh) * (lambda - i128::from(q.price)).max(0))
                .sum();
            lambda * i128::from(need_mwh) - surplus
        })
        .max()
        .unwrap()
}

/// The least cost over every vertex: a set of full quarters and at most one partly used.
fn vertex_optimum(quarters: &[Quarter], need_mwh: i64) -> i128 {
    assert!(quarters.len() <= 16, "exhaustive");
    let mut best: Option<i128> = None;
    for full in 0u32..(1 << quarters.len()) {
        let (mut energy, mut cost) = (0_i64, 0_i128);
        for (i, q) in quarters.iter().enumerate() {
            if full & (1 << i) != 0 {
                energy += q.capacity_mwh;
                cost += i128::from(q.capacity_mwh) * i128::from(q.price);
            }
        }
        let rest = need_mwh - energy;
        if rest < 0 {
            continue;
        }
        let finishes = quarters
            .iter()
            .enumerate()
            .filter(|&(i, q)| rest == 0 || (full & (1 << i) == 0 && rest <= q.capacity_mwh));
        for (_, q) in finishes {
            let total = cost + i128::from(rest) * i128::from(q.price);
            best = Some(best.map_or(total, |best| best.min(total)));
        }
    }
    best.expect("a feasible plan")
}

/// Charging at once, worked out here: the quarters in time order, each to capacity.
fn at_once(quarters: &[Quarter], need_mwh: i64) -> i128 {
    let mut left = need_mwh;
    let mut cost = 0;
    for q in quarters {
        let take = q.capacity_mwh.min(left);
        cost += i128::from(take) * i128::from(q.price);
        left -= take;
    }
    cost
}

/// The plan's exact cost and its cents, both from the cost function; checks it adds up.
fn priced(plan: &Plan, tariff: &Tariff, points: &[PricePoint], need_mwh: i64) -> i128 {
    assert_eq!(plan.energy_mwh(), need_mwh);
    assert!(plan.quarters.windows(2).all(|pair| pair[0].start < pair[1].start));
    let priced = tariff::price(tariff, &plan.slices(), |at| market_at(points, at.timestamp()));
    assert_eq!(priced.cost, plan.cost);
    priced.slices.iter().map(|slice| i128::from(slice.cost_pico)).sum()
}

/// Power limits to try: steady, stepped like a dynamic power profile with a timer, and uneven.
fn limit_sets(from: i64, to: i64) -> Vec<(&'static str, Vec<QuarterLimit>)> {
    let first = from - from.rem_euclid(QUARTER_SECS);
    let starts = || (first..to).step_by(QUARTER_SECS as usize);
    let mut seed = 11_u64;
    let mut random = move |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    const WATTS: [u32; 7] = [0, 1380, 2300, 3680, 4140, 7360, 11_040];
    vec![
        ("steady 7360 W", starts().map(|start| QuarterLimit { start, max_w: 7360 }).collect()),
        (
            "stepped",
            starts()
                .map(|start| {
                    let hour = (start - first) / 3600;
                    let max_w = match hour % 24 {
                        0..=6 => 5520,
                        7..=12 => 2300,
                        13..=15 => 0,
                        _ => 3680,
                    };
                    QuarterLimit { start, max_w }
                })
                .collect(),
        ),
        (
            "uneven",
            starts()
                .map(|start| QuarterLimit { start, max_w: WATTS[random(WATTS.len() as u64) as usize] })
                .collect(),
        ),
    ]
}

#[test]
fn whole_days_cost_the_least_any_plan_can_to_the_cent() {
    let mut checked = 0;
    for (name, points, tariffs) in market_days() {
        let day_start = points[0].start;
        let day_end = points.last().map(|p| p.start + i64::from(p.minutes) * 60).unwrap();
        // From a few minutes into the first quarter to a few before the day ends.
        let (now, departure) = (day_start + 7 * 60 + 13, day_end - 4 * 60);
        for tariff in &tariffs {
            for (limits_name, limits) in limit_sets(now, departure) {
                let probe = Goal { now, departure, energy_wh: 0 };
                let quarters = quarters(&probe, tariff, &points, &limits);
                let most_mwh: i64 = quarters.iter().map(|q| q.capacity_mwh).sum();
                let most_wh = (most_mwh / 1000) as u32;
                for energy_wh in [1, 2_345, 7_500, 20_000, 45_000, most_wh.saturating_sub(1), most_wh] {
                    let goal = Goal { now, departure, energy_wh };
                    let case = format!("{name}, {tariff:?}, {limits_name}, {energy_wh} Wh");
                    if energy_wh > most_wh {
                        assert_eq!(
                            plan(&goal, tariff, &points, &limits),
                            Err(PlanError::NotEnoughTime { max_wh: most_wh }),
                            "{case}"
                        );
                        continue;
                    }
                    let need = i64::from(energy_wh) * 1000;
                    let plan =
                        plan(&goal, tariff, &points, &limits).unwrap_or_else(|e| panic!("{case}: {e}"));
                    let optimum = dual_optimum(&quarters, need);
                    assert_eq!(priced(&plan, tariff, &points, need), optimum, "{case}");
                    assert_eq!(plan.cost.cents, round_pico_to_cents(optimum), "{case}");
                    assert_eq!(plan.at_once.cents, round_pico_to_cents(at_once(&quarters, need)), "{case}");
                    assert!(plan.cost.cents <= plan.at_once.cents, "{case}");
                    checked += 1;
                }
                let over = Goal { now, departure, energy_wh: most_wh + 1 };
                assert_eq!(
                    plan(&over, tariff, &points, &limits),
                    Err(PlanError::NotEnoughTime { max_wh: most_wh }),
                    "{name}, {limits_name}"
                );
            }
        }
    }
    assert!(checked > 300, "{checked} plans checked");
}

#[test]
fn windows_of_the_days_match_an_exhaustive_search_to_the_cent() {
    let mut checked = 0;
    for (name, points, tariffs) in market_days() {
        let day_start = points[0].start;
        let day_end = points.last().map(|p| p.start + i64::from(p.minutes) * 60).unwrap();
        for tariff in &tariffs {
            for (limits_name, limits) in limit_sets(day_start, day_end) {
                let mut window = day_start;
                while window + 12 * QUARTER_SECS <= day_end {
                    let goal =
                        Goal { now: window + 301, departure: window + 12 * QUARTER_SECS - 120, energy_wh: 0 };
                    let quarters = quarters(&goal, tariff, &points, &limits);
                    let most: i64 = quarters.iter().map(|q| q.capacity_mwh).sum::<i64>() / 1000;
                    for share in [1, 2, 3, 4] {
                        let energy_wh = (most * share / 4) as u32;
                        let goal = Goal { energy_wh, ..goal };
                        let case =
                            format!("{name}, {tariff:?}, {limits_name}, window at {window}, {energy_wh} Wh");
                        let plan =
                            plan(&goal, tariff, &points, &limits).unwrap_or_else(|e| panic!("{case}: {e}"));
                        if energy_wh == 0 {
                            assert!(plan.quarters.is_empty());
                            continue;
                        }
                        let need = i64::from(energy_wh) * 1000;
                        let optimum = vertex_optimum(&quarters, need);
                        assert_eq!(priced(&plan, tariff, &points, need), optimum, "{case}");
                        assert_eq!(plan.cost.cents, round_pico_to_cents(optimum), "{case}");
                        checked += 1;
                    }
                    window += 7 * QUARTER_SECS;
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} windows checked");
}

#[test]
fn two_days_with_the_second_estimated_plan_across_the_publication() {
    // 48 hours from the day summer time ends, the next day estimated (as the server does
    // before OMIE publishes it): its prices marked as estimates.
    let published = omie_daily(fixture!("omie/marginalpdbc_20251026.1"));
    let next = omie_daily(fixture!("omie/marginalpdbc_20260415.1"));
    let day_start = published[0].start;
    let second = published.last().unwrap().start + 15 * 60;
    let mut points = published.clone();
    points.extend(next.iter().map(|point| PricePoint {
        start: second + (point.start - next[0].start),
        estimated: true,
        ..*point
    }));
    let (now, departure) = (day_start + 600, second + 24 * 3600 - 300);
    for tariff in [Tariff::OmieSpot, INDEXED] {
        for (limits_name, limits) in limit_sets(now, departure) {
            let probe = Goal { now, departure, energy_wh: 0 };
            let quarters = quarters(&probe, &tariff, &points, &limits);
            for energy_wh in [3_000, 30_000, 90_000] {
                let goal = Goal { energy_wh, ..probe };
                let case = format!("{tariff:?}, {limits_name}, {energy_wh} Wh");
                let need = i64::from(energy_wh) * 1000;
                let Ok(plan) = plan(&goal, &tariff, &points, &limits) else {
                    assert!(quarters.iter().map(|q| q.capacity_mwh).sum::<i64>() < need, "{case}");
                    continue;
                };
                let optimum = dual_optimum(&quarters, need);
                assert_eq!(priced(&plan, &tariff, &points, need), optimum, "{case}");
                let uses_estimates = plan.quarters.iter().any(|q| q.start >= second);
                assert_eq!(plan.cost.estimated, uses_estimates, "{case}");
                assert!(plan.quarters.iter().all(|q| q.estimated == (q.start >= second)), "{case}");
                assert!(plan.at_once.cents >= plan.cost.cents, "{case}");
            }
        }
    }
}
