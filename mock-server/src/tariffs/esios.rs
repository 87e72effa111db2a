//! ESIOS, REE's market information system: one indicator's values
//! (`api.esios.ree.es/indicators/<id>`), such as 1001 (PVPC 2.0TD), 1739 (price of surplus
//! self-consumption energy), 2108 or 10211, all in €/MWh.
//!
//! The answer is `{"indicator": {…, "tiempo": [{"name": "Hora"}], "values": [...]}}`, each value
//! with `value`, `datetime` (local, with its offset), `datetime_utc`, `tz_time` and `geo_id`.
//! Indicators split by area repeat each time once per area (8741 Península, 8742 Canarias,
//! 8743 Baleares, 8744 Ceuta, 8745 Melilla); others have a single area (1739: 3, España).
//!
//! The instant is read from `datetime`, not `datetime_utc`: on the day summer time ends, ESIOS
//! writes the second 02:00 (`02:00+01:00`, 01:00 UTC) with the `datetime_utc` of the first
//! (00:00 UTC), which would repeat one hour and skip the next. `datetime_utc` is only the
//! fallback when a value has no `datetime`.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;

use super::{MarketPrice, ParseError, from_json, json_micros, spaced_periods};

/// The ESIOS area of the Spanish peninsula.
pub const PENINSULA: u32 = 8741;

#[derive(Deserialize)]
struct Answer {
    indicator: Indicator,
}

