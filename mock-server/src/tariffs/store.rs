//! Stored market prices, and the [`PriceBook`] that quotes them, estimating where none is
//! stored.

use charge_model::madrid;
use charge_model::tariff::{Market, Price, Quote};
use chrono::{DateTime, Duration, Timelike, Utc};
use rusqlite::{Connection, params};

use super::MarketPrice;
use crate::error::ApiResult;

/// The price assumed with no market data at all: 90 €/MWh for OMIE, 150 €/MWh for PVPC.
pub fn default_price(market: Market) -> Price {
    match market {
        Market::Omie => Price(90_000),
        Market::Pvpc => Price(150_000),
    }
}

/// How many local days back an estimate looks for prices at the same hour of day.
pub const ESTIMATE_DAYS: i64 = 7;

/// Stores a series, replacing what was stored for the time it covers (a quarter-hourly
/// series replaces an hourly one): the market's periods starting in [first start, last end)
/// are deleted, then the series is inserted. Returns how many periods were stored.
pub fn save(
    conn: &mut Connection,
    market: Market,
    source: &str,
    prices: &[MarketPrice],
    now: i64,
) -> ApiResult<usize> {
    let (Some(first), Some(last)) = (prices.first(), prices.last()) else { return Ok(0) };
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM market_prices WHERE market = ?1 AND start >= ?2 AND start < ?3",
        params![market.tag(), first.start.timestamp(), last.end().timestamp()],
    )?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO market_prices (market, start, minutes, micros_per_kwh, source, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for price in prices {
            insert.execute(params![
                market.tag(),
                price.start.timestamp(),
                price.minutes,
                price.micros_per_kwh,
                source,
                now
            ])?;
        }
    }
    tx.commit()?;
    Ok(prices.len())
}

/// Whether every period of [from, to) is stored.
pub fn covered(conn: &Connection, market: Market, from: DateTime<Utc>, to: DateTime<Utc>) -> ApiResult<bool> {
    let minutes: i64 = conn.query_row(
        "SELECT COALESCE(SUM(minutes), 0) FROM market_prices WHERE market = ?1 AND start >= ?2 AND start < ?3",
        params![market.tag(), from.timestamp(), to.timestamp()],
        |row| row.get(0),
    )?;
    Ok(minutes * 60 >= (to - from).num_seconds())
}

/// The stored periods starting at one local hour of day, in time order, with running totals
/// so that the average over any time window takes two binary searches.
#[derive(Debug, Default)]
struct HourSeries {
    /// Unix seconds of each period's start.
    starts: Vec<i64>,
    /// `totals[i]`: Σ price × minutes and Σ minutes of the first `i` periods (`totals[0]` is zero).
    totals: Vec<(i128, i64)>,
}

impl HourSeries {
    /// Adds a period later than those already in.
    fn push(&mut self, period: &MarketPrice) {
        if self.totals.is_empty() {
            self.totals.push((0, 0));
        }
        let (weighted, minutes) = self.totals[self.totals.len() - 1];
        let length = i64::from(period.minutes);
        self.starts.push(period.start.timestamp());
        self.totals
            .push((weighted + i128::from(period.micros_per_kwh) * i128::from(length), minutes + length));
    }

    /// Whether a period starts in [from, to).
    fn any(&self, from: i64, to: i64) -> bool {
        let first = self.starts.partition_point(|&start| start < from);
        self.starts.get(first).is_some_and(|&start| start < to)
    }

    /// The time-weighted average price of the periods starting in [from, to), rounded half
    /// away from zero; `None` when there are none.
    fn average(&self, from: i64, to: i64) -> Option<i64> {
        let first = self.starts.partition_point(|&start| start < from);
        let end = self.starts.partition_point(|&start| start < to);
        if end <= first {
            return None;
        }
        let weighted = self.totals[end].0 - self.totals[first].0;
        let minutes = i128::from(self.totals[end].1 - self.totals[first].1);
        if minutes <= 0 {
            return None;
        }
        let rounded = (weighted.abs() + minutes / 2) / minutes;
        let rounded = i64::try_from(rounded).ok()?;
        Some(if weighted < 0 { -rounded } else { rounded })
    }
}

