//! OMIE, the Iberian market operator: day-ahead marginal prices.
//!
//! Two files carry them (both `;`-separated text, prices in €/MWh):
//!
//! - `marginalpdbc_YYYYMMDD.1`, the daily file: a `MARGINALPDBC;` line, one row per period
//!   `YYYY;MM;DD;period;price_PT;price_ES;`, and a closing `*`. Periods were hours until
//!   2025-09-30 and are quarter-hours since 2025-10-01;
//! - `INT_PBC_EV_H_1_…TXT`, the table behind OMIE's web page: the date on the first line,
//!   then one row per quantity with a label and a column per period (`H1Q1;H1Q2;…`), with
//!   decimal commas and padding. OMIE's server sends it in ISO-8859-1.
//!
//! Both give Spain's price (the Portuguese one differs when the interconnection is congested).

use super::{
    MarketPrice, ParseError, checked_date, day_periods, decimal_micros, decode_text, dmy_date, period_minutes,
};

/// The first line of a `marginalpdbc` file.
const MARGINALPDBC_HEADER: &str = "MARGINALPDBC;";

/// The label of the row of Spanish prices in an `INT_PBC` table.
const SPANISH_PRICE_ROW: &str = "Precio marginal en el sistema español (EUR/MWh)";

/// Reads an OMIE daily price file `marginalpdbc_YYYYMMDD.1` (CRLF or LF line ends): the
/// Spanish price (sixth field) of each period of the day, hourly or quarter-hourly as the
/// number of rows says for the length of the day.
///
/// The rows must all be of one date and number their periods 1, 2, … in order; the file must
/// end with its `*` line, so that a truncated download is an error rather than a short day.
pub fn parse_marginalpdbc(bytes: &[u8]) -> Result<Vec<MarketPrice>, ParseError> {
    let text = decode_text(bytes);
    let mut lines = text.lines().zip(1..);
    match lines.next() {
        Some((header, _)) if header.trim() == MARGINALPDBC_HEADER => {}
        found => {
            let found = found.map_or("", |(line, _)| line);
            return Err(ParseError::value("line 1", "the header `MARGINALPDBC;`", found));
        }
    }

    let mut date = None;
    let mut prices = Vec::new();
    let mut closed = false;
    for (line, number) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if closed {
            return Err(ParseError::value(format!("line {number}"), "nothing after the closing `*`", line));
        }
        if line == "*" {
            closed = true;
            continue;
        }
        let row = marginalpdbc_row(line, number)?;
        let first = *date.get_or_insert(row.date);
        if row.date != first {
            return Err(ParseError::Inconsistent {
                at: format!("line {number}"),
                message: format!("a row for {}, in a file for {first}", row.date),
            });
        }
        let expected = prices.len() + 1;
        if row.period != expected {
            return Err(ParseError::Inconsistent {
                at: format!("line {number}"),
                message: format!("period {}, expected period {expected}", row.period),
            });
        }
        prices.push(row.micros_per_kwh);
    }
    if !closed {
        return Err(ParseError::Missing {
            at: "end of file".to_owned(),
            what: "the closing `*` line (is the file truncated?)",
        });
    }
    let date = date.ok_or_else(|| ParseError::Missing { at: "the file".to_owned(), what: "price rows" })?;
    let minutes = period_minutes(date, prices.len())?;
    Ok(day_periods(date, minutes, prices))
}

/// One row of a `marginalpdbc` file.
struct MarginalRow {
    date: chrono::NaiveDate,
    period: usize,
    micros_per_kwh: i64,
}

