//! Red Eléctrica (REE), the grid operator: prices from its open-data API and the daily PVPC
//! curve.
//!
//! - apidatos (`apidatos.ree.es/…/mercados/precios-mercados-tiempo-real`): JSON:API with one
//!   `included[]` item per indicator (`"1001"` PVPC, `"600"` spot, both €/MWh), each with
//!   `attributes.values[]` of `value` and `datetime` (RFC 3339 with the local offset);
//! - the PVPC daily curve (`api.esios.ree.es/archives/70/download_json`): `PVPC[]` rows with
//!   `Dia` (dd/mm/yyyy), `Hora` (`"00-01"`…), and a price column per area as text with a
//!   decimal comma, €/MWh; `PCB` is the peninsula's (with the Balearic and Canary Islands).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Timelike, Utc};
use serde::Deserialize;

use super::{
    MarketPrice, ParseError, day_periods, decimal_micros, dmy_date, from_json, json_micros, spaced_periods,
};

/// The apidatos indicator of the PVPC price, €/MWh.
pub const PVPC: &str = "1001";
/// The apidatos indicator of the day-ahead (spot) market price, €/MWh.
pub const SPOT: &str = "600";

#[derive(Deserialize)]
struct Apidatos {
    included: Vec<Included>,
}

#[derive(Deserialize)]
struct Included {
    id: String,
    attributes: IncludedAttributes,
}

#[derive(Deserialize)]
struct IncludedAttributes {
    values: Vec<TimedValue>,
}

#[derive(Deserialize)]
struct TimedValue {
    value: f64,
    datetime: DateTime<FixedOffset>,
}

/// Reads one indicator (such as [`PVPC`] or [`SPOT`]) from an apidatos JSON answer: its
/// values, in time order, as periods as long as the spacing of their times (an hour when
/// there is a single value). Times must be evenly spaced, without gaps or repeats.
pub fn parse_apidatos(bytes: &[u8], indicator: &str) -> Result<Vec<MarketPrice>, ParseError> {
    let answer: Apidatos = from_json(bytes)?;
    let (index, item) =
        answer.included.iter().enumerate().find(|(_, item)| item.id == indicator).ok_or_else(|| {
            ParseError::Missing {
                at: format!("included[?].id = {indicator:?}"),
                what: "the requested indicator",
            }
        })?;
    let at = format!("included[{index}].attributes.values");
    let points = item
        .attributes
        .values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            Ok((value.datetime.with_timezone(&Utc), json_micros(value.value, format!("{at}[{i}].value"))?))
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    spaced_periods(points, Some(60), &at)
}

#[derive(Deserialize)]
struct Curve {
    #[serde(rename = "PVPC")]
    rows: Vec<CurveRow>,
}

#[derive(Deserialize)]
struct CurveRow {
    #[serde(rename = "Dia")]
    day: String,
    #[serde(rename = "Hora")]
    hour: String,
    #[serde(rename = "PCB")]
    peninsula: String,
}

/// Reads a PVPC daily curve (`PVPC_CURV_DD_*.json`): the peninsula's price (`PCB`) for each
/// hour of the day. The k-th row is the k-th hour from local midnight, so the file has 23
/// rows when summer time starts and 25 when it ends. All rows must be of one day, and each
/// `Hora` must name its row's hour, counted either from midnight (`"24-25"` on a 25-hour
/// day) or on the clock (`"03-04"` after `"01-02"` on a 23-hour day), as REE writes both.
pub fn parse_pvpc_curve(bytes: &[u8]) -> Result<Vec<MarketPrice>, ParseError> {
    let curve: Curve = from_json(bytes)?;
    let first = curve
        .rows
        .first()
        .ok_or_else(|| ParseError::Missing { at: "PVPC".to_owned(), what: "the day's rows" })?;
    let date = dmy_date(&first.day, "PVPC[0].Dia")?;
    let hours = charge_model::madrid::day_hours(date);
    if i64::try_from(curve.rows.len()).ok() != Some(hours) {
        return Err(ParseError::Inconsistent {
            at: "PVPC".to_owned(),
            message: format!("{} rows, but {date} has {hours} hours", curve.rows.len()),
        });
    }
    let prices = curve
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let row_date = dmy_date(&row.day, &format!("PVPC[{index}].Dia"))?;
            if row_date != date {
                return Err(ParseError::Inconsistent {
                    at: format!("PVPC[{index}].Dia"),
                    message: format!("a row for {row_date}, in a curve for {date}"),
                });
            }
            check_hour_label(date, index, &row.hour)?;
            decimal_micros(&row.peninsula, ',', format!("PVPC[{index}].PCB"))
        })
        .collect::<Result<Vec<i64>, ParseError>>()?;
    Ok(day_periods(date, 60, prices))
}