/// A market's prices over [from, to), loaded once; quotes an instant, estimating where
/// nothing is stored.
///
/// A stored period covering the instant gives its price (`estimated: false`). Otherwise the
/// quote is an estimate (`estimated: true`):
///
/// 1. the average of the prices stored at the same Madrid local hour of day (0–23, the hour a
///    period starts in) over the 7 days before the instant's hour: periods starting in
///    [H − 7 local days, H), H being the start of the local hour the instant is in, so that
///    every instant of an hour gets the same estimate. The average is weighted by length (a
///    quarter-hour counts a quarter as much as an hour) and rounded to the nearest µ€/kWh,
///    half away from zero. The hour repeated when summer time ends counts as that hour twice.
/// 2. with no such price, [`default_price`]: 90 €/MWh (OMIE), 150 €/MWh (PVPC).
///
/// Loading reads from 8 days before `from` up to `to`, so that instants in [from, to) are
/// quoted by this rule; an instant outside it sees only what was loaded. Quoting is a few
/// binary searches in memory, no SQL.
pub struct PriceBook {
    market: Market,
    /// Stored periods, sorted by start.
    periods: Vec<MarketPrice>,
    /// Their starts and ends in Unix seconds, for quick searches.
    bounds: Vec<(i64, i64)>,
    /// The stored periods by the local hour of day they start in, for estimates.
    hours: [HourSeries; 24],
}