#[derive(Deserialize)]
struct Indicator {
    values: Vec<IndicatorValue>,
    #[serde(default)]
    tiempo: Vec<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct IndicatorValue {
    value: f64,
    datetime: Option<DateTime<FixedOffset>>,
    datetime_utc: Option<DateTime<Utc>>,
    geo_id: u32,
}

/// Reads an ESIOS indicator answer (`PRICES_ESIOS_<indicator>_<date>.json`): the peninsula's
/// values ([`PENINSULA`]) when there are any, else those of the one area the file has. The
/// periods are as long as the spacing of the values' times, which must be even, without gaps
/// or repeats (a single value is an hour long when the indicator's `tiempo` is `Hora`).
pub fn parse_indicator(bytes: &[u8]) -> Result<Vec<MarketPrice>, ParseError> {
    let answer: Answer = from_json(bytes)?;
    let values = &answer.indicator.values;
    let geo = if values.iter().any(|value| value.geo_id == PENINSULA) {
        PENINSULA
    } else {
        let first = values
            .first()
            .ok_or_else(|| ParseError::Missing { at: "indicator.values".to_owned(), what: "price values" })?
            .geo_id;
        if let Some((index, other)) = values.iter().enumerate().find(|(_, value)| value.geo_id != first) {
            return Err(ParseError::Inconsistent {
                at: format!("indicator.values[{index}].geo_id"),
                message: format!(
                    "values for areas {first} and {}, and none for the peninsula ({PENINSULA})",
                    other.geo_id
                ),
            });
        }
        first
    };
    let points = values
        .iter()
        .enumerate()
        .filter(|(_, value)| value.geo_id == geo)
        .map(|(index, value)| {
            let at = |field: &str| format!("indicator.values[{index}].{field}");
            let start = match (value.datetime, value.datetime_utc) {
                (Some(local), _) => local.with_timezone(&Utc),
                (None, Some(utc)) => utc,
                (None, None) => {
                    return Err(ParseError::Missing { at: at("datetime"), what: "the value's time" });
                }
            };
            Ok((start, json_micros(value.value, at("value"))?))
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    let hourly = answer.indicator.tiempo.iter().any(|tiempo| tiempo.name == "Hora");
    spaced_periods(points, hourly.then_some(60), "indicator.values")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariffs::ree;
    use crate::tariffs::test_support::{assert_day, utc};

    const PVPC_OCT_31: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_ESIOS_1001_2021_10_31.json");
    const PVPC_MAR_9: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_ESIOS_1001_2024_03_09.json");
    const FINAL_MAR_9: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_ESIOS_10211_2024_03_09.json");
    const SURPLUS_MAR_9: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_ESIOS_1739_2024_03_09.json");
    const ADJUST_MAR_9: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_ESIOS_2108_2024_03_09.json");
    const APIDATOS_OCT_31: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PRICES_APIDATOS_2021_10_31.json");
    const CURVE_OCT_31: &[u8] =
        include_bytes!("../../tests/fixtures/tariffs/aiopvpc/PVPC_CURV_DD_2021_10_31.json");

    #[test]
    fn pvpc_on_the_day_summer_time_ends() {
        let prices = parse_indicator(PVPC_OCT_31).unwrap();
        assert_day(&prices, 25, 60, "2021-10-30T22:00:00Z", "2021-10-31T22:00:00Z");
        assert_eq!(prices[0].micros_per_kwh, 171_480);
        assert_eq!((prices[3].start, prices[3].micros_per_kwh), (utc("2021-10-31T01:00:00Z"), 104_850));
        assert_eq!(prices[24].micros_per_kwh, 146_120);
    }

    #[test]
    fn esios_datetime_utc_repeats_an_hour_when_summer_time_ends() {
        // Why the parser reads `datetime`: the file's own `datetime_utc` of the second 02:00.
        let json: serde_json::Value = serde_json::from_slice(PVPC_OCT_31).unwrap();
        let peninsula: Vec<&serde_json::Value> = json["indicator"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|value| value["geo_id"] == PENINSULA)
            .collect();
        assert_eq!(peninsula[3]["datetime"], "2021-10-31T02:00:00.000+01:00");
        assert_eq!(peninsula[3]["datetime_utc"], "2021-10-31T00:00:00Z", "should be 01:00Z");
        assert_eq!(peninsula[2]["datetime_utc"], "2021-10-31T00:00:00Z");
        assert_eq!(peninsula[3]["tz_time"], "2021-10-31T01:00:00.000Z");
    }

    #[test]
    fn pvpc_agrees_across_esios_apidatos_and_the_daily_curve() {
        let esios = parse_indicator(PVPC_OCT_31).unwrap();
        let apidatos = ree::parse_apidatos(APIDATOS_OCT_31, ree::PVPC).unwrap();
        let curve = ree::parse_pvpc_curve(CURVE_OCT_31).unwrap();
        assert_eq!(esios.len(), 25);
        for (hour, ((esios, apidatos), curve)) in esios.iter().zip(&apidatos).zip(&curve).enumerate() {
            assert_eq!(esios, apidatos, "hour {hour}: ESIOS and apidatos");
            assert_eq!(esios, curve, "hour {hour}: ESIOS and the curve");
        }
        assert_eq!((apidatos.len(), curve.len()), (25, 25));
    }

    #[test]
    fn indicators_on_a_normal_day() {
        let pvpc = parse_indicator(PVPC_MAR_9).unwrap();
        assert_day(&pvpc, 24, 60, "2024-03-08T23:00:00Z", "2024-03-09T22:00:00Z");
        assert_eq!(pvpc[0].micros_per_kwh, 44_980);
        assert_eq!(pvpc[1].micros_per_kwh, 46_140);
        assert_eq!(pvpc[23].micros_per_kwh, 41_940);

        let adjustment = parse_indicator(ADJUST_MAR_9).unwrap();
        assert_day(&adjustment, 24, 60, "2024-03-08T23:00:00Z", "2024-03-09T22:00:00Z");
        assert_eq!(adjustment[0].micros_per_kwh, 23_810);
        assert_eq!(adjustment[23].micros_per_kwh, 23_780);

        let final_price = parse_indicator(FINAL_MAR_9).unwrap();
        assert_day(&final_price, 24, 60, "2024-03-08T23:00:00Z", "2024-03-09T22:00:00Z");
        assert_eq!(final_price[0].micros_per_kwh, 7_080);
        assert_eq!(final_price[23].micros_per_kwh, 4_900);
    }

    #[test]
    fn surplus_price_has_a_single_area_and_negative_values() {
        let prices = parse_indicator(SURPLUS_MAR_9).unwrap();
        assert_day(&prices, 24, 60, "2024-03-08T23:00:00Z", "2024-03-09T22:00:00Z");
        assert_eq!(prices[0].micros_per_kwh, -1_450);
        assert_eq!(prices[19].micros_per_kwh, 1_590);
        assert_eq!(prices[23].micros_per_kwh, -1_240);
    }

    #[test]
    fn malformed_indicators_are_errors() {
        let truncated = &PVPC_MAR_9[..PVPC_MAR_9.len() - 10];
        assert!(matches!(parse_indicator(truncated), Err(ParseError::Json { .. })));
        assert!(matches!(parse_indicator(b"{}"), Err(ParseError::Json { .. })));
        assert!(matches!(parse_indicator(CURVE_OCT_31), Err(ParseError::Json { .. })));

        let text = std::str::from_utf8(SURPLUS_MAR_9).unwrap();
        let null = text.replacen("\"value\": -1.45", "\"value\": null", 1);
        assert_ne!(null, text);
        let error = parse_indicator(null.as_bytes()).unwrap_err();
        assert!(error.to_string().starts_with("malformed JSON at `indicator.values[0].value`"), "{error}");

        let text = std::str::from_utf8(PVPC_MAR_9).unwrap();
        let no_peninsula = text.replace("\"geo_id\": 8741", "\"geo_id\": 9999");
        assert!(matches!(parse_indicator(no_peninsula.as_bytes()), Err(ParseError::Inconsistent { .. })));

        let gap = text.replace("2024-03-09T05:00:00.000+01:00", "2024-03-09T06:00:00.000+01:00");
        assert!(matches!(parse_indicator(gap.as_bytes()), Err(ParseError::Inconsistent { .. })));

        let empty = br#"{"indicator": {"tiempo": [{"name": "Hora"}], "values": []}}"#;
        assert!(matches!(parse_indicator(empty), Err(ParseError::Missing { .. })));

        let single = br#"{"indicator": {"values": [{"value": 1, "datetime_utc": "2024-03-08T23:00:00Z", "geo_id": 3}]}}"#;
        assert!(matches!(parse_indicator(single), Err(ParseError::Inconsistent { .. })));
        let hourly = br#"{"indicator": {"tiempo": [{"name": "Hora"}],
            "values": [{"value": 1, "datetime_utc": "2024-03-08T23:00:00Z", "geo_id": 3}]}}"#;
        let prices = parse_indicator(hourly).unwrap();
        assert_eq!(
            prices,
            [MarketPrice { start: utc("2024-03-08T23:00:00Z"), minutes: 60, micros_per_kwh: 1_000 }]
        );
    }
}
