//! Readers for the files Spanish electricity market prices are published in:
//!
//! - [`omie`]: the market operator's day-ahead prices (`marginalpdbc_YYYYMMDD.1`, and the
//!   `INT_PBC_EV_H_1_…TXT` table behind its web page);
//! - [`ree`]: the grid operator's open data (apidatos JSON) and the daily PVPC curve;
//! - [`esios`]: one indicator from the ESIOS API (PVPC, surplus price, …).
//!
//! Every reader returns the same [`MarketPrice`] periods: instants in UTC, prices as exact
//! integers in micro-euros per kWh. The files count time in Spanish local time
//! (Europe/Madrid, see [`charge_model::madrid`]); a day's periods run back to back in real
//! time from the day's local midnight, so a day when summer time ends has 25 hours (100
//! quarter-hours) and one when it starts 23 (92).
//!
//! Nothing here trusts its input: a file that does not read as expected gives a
//! [`ParseError`] naming the line or field, never a panic.

pub mod api;
pub mod esios;
pub mod fetch;
pub mod omie;
pub mod ree;
pub mod store;

use std::borrow::Cow;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One market price: from `start` for `minutes`, in micro-euros per kWh (1 €/MWh = 1000 µ€/kWh).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketPrice {
    pub start: DateTime<Utc>,
    pub minutes: u16,
    pub micros_per_kwh: i64,
}

impl MarketPrice {
    /// When the period ends (the next one's start).
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::minutes(i64::from(self.minutes))
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The bytes are not JSON, or not JSON of the expected shape.
    #[error("malformed JSON at `{path}`: {message}")]
    Json { path: String, message: String },
    /// A value is not what the format says belongs there.
    #[error("{at}: expected {expected}, found {found:?}")]
    Value { at: String, expected: &'static str, found: String },
    /// Something the format requires is not in the file.
    #[error("{at}: missing {what}")]
    Missing { at: String, what: &'static str },
    /// A day has a number of periods that is neither hourly nor quarter-hourly for its length.
    #[error(
        "{date}: {count} periods, but a {hours}-hour day has {hours} hourly or {quarters} quarter-hourly ones"
    )]
    PeriodCount { date: NaiveDate, count: usize, hours: i64, quarters: i64 },
    /// Values that are each fine but do not fit together (dates, order, spacing).
    #[error("{at}: {message}")]
    Inconsistent { at: String, message: String },
}

impl ParseError {
    /// A [`ParseError::Value`], quoting at most a short piece of what was found.
    fn value(at: impl Into<String>, expected: &'static str, found: &str) -> ParseError {
        const QUOTE: usize = 40;
        let found = match found.char_indices().nth(QUOTE) {
            Some((cut, _)) => format!("{}…", &found[..cut]),
            None => found.to_owned(),
        };
        ParseError::Value { at: at.into(), expected, found }
    }
}

/// Deserialises JSON, naming the path of whatever did not fit.
fn from_json<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, ParseError> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|error| ParseError::Json {
        path: error.path().to_string(),
        message: error.inner().to_string(),
    })?;
    json.end().map_err(|error| ParseError::Json { path: ".".to_owned(), message: error.to_string() })?;
    Ok(value)
}

/// Text from bytes that are UTF-8 or, failing that, ISO-8859-1 (Latin-1), which is what
/// OMIE's server sends.
fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        // Latin-1 maps each byte to the code point of the same number.
        Err(_) => Cow::Owned(bytes.iter().copied().map(char::from).collect()),
    }
}

