//! Plans a 48-hour horizon at quarter-hour resolution (192 quarters of market prices under the
//! indexed tariff, the dearest to price), many times over, and prints the median and 99th
//! percentile; the target is ≤ 10 ms a plan. Also times the power limits of the same
//! horizon from a charger's settings, timers and dynamic power, and both together.
//!
//! `cargo bench -p charge-model --bench planning`

use std::hint::black_box;
use std::time::Instant;

use charge_model::charger::ChargerSettings;
use charge_model::day_ranges::Span;
use charge_model::dynamic_power::{DynamicPower, ProfileSlot};
use charge_model::plan::{ChargerLimits, Goal, plan, quarter_limits};
use charge_model::prices::PricePoint;
use charge_model::tariff::{Price, Tariff};
use charge_model::timers::{Timer, Timers};

const RUNS: usize = 2_000;
const TARGET_MS: f64 = 10.0;

fn main() {
    // From 2026-04-15 00:00 local (+02:00), a little into the first quarter.
    let day_start = 1_776_204_000_i64;
    let now = day_start + 7 * 60;
    let departure = day_start + 48 * 3600;
    let mut seed = 7_u64;
    let mut random = move |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    // Published the first day, estimated the second.
    let market: Vec<PricePoint> = (0..192)
        .map(|q| PricePoint {
            start: day_start + q * 900,
            minutes: 15,
            price: Price(random(180_000) as i64 - 10_000),
            estimated: q >= 96,
        })
        .collect();
    let tariff = Tariff::Indexed { margin: Price(12_000), p1: None, p2: None, p3: None };
    let settings = ChargerSettings::default();
    let timers = Timers {
        timers: vec![Timer { enabled: true, days: [true; 7], span: Span { start: 21 * 60, end: 15 * 60 } }],
    };
    let slot = |start: u16, end: u16, max_kw| ProfileSlot {
        span: Span { start: start * 60, end: end * 60 },
        max_kw,
    };
    let dynamic_power = DynamicPower {
        enabled: true,
        contracted_kw: 6.9,
        weekdays: vec![slot(0, 8, 6.9), slot(8, 24, 4.6)],
        weekends: vec![slot(0, 24, 6.9)],
        ..DynamicPower::default()
    };
    let charger = ChargerLimits {
        settings: &settings,
        timers: &timers,
        dynamic_power: &dynamic_power,
        contracted_kw: Some(6.9),
        volts: 230.0,
        phases: 1,
        house_w: 600.0,
    };
    let limits = quarter_limits(&charger, now, departure);
    let goal = Goal { now, departure, energy_wh: 60_000 };
    let check = plan(&goal, &tariff, &market, &limits).expect("a feasible plan");
    println!(
        "Planning {} kWh over 48 h ({} quarter-hours, {} chosen), {RUNS} runs:",
        goal.energy_wh / 1000,
        limits.len(),
        check.quarters.len()
    );
    println!(
        "  (plan {:.2} € against {:.2} € at once)",
        check.cost.cents as f64 / 100.0,
        check.at_once.cents as f64 / 100.0
    );
    report("plan", || {
        black_box(plan(black_box(&goal), &tariff, &market, &limits).map(|p| p.cost.cents).unwrap_or(0));
    });
    report("quarter limits", || {
        black_box(quarter_limits(black_box(&charger), now, departure).len());
    });
    report("limits + plan", || {
        let limits = quarter_limits(black_box(&charger), now, departure);
        black_box(plan(black_box(&goal), &tariff, &market, &limits).map(|p| p.cost.cents).unwrap_or(0));
    });
}

/// Runs `work` [`RUNS`] times and prints the median and 99th percentile beside the target.
fn report(name: &str, mut work: impl FnMut()) {
    for _ in 0..RUNS / 10 {
        work();
    }
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let p99 = times[RUNS * 99 / 100];
    let verdict = if p99 <= TARGET_MS { "ok" } else { "OVER" };
    println!("  {name:<16} median {median:>8.3} ms   p99 {p99:>8.3} ms   target ≤ {TARGET_MS} ms: {verdict}");
}