/// Reads a row `YYYY;MM;DD;period;price_PT;price_ES;`.
fn marginalpdbc_row(line: &str, number: usize) -> Result<MarginalRow, ParseError> {
    const NAMES: [&str; 6] = ["year", "month", "day", "period", "Portuguese price", "Spanish price"];
    let fields: Vec<&str> = line.split(';').collect();
    let at = |index: usize| format!("line {number}, field {} ({})", index + 1, NAMES[index]);
    if fields.len() < NAMES.len() || fields[NAMES.len()..].iter().any(|field| !field.trim().is_empty()) {
        return Err(ParseError::value(
            format!("line {number}"),
            "a row `YYYY;MM;DD;period;price_PT;price_ES;`",
            line,
        ));
    }
    let whole = |index: usize, digits: std::ops::RangeInclusive<usize>| {
        let field = fields[index].trim();
        field
            .parse::<u32>()
            .ok()
            .filter(|_| digits.contains(&field.len()) && field.bytes().all(|byte| byte.is_ascii_digit()))
            .ok_or_else(|| ParseError::value(at(index), "a whole number", field))
    };
    let year = whole(0, 4..=4)?;
    let (month, day) = (whole(1, 1..=2)?, whole(2, 1..=2)?);
    let date_text = format!("{};{};{}", fields[0], fields[1], fields[2]);
    let year = i32::try_from(year).map_err(|_| ParseError::value(at(0), "a year", fields[0]))?;
    let date = checked_date(year, month, day, &format!("line {number}, fields 1–3 (date)"), &date_text)?;
    let period =
        usize::try_from(whole(3, 1..=3)?).map_err(|_| ParseError::value(at(3), "a period", fields[3]))?;
    let micros_per_kwh = decimal_micros(fields[5], '.', at(5))?;
    Ok(MarginalRow { date, period, micros_per_kwh })
}