/// Reads a price in €/MWh written as decimal text (`"97.03"`, `"105,10"`, `"-1.45"`, `"90"`)
/// with the given decimal separator, as exact micro-euros per kWh. Up to three decimals
/// (1 €/MWh = 1000 µ€/kWh); further digits must be zeros, or it could not be exact.
fn decimal_micros(text: &str, separator: char, at: impl Into<String>) -> Result<i64, ParseError> {
    const EXPECTED: &str = "a price in €/MWh with at most 3 decimals";
    let invalid = |at: String| ParseError::value(at, EXPECTED, text);
    let at = at.into();
    let trimmed = text.trim();
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, fraction) = unsigned.split_once(separator).unwrap_or((unsigned, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    // Twelve integer digits (a trillion €/MWh) is far beyond any price and far from overflow.
    if whole.is_empty() || whole.len() > 12 || !all_digits(whole) || !all_digits(fraction) {
        return Err(invalid(at));
    }
    let (kept, rest) = fraction.split_at(fraction.len().min(3));
    if rest.bytes().any(|byte| byte != b'0') {
        return Err(invalid(at));
    }
    let mut micros: i64 = 0;
    for digit in whole.bytes().chain(kept.bytes()).chain(std::iter::repeat_n(b'0', 3 - kept.len())) {
        micros = micros * 10 + i64::from(digit - b'0');
    }
    Ok(if negative { -micros } else { micros })
}

/// Reads a price in €/MWh given as a JSON number as micro-euros per kWh. The published
/// numbers have two or three decimals, which rounding after scaling recovers exactly.
fn json_micros(value: f64, at: impl Into<String>) -> Result<i64, ParseError> {
    // Far beyond any price, and well inside the range an f64 holds to the unit.
    const LIMIT: f64 = 1.0e12;
    if !value.is_finite() || value.abs() > LIMIT {
        return Err(ParseError::value(at, "a price in €/MWh", &value.to_string()));
    }
    // Bounded by LIMIT above, so the cast cannot saturate.
    Ok((value * 1000.0).round() as i64)
}

/// A date read from a file, kept to years the summer-time rule (and [`charge_model::madrid`])
/// covers, so that later date arithmetic cannot overflow.
fn checked_date(year: i32, month: u32, day: u32, at: &str, found: &str) -> Result<NaiveDate, ParseError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .filter(|_| (1996..=9999).contains(&year))
        .ok_or_else(|| ParseError::value(at, "a date from 1996 to 9999", found))
}

/// Reads a `dd/mm/yyyy` date.
fn dmy_date(text: &str, at: &str) -> Result<NaiveDate, ParseError> {
    let invalid = || ParseError::value(at, "a date dd/mm/yyyy", text);
    let mut parts = text.trim().split('/');
    let mut number = |digits: usize| {
        parts
            .next()
            .filter(|part| part.len() == digits && part.bytes().all(|byte| byte.is_ascii_digit()))
            .and_then(|part| part.parse::<u32>().ok())
            .ok_or_else(invalid)
    };
    let (day, month, year) = (number(2)?, number(2)?, number(4)?);
    if parts.next().is_some() {
        return Err(invalid());
    }
    let year = i32::try_from(year).map_err(|_| invalid())?;
    checked_date(year, month, day, at, text)
}

/// How long each of a day's `count` periods is: 60 minutes if there is one per hour of the
/// (local) day, 15 if four.
fn period_minutes(date: NaiveDate, count: usize) -> Result<u16, ParseError> {
    let hours = charge_model::madrid::day_hours(date);
    let periods = i64::try_from(count).unwrap_or(i64::MAX);
    if periods == hours {
        Ok(60)
    } else if periods == 4 * hours {
        Ok(15)
    } else {
        Err(ParseError::PeriodCount { date, count, hours, quarters: 4 * hours })
    }
}

/// A day's prices, in order, as back-to-back periods of `minutes` from its local midnight.
fn day_periods(date: NaiveDate, minutes: u16, prices: Vec<i64>) -> Vec<MarketPrice> {
    let start = charge_model::madrid::day_start(date);
    let step = Duration::minutes(i64::from(minutes));
    let mut at = start;
    prices
        .into_iter()
        .map(|micros_per_kwh| {
            let period = MarketPrice { start: at, minutes, micros_per_kwh };
            at += step;
            period
        })
        .collect()
}

