//! Stored market prices, and the [`PriceBook`] that quotes them, estimating where none is
//! stored.

use std::collections::HashMap;

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

/// Stores a series, replacing what was stored for the time it covers (a quarter-hourly
/// series replaces an hourly one). Returns how many periods were stored.
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

/// A market's stored prices over a time range, loaded once, quoting instants quickly.
///
/// Where nothing is stored, the estimate is the average of the stored prices at the same
/// Madrid hour of day over the loaded range and the 7 days before it; with none of those
/// either, [`default_price`].
pub struct PriceBook {
    market: Market,
    /// Stored periods by start, sorted.
    periods: Vec<MarketPrice>,
    /// Average price at each local hour of day over the loaded data, for estimates.
    hourly_average: HashMap<u32, i64>,
}

impl PriceBook {
    pub fn load(
        conn: &Connection,
        market: Market,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<PriceBook> {
        let week_before = from - Duration::days(7);
        let mut statement = conn.prepare_cached(
            "SELECT start, minutes, micros_per_kwh FROM market_prices
             WHERE market = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
        )?;
        let all = statement
            .query_map(params![market.tag(), week_before.timestamp(), to.timestamp()], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, u16>(1)?, row.get::<_, i64>(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let periods: Vec<MarketPrice> = all
            .into_iter()
            .filter_map(|(start, minutes, micros_per_kwh)| {
                Some(MarketPrice { start: DateTime::from_timestamp(start, 0)?, minutes, micros_per_kwh })
            })
            .collect();
        let mut sums: HashMap<u32, (i64, i64)> = HashMap::new();
        for period in &periods {
            let entry = sums.entry(madrid::local(period.start).hour()).or_default();
            entry.0 += period.micros_per_kwh;
            entry.1 += 1;
        }
        let hourly_average = sums.into_iter().map(|(hour, (sum, n))| (hour, sum / n)).collect();
        Ok(PriceBook { market, periods, hourly_average })
    }

    /// The length of the stored period starting at `at`, if one does.
    pub fn period_minutes(&self, at: DateTime<Utc>) -> Option<u16> {
        let index = self.periods.partition_point(|p| p.start < at);
        self.periods.get(index).filter(|p| p.start == at).map(|p| p.minutes)
    }

    /// The price at an instant: stored, or estimated.
    pub fn quote(&self, at: DateTime<Utc>) -> Quote {
        let index = self.periods.partition_point(|p| p.start <= at);
        if let Some(period) = index.checked_sub(1).map(|i| &self.periods[i])
            && at < period.end()
        {
            return Quote { price: Price(period.micros_per_kwh), estimated: false };
        }
        let hour = madrid::local(at).hour();
        let price = self.hourly_average.get(&hour).map_or(default_price(self.market), |&p| Price(p));
        Quote { price, estimated: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../db/006_market_prices.sql")).unwrap();
        let day = super::super::omie::parse_marginalpdbc(include_bytes!(
            "../../tests/fixtures/tariffs/omie/marginalpdbc_20251026.1"
        ))
        .unwrap();
        save(&mut conn, Market::Omie, "omie", &day, 0).unwrap();
        conn
    }

    #[test]
    fn stored_prices_are_quoted_as_they_are() {
        let conn = db();
        let book =
            PriceBook::load(&conn, Market::Omie, utc("2025-10-25T22:00:00Z"), utc("2025-10-26T23:00:00Z"))
                .unwrap();
        // First quarter of the day: 105.19 €/MWh.
        assert_eq!(
            book.quote(utc("2025-10-25T22:07:00Z")),
            Quote { price: Price(105_190), estimated: false }
        );
        assert!(
            covered(&conn, Market::Omie, utc("2025-10-25T22:00:00Z"), utc("2025-10-26T23:00:00Z")).unwrap()
        );
        assert!(
            !covered(&conn, Market::Omie, utc("2025-10-26T23:00:00Z"), utc("2025-10-27T23:00:00Z")).unwrap()
        );
    }

    #[test]
    fn without_data_the_estimate_is_last_weeks_same_hour_or_the_default() {
        let conn = db();
        // The next day, 00:10 local (winter): estimated from the stored day's 00:00–01:00 local hour.
        let at = utc("2025-10-26T23:10:00Z");
        let book = PriceBook::load(&conn, Market::Omie, at, at + Duration::hours(1)).unwrap();
        let quote = book.quote(at);
        assert!(quote.estimated);
        // The four quarters of local 00:00–01:00 on 2025-10-26: their average.
        let first_hour: Vec<i64> =
            PriceBook::load(&conn, Market::Omie, utc("2025-10-25T22:00:00Z"), utc("2025-10-25T23:00:00Z"))
                .unwrap()
                .periods
                .iter()
                .filter(|p| p.start < utc("2025-10-25T23:00:00Z"))
                .map(|p| p.micros_per_kwh)
                .collect();
        assert_eq!(first_hour.len(), 4);
        assert_eq!(quote.price, Price(first_hour.iter().sum::<i64>() / 4));
        let empty = PriceBook::load(&conn, Market::Pvpc, at, at + Duration::hours(1)).unwrap();
        assert_eq!(empty.quote(at), Quote { price: Price(150_000), estimated: true });
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
    }
}