impl PriceBook {
    /// Loads the market's periods starting from 8 days before `from` up to `to`.
    pub fn load(
        conn: &Connection,
        market: Market,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<PriceBook> {
        let mut statement = conn.prepare_cached(
            "SELECT start, minutes, micros_per_kwh FROM market_prices
             WHERE market = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
        )?;
        let rows = statement
            // A day more than the estimates need: local days are 23 to 25 hours long.
            .query_map(
                params![market.tag(), (from - Duration::days(ESTIMATE_DAYS + 1)).timestamp(), to.timestamp()],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, u16>(1)?, row.get::<_, i64>(2)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let periods = rows
            .into_iter()
            .filter(|&(_, minutes, _)| minutes > 0)
            .filter_map(|(start, minutes, micros_per_kwh)| {
                Some(MarketPrice { start: DateTime::from_timestamp(start, 0)?, minutes, micros_per_kwh })
            })
            .collect();
        Ok(PriceBook::from_periods(market, periods))
    }

    /// A book of the given periods (sorted here), as if loaded.
    pub fn from_periods(market: Market, mut periods: Vec<MarketPrice>) -> PriceBook {
        periods.sort_by_key(|period| period.start);
        let mut hours: [HourSeries; 24] = Default::default();
        for period in &periods {
            // `hour()` is 0–23.
            hours[madrid::local(period.start).hour() as usize].push(period);
        }
        let bounds =
            periods.iter().map(|period| (period.start.timestamp(), period.end().timestamp())).collect();
        PriceBook { market, periods, bounds, hours }
    }

    /// The stored period covering `at`, if any.
    pub fn stored_at(&self, at: DateTime<Utc>) -> Option<&MarketPrice> {
        let at = at.timestamp();
        let after = self.bounds.partition_point(|&(start, _)| start <= at);
        let index = after.checked_sub(1).filter(|&index| at < self.bounds[index].1)?;
        self.periods.get(index)
    }

    /// The start of the first stored period after `at`, if any.
    pub fn next_start_after(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = at.timestamp();
        let after = self.bounds.partition_point(|&(start, _)| start <= at);
        self.periods.get(after).map(|period| period.start)
    }

    /// The price at an instant: stored, or estimated as the type's documentation says.
    pub fn quote(&self, at: DateTime<Utc>) -> Quote {
        if let Some(period) = self.stored_at(at) {
            return Quote { price: Price(period.micros_per_kwh), estimated: false };
        }
        Quote { price: self.estimate(at), estimated: true }
    }

    /// The estimate at an instant, whether or not a price is stored for it.
    pub fn estimate(&self, at: DateTime<Utc>) -> Price {
        const HOUR: i64 = 3600;
        const WEEK: i64 = ESTIMATE_DAYS * 24 * HOUR;
        let default = default_price(self.market);
        // Madrid is a whole number of hours off UTC: its hours start with UTC's.
        let to = at.timestamp() - at.timestamp().rem_euclid(HOUR);
        let Some(hour_start) = DateTime::from_timestamp(to, 0) else { return default };
        let offset = i64::from(madrid::offset_secs(hour_start));
        let series = &self.hours[((to + offset) / HOUR).rem_euclid(24) as usize];
        // Nothing at this hour within the week and an hour either side: no need to be exact.
        if !series.any(to - WEEK - HOUR, to) {
            return default;
        }
        // The same local time 7 days before: 7 × 24 hours, plus the hour summer time took or
        // gave back in between.
        let week_before = to - WEEK;
        let then = DateTime::from_timestamp(week_before, 0)
            .map_or(offset, |then| i64::from(madrid::offset_secs(then)));
        series.average(week_before - (then - offset), to).map_or(default, Price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariffs::test_support::utc;

    const DST_END: &[u8] = include_bytes!("../../tests/fixtures/tariffs/omie/marginalpdbc_20251026.1");

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../db/006_market_prices.sql")).unwrap();
        let day = super::super::omie::parse_marginalpdbc(DST_END).unwrap();
        save(&mut conn, Market::Omie, "omie", &day, 0).unwrap();
        conn
    }

    fn period(start: &str, minutes: u16, micros_per_kwh: i64) -> MarketPrice {
        MarketPrice { start: utc(start), minutes, micros_per_kwh }
    }

    #[test]
    fn stored_prices_are_quoted_as_they_are() {
        let conn = db();
        let book =
            PriceBook::load(&conn, Market::Omie, utc("2025-10-25T22:00:00Z"), utc("2025-10-26T23:00:00Z"))
                .unwrap();
        // First quarter of the day: 105.19 €/MWh, for the whole quarter and not after it.
        let first = Quote { price: Price(105_190), estimated: false };
        assert_eq!(book.quote(utc("2025-10-25T22:00:00Z")), first);
        assert_eq!(book.quote(utc("2025-10-25T22:14:59Z")), first);
        assert_eq!(book.quote(utc("2025-10-25T22:15:00Z")), Quote { price: Price(96_690), estimated: false });
        // The last quarter of the 25-hour day, 23:45 local, the 100th: 88.1 €/MWh.
        assert_eq!(book.quote(utc("2025-10-26T22:59:59Z")), Quote { price: Price(88_100), estimated: false });
        assert!(book.quote(utc("2025-10-26T23:00:00Z")).estimated);
        assert!(book.quote(utc("2025-10-25T21:59:59Z")).estimated);
        assert!(
            covered(&conn, Market::Omie, utc("2025-10-25T22:00:00Z"), utc("2025-10-26T23:00:00Z")).unwrap()
        );
        assert!(
            !covered(&conn, Market::Omie, utc("2025-10-26T23:00:00Z"), utc("2025-10-27T23:00:00Z")).unwrap()
        );
    }

    #[test]
    fn the_estimate_is_the_same_local_hour_of_the_7_days_before() {
        let conn = db();
        // The next day, 00:10 local (winter): from the stored day's 00:00–01:00 local, quarters
        // 1–4 of the file: (105.19 + 96.69 + 94.4 + 93.68) / 4 = 97.49 €/MWh.
        let at = utc("2025-10-26T23:10:00Z");
        let book = PriceBook::load(&conn, Market::Omie, at, at + Duration::hours(1)).unwrap();
        assert_eq!(book.quote(at), Quote { price: Price(97_490), estimated: true });
        // 02:30 local six days later: both 02:00 hours of the 25-hour day, quarters 9–16:
        // (70 + 61.33 + 61.12 + 60 + 58.07 + 57.81 + 57.42 + 56.1) / 8 = 60.23125 €/MWh.
        let at = utc("2025-11-01T01:30:00Z");
        let book = PriceBook::load(&conn, Market::Omie, at, at + Duration::hours(1)).unwrap();
        assert_eq!(book.quote(at), Quote { price: Price(60_231), estimated: true });
        // Eight days later the stored day is out of the window: the default.
        let at = utc("2025-11-03T01:30:00Z");
        let book = PriceBook::load(&conn, Market::Omie, at, at + Duration::hours(1)).unwrap();
        assert_eq!(book.quote(at), Quote { price: Price(90_000), estimated: true });
        // Nothing stored for the PVPC at all.
        let empty = PriceBook::load(&conn, Market::Pvpc, at, at + Duration::hours(1)).unwrap();
        assert_eq!(empty.quote(at), Quote { price: Price(150_000), estimated: true });
    }

    #[test]
    fn the_estimate_window_by_hand() {
        // 08:00 local in November is 07:00 UTC. Only that hour is stored, on some days.
        let book = PriceBook::from_periods(
            Market::Omie,
            vec![
                period("2025-11-09T07:00:00Z", 60, 50_000),  // 8 days before: out
                period("2025-11-10T07:00:00Z", 60, 100_000), // exactly 7 days before: in
                period("2025-11-12T07:00:00Z", 60, 101_000),
                // A quarter-hourly day weighs as one hour at its mean, 104 000.
                period("2025-11-15T07:00:00Z", 15, 102_000),
                period("2025-11-15T07:15:00Z", 15, 102_000),
                period("2025-11-15T07:30:00Z", 15, 106_000),
                period("2025-11-15T07:45:00Z", 15, 106_000),
                period("2025-11-16T07:00:00Z", 60, 104_001),
                period("2025-11-17T07:45:00Z", 15, 777_000), // the same day, after 08:00: out
                period("2025-11-18T07:00:00Z", 60, 999_000), // after: out
                period("2025-11-16T08:00:00Z", 60, 555_000), // another hour: out
            ],
        );
        // (100 000 + 101 000 + 104 000 + 104 001) / 4 = 102 250.25.
        let expected = Quote { price: Price(102_250), estimated: true };
        assert_eq!(book.quote(utc("2025-11-17T07:00:00Z")), expected);
        assert_eq!(book.quote(utc("2025-11-17T07:30:00Z")), expected, "the same for the whole hour");
        assert_eq!(
            book.quote(utc("2025-11-17T07:45:00Z")),
            Quote { price: Price(777_000), estimated: false }
        );
        // The hour before: nothing stored at 07:00 local, so the default.
        assert_eq!(book.quote(utc("2025-11-17T06:59:59Z")), Quote { price: Price(90_000), estimated: true });
        // Two days later the window is [11-12 08:00, 11-19 08:00), by minutes:
        // (101 000·60 + 104 000·60 + 104 001·60 + 777 000·15 + 999 000·60) / 255 = 353 470.82.
        let later = book.quote(utc("2025-11-19T07:00:00Z"));
        assert_eq!(later, Quote { price: Price(353_471), estimated: true });
    }

    #[test]
    fn averages_round_half_away_from_zero() {
        let mut series = HourSeries::default();
        for (minute, price) in [(0, 1), (60, 2), (120, -4), (180, -5)] {
            series.push(&MarketPrice {
                start: DateTime::from_timestamp(minute * 60, 0).unwrap(),
                minutes: 60,
                micros_per_kwh: price,
            });
        }
        assert_eq!(series.average(0, 7200), Some(2), "1.5");
        assert_eq!(series.average(7200, 14_400), Some(-5), "-4.5");
        assert_eq!(series.average(3600, 3600), None);
        assert_eq!(series.average(-100, 1), Some(1));
    }

    #[test]
    fn the_estimate_counts_local_days_across_the_dst_change() {
        // 08:00 local on 2025-10-25 (summer, 06:00 UTC) is 7 local days before 08:00 local on
        // 2025-11-01 (winter, 07:00 UTC), though 169 hours.
        let book = PriceBook::from_periods(Market::Pvpc, vec![period("2025-10-25T06:00:00Z", 60, 123_456)]);
        assert_eq!(book.quote(utc("2025-11-01T07:20:00Z")), Quote { price: Price(123_456), estimated: true });
        assert_eq!(book.quote(utc("2025-11-02T07:20:00Z")), Quote { price: Price(150_000), estimated: true });
    }

    #[test]
    fn quoting_is_fast() {
        // A year of quarters but every seventh day, and 10 000 charges of 16 quarters each
        // through it: one in seven quarters is estimated.
        let year_start = utc("2025-01-01T00:00:00Z");
        let periods: Vec<MarketPrice> = (0..365 * 96)
            .filter(|i| i / 96 % 7 != 3)
            .map(|i| MarketPrice {
                start: year_start + Duration::minutes(15 * i),
                minutes: 15,
                micros_per_kwh: 50_000 + i % 1000,
            })
            .collect();
        let book = PriceBook::from_periods(Market::Omie, periods);
        let started = std::time::Instant::now();
        let (mut total, mut estimated) = (0_i64, 0);
        for charge in 0..10_000_i64 {
            let start = year_start.timestamp() + 52 * 60 * charge;
            for quarter in 0..16 {
                // As the costs of a charge's stored quarters are worked out.
                let quote = book.quote(DateTime::from_timestamp(start + 900 * quarter, 0).unwrap());
                total += quote.price.0;
                estimated += usize::from(quote.estimated);
            }
        }
        let elapsed = started.elapsed();
        assert!(total > 0 && (20_000..25_000).contains(&estimated), "{estimated}");
        // 50 ms in a release build (11 ms measured; 28 ms with six in seven estimated).
        // Unoptimised builds are many times slower and share the machine: the limit there only
        // catches a quote that scans or queries.
        let limit = if cfg!(debug_assertions) { 5_000 } else { 50 };
        assert!(elapsed.as_millis() < limit, "160 000 quotes took {elapsed:?}");
    }

    #[test]
    fn a_quarter_hourly_series_replaces_an_hourly_one() {
        let mut conn = db();
        let hourly: Vec<MarketPrice> = (0..2)
            .map(|h| MarketPrice {
                start: utc("2025-10-25T22:00:00Z") + Duration::hours(h),
                minutes: 60,
                micros_per_kwh: 1,
            })
            .collect();
        save(&mut conn, Market::Omie, "test", &hourly, 0).unwrap();
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM market_prices", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 100 - 8 + 2);
        // And back: the file's quarters replace the two hours.
        let day = super::super::omie::parse_marginalpdbc(DST_END).unwrap();
        save(&mut conn, Market::Omie, "omie", &day[..8], 0).unwrap();
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM market_prices", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 100);
        assert_eq!(save(&mut conn, Market::Omie, "omie", &[], 0).unwrap(), 0);
    }
}