/// Prices at given instants, as periods: sorted by time, which must be evenly spaced with no
/// gaps or repeats; the spacing is the periods' length (`single` minutes if there is only one,
/// an error if that is unknown).
fn spaced_periods(
    mut points: Vec<(DateTime<Utc>, i64)>,
    single: Option<u16>,
    at: &str,
) -> Result<Vec<MarketPrice>, ParseError> {
    points.sort_by_key(|&(start, _)| start);
    let minutes = match points.as_slice() {
        [] => return Err(ParseError::Missing { at: at.to_owned(), what: "price values" }),
        [_] => single.ok_or_else(|| ParseError::Inconsistent {
            at: at.to_owned(),
            message: "a single value, and no way to tell how long its period is".to_owned(),
        })?,
        [(first, _), (second, _), ..] => {
            let step = (*second - *first).num_minutes();
            u16::try_from(step).ok().filter(|&step| step > 0 && step <= 24 * 60).ok_or_else(|| {
                ParseError::Inconsistent {
                    at: at.to_owned(),
                    message: format!("values at {first} and {second}: not one period apart"),
                }
            })?
        }
    };
    let step = Duration::minutes(i64::from(minutes));
    if let Some(pair) = points.windows(2).find(|pair| pair[1].0 - pair[0].0 != step) {
        return Err(ParseError::Inconsistent {
            at: at.to_owned(),
            message: format!(
                "values at {} and {}: expected consecutive {minutes}-minute periods",
                pair[0].0, pair[1].0
            ),
        });
    }
    Ok(points
        .into_iter()
        .map(|(start, micros_per_kwh)| MarketPrice { start, minutes, micros_per_kwh })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_read_exactly() {
        let read = |text, separator| decimal_micros(text, separator, "test").ok();
        assert_eq!(read("97.03", '.'), Some(97_030));
        assert_eq!(read("105,10", ','), Some(105_100));
        assert_eq!(read("   6,67", ','), Some(6_670));
        assert_eq!(read("90", '.'), Some(90_000));
        assert_eq!(read("-1.45", '.'), Some(-1_450));
        assert_eq!(read("-0.01", '.'), Some(-10));
        assert_eq!(read("0.001", '.'), Some(1));
        assert_eq!(read("12.3450", '.'), Some(12_345));
        assert_eq!(read("3000", '.'), Some(3_000_000));
        for bad in ["", "-", ".5", "1.2.3", "1,5", "1.2345", "abc", "1e3", "--1", "1 0"] {
            assert!(read(bad, '.').is_none(), "{bad:?} should not read");
        }
    }

    #[test]
    fn json_numbers_are_rounded_to_whole_micros() {
        assert_eq!(json_micros(171.48, "t").ok(), Some(171_480));
        assert_eq!(json_micros(-1.45, "t").ok(), Some(-1_450));
        assert_eq!(json_micros(0.1 + 0.2, "t").ok(), Some(300));
        assert!(json_micros(f64::NAN, "t").is_err());
        assert!(json_micros(1.0e300, "t").is_err());
    }

    #[test]
    fn latin1_is_the_fallback_encoding() {
        assert_eq!(decode_text("español".as_bytes()), "español");
        assert_eq!(decode_text(b"espa\xf1ol"), "español");
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(dmy_date("31/10/2021", "t").ok(), NaiveDate::from_ymd_opt(2021, 10, 31));
        for bad in ["31/02/2021", "1/10/2021", "31/10/21", "31-10-2021", "31/10/2021/1", "01/01/0001"] {
            assert!(dmy_date(bad, "t").is_err(), "{bad:?} should not read");
        }
    }

    #[test]
    fn long_values_are_quoted_short() {
        let error = ParseError::value("here", "a number", &"x".repeat(1000));
        assert!(error.to_string().len() < 120, "{error}");
    }
}

/// What the parsers' and the store's tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use chrono::{DateTime, Utc};

    use super::MarketPrice;

    pub fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    /// Checks the shape of a series: count, length, first and last start, and no gaps.
    pub fn assert_day(prices: &[MarketPrice], count: usize, minutes: u16, first: &str, last: &str) {
        assert_eq!(prices.len(), count);
        assert!(prices.iter().all(|price| price.minutes == minutes));
        assert_eq!(prices[0].start, utc(first));
        assert_eq!(prices[count - 1].start, utc(last));
        assert!(prices.windows(2).all(|pair| pair[0].end() == pair[1].start));
    }
}
