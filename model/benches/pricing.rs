//! Prices a year of charges: ~10,000 sessions of quarter-hour energy under each tariff kind,
//! with market prices looked up per quarter-hour. Prints the time; the target is ≤ 50 ms.
//!
//! `cargo bench -p charge-model --bench pricing`

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use charge_model::day_ranges::Span;
use charge_model::tariff::{EnergySlice, Price, PricedSpan, Quote, Tariff, cost};
use chrono::DateTime;

fn main() {
    // 2025: a session every ~53 minutes on average, 1 to 6 hours long, 7.4 kW.
    let year_start = 1_735_686_000_i64; // 2025-01-01T00:00:00+01:00
    let mut seed = 7_u64;
    let mut random = move |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let sessions: Vec<Vec<EnergySlice>> = (0..10_000)
        .map(|i| {
            let start = year_start + i * 3_150 / 900 * 900;
            let quarters = 4 + random(20) as i64;
            (0..quarters)
                .map(|q| EnergySlice {
                    start: start + q * 900,
                    energy_mwh: 1_850_000 - random(50_000) as i64,
                })
                .collect()
        })
        .collect();
    let slices: usize = sessions.iter().map(Vec::len).sum();
    // A year of quarter-hour market prices.
    let market: HashMap<i64, Price> =
        (0..365 * 96 + 96).map(|q| (year_start + q * 900, Price(40_000 + (q % 96) * 1_500))).collect();
    let quote = |at: DateTime<chrono::Utc>| Quote {
        price: market.get(&at.timestamp()).copied().unwrap_or(Price(90_000)),
        estimated: false,
    };
    let ranges = vec![
        PricedSpan { span: Span { start: 0, end: 8 * 60 }, price: Price(80_000) },
        PricedSpan { span: Span { start: 8 * 60, end: 1440 }, price: Price(190_000) },
    ];
    let tariffs = [
        ("flat", Tariff::Flat { price: Price(150_000) }),
        ("time ranges", Tariff::TimeRanges { ranges: ranges.clone() }),
        ("day and time ranges", Tariff::DayTimeRanges { days: vec![ranges; 7] }),
        ("indexed (2.0TD periods)", Tariff::Indexed { margin: Price(10_000), p1: None, p2: None, p3: None }),
        ("OMIE spot", Tariff::OmieSpot),
    ];
    println!("Pricing {} sessions ({slices} quarter-hour slices), best of 5 runs:", sessions.len());
    for (name, tariff) in &tariffs {
        let mut best = f64::MAX;
        let mut total = 0;
        for _ in 0..5 {
            let started = Instant::now();
            total = sessions.iter().map(|s| cost(tariff, s, quote).cents).sum::<i64>();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "  {name:<26} {best:>7.2} ms   total {:>9.2} €   target ≤ 50 ms",
            black_box(total) as f64 / 100.0
        );
    }
}