/// Reads OMIE's `INT_PBC_EV_H_1_…TXT` table (UTF-8, or ISO-8859-1 as the server sends it):
/// the day's date from the first line, and the row labelled
/// `Precio marginal en el sistema español (EUR/MWh)`, one value per period (`H1Q1`, `H1Q2`, …,
/// or `H1`, `H2`, … for hourly days), hourly or quarter-hourly as their number says.
pub fn parse_int_pbc(bytes: &[u8]) -> Result<Vec<MarketPrice>, ParseError> {
    let text = decode_text(bytes);
    let mut lines = text.lines().zip(1..);
    let first = lines.next().map_or("", |(line, _)| line);
    let date = first
        .split(';')
        .find_map(|field| dmy_date(field, "line 1").ok())
        .ok_or_else(|| ParseError::value("line 1", "the day's date dd/mm/yyyy among its fields", first))?;

    let mut labels: Option<Vec<&str>> = None;
    let mut found = None;
    for (line, number) in lines {
        let mut fields = line.split(';');
        let label = fields.next().unwrap_or("").trim();
        // Drop the empty fields the trailing `;` leaves (a row's values are never blank).
        let mut values: Vec<&str> = fields.collect();
        while values.last().is_some_and(|value| value.trim().is_empty()) {
            values.pop();
        }
        if label.is_empty() && values.first().is_some_and(|value| value.trim().starts_with('H')) {
            labels = Some(values.iter().map(|value| value.trim()).collect());
        } else if label == SPANISH_PRICE_ROW {
            found = Some((values, number));
            break;
        }
    }
    let (values, number) = found.ok_or_else(|| ParseError::Missing {
        at: "the file".to_owned(),
        what: "the row `Precio marginal en el sistema español (EUR/MWh)`",
    })?;
    if let Some(labels) = &labels
        && labels.len() != values.len()
    {
        return Err(ParseError::Inconsistent {
            at: format!("line {number}"),
            message: format!("{} prices under {} period headings", values.len(), labels.len()),
        });
    }
    let minutes = period_minutes(date, values.len())?;
    let prices = values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let column = labels.as_ref().and_then(|labels| labels.get(index));
            let at = match column {
                Some(column) => format!("line {number}, column {column}"),
                None => format!("line {number}, value {}", index + 1),
            };
            decimal_micros(value, ',', at)
        })
        .collect::<Result<Vec<i64>, ParseError>>()?;
    Ok(day_periods(date, minutes, prices))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::tariffs::test_support::{assert_day, utc};

    const SEP_15: &[u8] = include_bytes!("../../tests/fixtures/tariffs/omie/marginalpdbc_20250915.1");
    const OCT_26: &[u8] = include_bytes!("../../tests/fixtures/tariffs/omie/marginalpdbc_20251026.1");
    const MAR_29: &[u8] = include_bytes!("../../tests/fixtures/tariffs/omie/marginalpdbc_20260329.1");
    const APR_15: &[u8] = include_bytes!("../../tests/fixtures/tariffs/omie/marginalpdbc_20260415.1");
    const INT_PBC: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/pyomie/INT_PBC_EV_H_1_01_10_2025_01_10_2025.TXT");

    /// The price of 1-based period `k`.
    fn period(prices: &[MarketPrice], k: usize) -> i64 {
        prices[k - 1].micros_per_kwh
    }

    #[test]
    fn hourly_day_before_the_move_to_quarter_hours() {
        let prices = parse_marginalpdbc(SEP_15).unwrap();
        assert_day(&prices, 24, 60, "2025-09-14T22:00:00Z", "2025-09-15T21:00:00Z");
        assert_eq!(period(&prices, 1), 97_030);
        assert_eq!(period(&prices, 3), 90_000, "`90`, no decimals");
        assert_eq!(period(&prices, 12), 7_630);
        assert_eq!(prices[11].start, utc("2025-09-15T09:00:00Z"));
        assert_eq!(period(&prices, 24), 85_970);
    }

    #[test]
    fn quarter_hours_on_the_day_summer_time_ends() {
        let prices = parse_marginalpdbc(OCT_26).unwrap();
        assert_day(&prices, 100, 15, "2025-10-25T22:00:00Z", "2025-10-26T22:45:00Z");
        assert_eq!(period(&prices, 1), 105_190);
        // 02:00–03:00 happens twice: first in summer time (periods 9–12), then in winter time.
        assert_eq!(prices[8].start, utc("2025-10-26T00:00:00Z"));
        assert_eq!(period(&prices, 9), 70_000);
        assert_eq!(prices[12].start, utc("2025-10-26T01:00:00Z"));
        assert_eq!(period(&prices, 13), 58_070);
        assert_eq!(period(&prices, 48), 1_230);
        assert_eq!(period(&prices, 100), 88_100);
    }

    #[test]
    fn quarter_hours_on_the_day_summer_time_starts() {
        let prices = parse_marginalpdbc(MAR_29).unwrap();
        assert_day(&prices, 92, 15, "2026-03-28T23:00:00Z", "2026-03-29T21:45:00Z");
        assert_eq!(period(&prices, 1), 5_410);
        // 02:00 local does not exist: period 9 is 03:00 CEST.
        assert_eq!(prices[8].start, utc("2026-03-29T01:00:00Z"));
        assert_eq!(period(&prices, 31), 10);
        assert_eq!(period(&prices, 59), -10_000);
        assert_eq!(period(&prices, 92), 6_000);
    }

    #[test]
    fn quarter_hours_on_a_normal_day_take_the_spanish_price() {
        let prices = parse_marginalpdbc(APR_15).unwrap();
        assert_day(&prices, 96, 15, "2026-04-14T22:00:00Z", "2026-04-15T21:45:00Z");
        assert_eq!(period(&prices, 1), 112_450);
        // Market splitting: Portugal 3.1, Spain -0.01 €/MWh.
        assert_eq!(period(&prices, 48), -10);
        assert_eq!(period(&prices, 61), -810, "Portugal 2.1");
        assert_eq!(period(&prices, 84), 152_240, "Portugal 143.34");
        assert_eq!(period(&prices, 96), 97_000);
    }

    #[test]
    fn lf_line_ends_read_the_same() {
        let lf: Vec<u8> = SEP_15.iter().copied().filter(|&byte| byte != b'\r').collect();
        assert_eq!(parse_marginalpdbc(&lf).unwrap(), parse_marginalpdbc(SEP_15).unwrap());
    }

    fn edited(bytes: &[u8], edit: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
        let text = std::str::from_utf8(bytes).unwrap();
        let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
        edit(&mut lines);
        lines.join("\r\n").into_bytes()
    }

    #[test]
    fn malformed_marginalpdbc_files_are_errors() {
        // A row short: 23 hourly periods on a 24-hour day.
        let short = edited(SEP_15, |lines| {
            lines.remove(24);
        });
        let error = parse_marginalpdbc(&short).unwrap_err();
        assert!(matches!(error, ParseError::PeriodCount { count: 23, hours: 24, .. }), "{error}");

        // A row missing in the middle.
        let gap = edited(OCT_26, |lines| {
            lines.remove(10);
        });
        let error = parse_marginalpdbc(&gap).unwrap_err();
        assert_eq!(error.to_string(), "line 11: period 11, expected period 10");

        let not_a_number = edited(SEP_15, |lines| lines[12] = "2025;09;15;12;7.63;7,63;".to_owned());
        let error = parse_marginalpdbc(&not_a_number).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 13, field 6 (Spanish price): expected a price in €/MWh with at most 3 decimals, found \"7,63\""
        );

        let other_day = edited(SEP_15, |lines| lines[5] = "2025;09;16;5;88;88;".to_owned());
        assert!(matches!(parse_marginalpdbc(&other_day), Err(ParseError::Inconsistent { .. })));

        let bad_date = edited(SEP_15, |lines| lines[1] = "2025;02;30;1;97.03;97.03;".to_owned());
        assert!(matches!(parse_marginalpdbc(&bad_date), Err(ParseError::Value { .. })));

        // Cut after a whole row: the missing `*` tells.
        let cut = SEP_15.len() / 2;
        let row_end = SEP_15[..cut].iter().rposition(|&byte| byte == b'\n').unwrap() + 1;
        let error = parse_marginalpdbc(&SEP_15[..row_end]).unwrap_err();
        assert!(matches!(error, ParseError::Missing { .. }), "{error}");
        // Cut inside a row.
        assert!(parse_marginalpdbc(&SEP_15[..cut]).is_err());

        let after_end = [SEP_15, b"2025;09;15;25;1;1;\r\n"].concat();
        assert!(matches!(parse_marginalpdbc(&after_end), Err(ParseError::Value { .. })));

        for bad in [&b""[..], b"MARGINALPDBC;\r\n*\r\n", b"\xff\xfe", INT_PBC] {
            assert!(parse_marginalpdbc(bad).is_err());
        }
    }

    #[test]
    fn int_pbc_first_quarter_hourly_day() {
        let prices = parse_int_pbc(INT_PBC).unwrap();
        assert_day(&prices, 96, 15, "2025-09-30T22:00:00Z", "2025-10-01T21:45:00Z");
        assert_eq!(period(&prices, 1), 105_100);
        assert_eq!(period(&prices, 2), 104_240);
        // H10Q4: Spain 60,00, Portugal 60,87; H19Q1: Spain 59,07, Portugal 60,00.
        assert_eq!(period(&prices, 40), 60_000);
        assert_eq!(prices[39].start, utc("2025-10-01T07:45:00Z"));
        assert_eq!(period(&prices, 73), 59_070);
        assert_eq!(period(&prices, 57), 6_670, "padded `     6,67`");
        assert_eq!(period(&prices, 84), 230_000);
        assert_eq!(period(&prices, 96), 101_520);
    }

    #[test]
    fn int_pbc_as_the_server_sends_it_in_latin1() {
        let text = std::str::from_utf8(INT_PBC).unwrap();
        let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
        assert!(std::str::from_utf8(&latin1).is_err(), "the test needs bytes that are not UTF-8");
        assert_eq!(parse_int_pbc(&latin1).unwrap(), parse_int_pbc(INT_PBC).unwrap());
    }

    #[test]
    fn malformed_int_pbc_files_are_errors() {
        let text = std::str::from_utf8(INT_PBC).unwrap();

        let not_a_number = text.replacen("   105,10;", "   105.10;", 1);
        let error = parse_int_pbc(not_a_number.as_bytes()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 4, column H1Q1: expected a price in €/MWh with at most 3 decimals, found \"   105.10\""
        );

        // One price short of the headings.
        let short = text.replacen("   105,10;", "", 1);
        assert!(matches!(parse_int_pbc(short.as_bytes()), Err(ParseError::Inconsistent { .. })));

        // 95 prices under 95 headings: not a whole day.
        let headings_too = short.replacen(";H1Q1", "", 1);
        let error = parse_int_pbc(headings_too.as_bytes()).unwrap_err();
        assert!(matches!(error, ParseError::PeriodCount { count: 95, hours: 24, .. }), "{error}");

        let no_spanish_row = text.replacen("sistema español", "sistema espanol", 1);
        assert!(matches!(parse_int_pbc(no_spanish_row.as_bytes()), Err(ParseError::Missing { .. })));

        let no_date = text.replacen(";01/10/2025;", ";;", 1);
        assert!(matches!(parse_int_pbc(no_date.as_bytes()), Err(ParseError::Value { .. })));

        let truncated = &INT_PBC[..600];
        assert!(parse_int_pbc(truncated).is_err());
        assert!(parse_int_pbc(b"").is_err());
        assert!(parse_int_pbc(SEP_15).is_err());
    }
}