/// Checks that the `Hora` of the row at `index` is `"HH-HH"` for the hour it stands for.
fn check_hour_label(date: NaiveDate, index: usize, label: &str) -> Result<(), ParseError> {
    let hour = |text: &str| text.parse::<u32>().ok().filter(|_| text.len() == 2);
    let from = label.split_once('-').and_then(|(from, to)| Some((hour(from)?, hour(to)?)));
    let counted = u32::try_from(index).ok();
    let start = charge_model::madrid::day_start(date) + Duration::hours(i64::try_from(index).unwrap_or(0));
    let on_clock = charge_model::madrid::local(start).hour();
    match from {
        Some((from, to)) if to == from + 1 && (Some(from) == counted || from == on_clock) => Ok(()),
        _ => Err(ParseError::value(
            format!("PVPC[{index}].Hora"),
            "the hour `HH-HH` of the row's place in the day",
            label,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariffs::test_support::{assert_day, utc};

    const APIDATOS_JUN_1: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_APIDATOS_2021_06_01.json");
    const APIDATOS_OCT_31: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_APIDATOS_2021_10_31.json");
    const CURVE_OCT_31: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PVPC_CURV_DD_2021_10_31.json");
    const CURVE_MAR_27: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PVPC_CURV_DD_2022_03_27.json");

    #[test]
    fn apidatos_on_a_normal_day() {
        let pvpc = parse_apidatos(APIDATOS_JUN_1, PVPC).unwrap();
        assert_day(&pvpc, 24, 60, "2021-05-31T22:00:00Z", "2021-06-01T21:00:00Z");
        assert_eq!(pvpc[0].micros_per_kwh, 116_330);
        assert_eq!(pvpc[1].micros_per_kwh, 115_950);
        assert_eq!(pvpc[23].micros_per_kwh, 156_500);

        let spot = parse_apidatos(APIDATOS_JUN_1, SPOT).unwrap();
        assert_day(&spot, 24, 60, "2021-05-31T22:00:00Z", "2021-06-01T21:00:00Z");
        assert_eq!(spot[0].micros_per_kwh, 89_500);
        assert_eq!(spot[1].micros_per_kwh, 88_110);
        assert_eq!(spot[23].micros_per_kwh, 91_520);
    }

    #[test]
    fn apidatos_on_the_day_summer_time_ends() {
        let pvpc = parse_apidatos(APIDATOS_OCT_31, PVPC).unwrap();
        assert_day(&pvpc, 25, 60, "2021-10-30T22:00:00Z", "2021-10-31T22:00:00Z");
        assert_eq!(pvpc[0].micros_per_kwh, 171_480);
        // 02:00+02:00 and 02:00+01:00: the repeated hour, an hour apart.
        assert_eq!((pvpc[2].start, pvpc[2].micros_per_kwh), (utc("2021-10-31T00:00:00Z"), 109_550));
        assert_eq!((pvpc[3].start, pvpc[3].micros_per_kwh), (utc("2021-10-31T01:00:00Z"), 104_850));
        assert_eq!(pvpc[24].micros_per_kwh, 146_120);

        let spot = parse_apidatos(APIDATOS_OCT_31, SPOT).unwrap();
        assert_day(&spot, 25, 60, "2021-10-30T22:00:00Z", "2021-10-31T22:00:00Z");
        assert_eq!(spot[0].micros_per_kwh, 134_480);
        assert_eq!(spot[8].micros_per_kwh, 56_000, "the JSON integer 56");
        assert_eq!(spot[24].micros_per_kwh, 112_900);
    }

    #[test]
    fn pvpc_curve_on_the_day_summer_time_ends() {
        let prices = parse_pvpc_curve(CURVE_OCT_31).unwrap();
        assert_day(&prices, 25, 60, "2021-10-30T22:00:00Z", "2021-10-31T22:00:00Z");
        assert_eq!(prices[0].micros_per_kwh, 171_480);
        assert_eq!(prices[21].micros_per_kwh, 185_380);
        assert_eq!(prices[24].micros_per_kwh, 146_120, "row `24-25`");
        // The curve and apidatos publish the same PVPC.
        assert_eq!(prices, parse_apidatos(APIDATOS_OCT_31, PVPC).unwrap());
    }

    #[test]
    fn pvpc_curve_on_the_day_summer_time_starts() {
        let prices = parse_pvpc_curve(CURVE_MAR_27).unwrap();
        assert_day(&prices, 23, 60, "2022-03-26T23:00:00Z", "2022-03-27T21:00:00Z");
        assert_eq!(prices[0].micros_per_kwh, 171_480);
        // Row `03-04` follows `01-02`: 03:00 CEST.
        assert_eq!((prices[2].start, prices[2].micros_per_kwh), (utc("2022-03-27T01:00:00Z"), 104_850));
        assert_eq!(prices[22].micros_per_kwh, 152_390);
    }

    #[test]
    fn malformed_ree_files_are_errors() {
        let truncated = &APIDATOS_OCT_31[..APIDATOS_OCT_31.len() / 2];
        assert!(matches!(parse_apidatos(truncated, PVPC), Err(ParseError::Json { .. })));
        assert!(matches!(parse_apidatos(APIDATOS_OCT_31, "1739"), Err(ParseError::Missing { .. })));
        assert!(matches!(parse_apidatos(b"", PVPC), Err(ParseError::Json { .. })));
        assert!(matches!(parse_apidatos(CURVE_OCT_31, PVPC), Err(ParseError::Json { .. })));

        let text = std::str::from_utf8(APIDATOS_OCT_31).unwrap();
        let not_a_number = text.replacen("\"value\": 171.48", "\"value\": \"171,48\"", 1);
        assert_ne!(not_a_number, text);
        let error = parse_apidatos(not_a_number.as_bytes(), PVPC).unwrap_err();
        assert!(
            error.to_string().starts_with("malformed JSON at `included[0].attributes.values[0].value`"),
            "{error}"
        );

        let gap = text.replacen("2021-10-31T05:00:00.000+01:00", "2021-10-31T04:00:00.000+01:00", 2);
        assert!(matches!(parse_apidatos(gap.as_bytes(), PVPC), Err(ParseError::Inconsistent { .. })));

        let curve = std::str::from_utf8(CURVE_OCT_31).unwrap();
        assert!(matches!(parse_pvpc_curve(&CURVE_OCT_31[..5000]), Err(ParseError::Json { .. })));

        let not_a_number = curve.replacen("\"PCB\": \"171,48\"", "\"PCB\": \"171;48\"", 1);
        assert_ne!(not_a_number, curve);
        let error = parse_pvpc_curve(not_a_number.as_bytes()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "PVPC[0].PCB: expected a price in €/MWh with at most 3 decimals, found \"171;48\""
        );

        // 25 rows on a normal day.
        let wrong_day = curve.replace("31/10/2021", "30/10/2021");
        let error = parse_pvpc_curve(wrong_day.as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), "PVPC: 25 rows, but 2021-10-30 has 24 hours");

        let mixed_days =
            curve.replacen("31/10/2021", "30/10/2021", 2).replacen("30/10/2021", "31/10/2021", 1);
        assert!(matches!(parse_pvpc_curve(mixed_days.as_bytes()), Err(ParseError::Inconsistent { .. })));

        let bad_hour = curve.replacen("\"01-02\"", "\"05-06\"", 1);
        assert!(matches!(parse_pvpc_curve(bad_hour.as_bytes()), Err(ParseError::Value { .. })));

        assert!(matches!(parse_pvpc_curve(b"{\"PVPC\": []}"), Err(ParseError::Missing { .. })));
    }
}
