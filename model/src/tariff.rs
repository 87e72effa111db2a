//! Tariffs and what a charge costs. Money is exact: prices are integer micro-euros per kWh,
//! energy integer milliwatt-hours, their products integer pico-euros, rounded to cents once.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::day_ranges::{Span, check_cover, format_minute};
use crate::madrid;
use crate::sessions::PricedSlice;
use crate::tolls::{self, RegulatedQuote};
use crate::{FieldErrors, Problem};

/// A price in micro-euros per kWh: 0.1523 €/kWh is `Price(152_300)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Price(pub i64);

/// The most a price may be, either way, in €/kWh.
pub const PRICE_LIMIT_EUROS: i64 = 10;

impl Price {
    /// Reads "0,1523" or "0.1523" €/kWh (up to 6 decimals) exactly.
    pub fn parse(text: &str) -> Result<Price, Problem> {
        let invalid = || Problem::InvalidPrice;
        let text = text.trim().replace(',', ".");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || fraction.len() > 6
            || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| invalid())? };
        let fraction: i64 = format!("{fraction:0<6}").parse().map_err(|_| invalid())?;
        if whole >= PRICE_LIMIT_EUROS {
            return Err(Problem::OutOfRange {
                min: -(PRICE_LIMIT_EUROS as f64),
                max: PRICE_LIMIT_EUROS as f64,
            });
        }
        let micros = whole * 1_000_000 + fraction;
        Ok(Price(if negative { -micros } else { micros }))
    }

    /// Within ±10 €/kWh.
    pub fn check(self) -> Result<(), Problem> {
        let limit = PRICE_LIMIT_EUROS * 1_000_000;
        if (-limit..=limit).contains(&self.0) {
            Ok(())
        } else {
            Err(Problem::OutOfRange { min: -(PRICE_LIMIT_EUROS as f64), max: PRICE_LIMIT_EUROS as f64 })
        }
    }

    /// €/kWh with `decimals` decimals (rounded half away from zero), "." as separator.
    pub fn euros(self, decimals: u32) -> String {
        let decimals = decimals.min(6);
        let step = 10_i64.pow(6 - decimals);
        let rounded = (self.0.abs() + step / 2) / step;
        let scale = 10_i64.pow(decimals);
        let sign = if self.0 < 0 && rounded != 0 { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{rounded}")
        } else {
            format!("{sign}{}.{:0width$}", rounded / scale, rounded % scale, width = decimals as usize)
        }
    }
}

/// A range of the day and its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedSpan {
    #[serde(flatten)]
    pub span: Span,
    /// µ€/kWh, within ±10 €/kWh.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = -10_000_000, maximum = 10_000_000))]
    pub price: Price,
}

/// What the user pays for energy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tariff {
    /// One price all the time (µ€/kWh, within ±10 €/kWh).
    Flat {
        #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = -10_000_000, maximum = 10_000_000))]
        price: Price,
    },
    /// Prices by time of day; the ranges cover 24 hours and start and end on quarter-hours
    /// (:00, :15, :30, :45).
    TimeRanges { ranges: Vec<PricedSpan> },
    /// Prices by time of day for each day of the week, Monday first; quarter-hour boundaries.
    DayTimeRanges {
        #[cfg_attr(feature = "openapi", schema(min_items = 7, max_items = 7))]
        days: Vec<Vec<PricedSpan>>,
    },
    /// Indexed to the market: the OMIE price plus the regulated access tolls and charges
    /// (peajes + cargos) of the 2.0TD period in force that day plus the retailer's margin or
    /// fee (µ€/kWh, within ±10 €/kWh). `p1`, `p2`, `p3` are optional overrides of the
    /// regulated tolls and charges of a period (absent or null: the regulated value).
    Indexed {
        #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = -10_000_000, maximum = 10_000_000))]
        margin: Price,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = -10_000_000, maximum = 10_000_000))]
        p1: Option<Price>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = -10_000_000, maximum = 10_000_000))]
        p2: Option<Price>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = -10_000_000, maximum = 10_000_000))]
        p3: Option<Price>,
    },
    /// The regulated PVPC 2.0TD price, as published by REE for each hour: a final energy
    /// price that already contains the tolls and charges, so nothing is added to it.
    Pvpc,
    /// The OMIE day-ahead price for Spain, as it is.
    OmieSpot,
}

impl Default for Tariff {
    fn default() -> Self {
        Tariff::Flat { price: Price(150_000) }
    }
}

/// The market series a tariff follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Market {
    /// OMIE day-ahead marginal price, Spain.
    Omie,
    /// PVPC 2.0TD energy term (REE / ESIOS indicator 1001, peninsula).
    Pvpc,
}

impl Market {
    pub fn tag(self) -> &'static str {
        match self {
            Market::Omie => "omie",
            Market::Pvpc => "pvpc",
        }
    }
}

impl Tariff {
    /// The market prices it needs, if any.
    pub fn market(&self) -> Option<Market> {
        match self {
            Tariff::Indexed { .. } | Tariff::OmieSpot => Some(Market::Omie),
            Tariff::Pvpc => Some(Market::Pvpc),
            _ => None,
        }
    }

    /// Prices within limits; ranges covering each day once. Fields: `price`, `ranges`,
    /// `ranges.1.price`, `days`, `days.5`, `margin`, `p1`…
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let spans = |errors: &mut FieldErrors, field: &str, ranges: &[PricedSpan]| {
            for (index, range) in ranges.iter().enumerate() {
                errors.check(&format!("{field}.{index}.price"), range.price.check());
            }
            let cover = check_cover(&ranges.iter().map(|r| r.span).collect::<Vec<_>>())
                .and_then(|()| check_quarters(ranges));
            errors.check(field, cover);
        };
        match self {
            Tariff::Flat { price } => {
                errors.check("price", price.check());
            }
            Tariff::TimeRanges { ranges } => spans(&mut errors, "ranges", ranges),
            Tariff::DayTimeRanges { days } => {
                if days.len() == 7 {
                    for (day, ranges) in days.iter().enumerate() {
                        spans(&mut errors, &format!("days.{day}"), ranges);
                    }
                } else {
                    errors.add("days", Problem::SevenDays);
                }
            }
            Tariff::Indexed { margin, p1, p2, p3 } => {
                errors.check("margin", margin.check());
                for (field, price) in [("p1", p1), ("p2", p2), ("p3", p3)] {
                    if let Some(price) = price {
                        errors.check(field, price.check());
                    }
                }
            }
            Tariff::Pvpc | Tariff::OmieSpot => {}
        }
        errors.into_result()
    }

    /// The price at an instant. `market` is the market price there, for the tariffs that
    /// follow one (`None` for the others).
    pub fn price_at(&self, at: DateTime<Utc>, market: Option<Price>) -> Price {
        self.quote_at(at, market.map(|price| Quote { price, estimated: false })).price
    }

    /// The price at an instant and whether it is an estimate: the market quote was one, or
    /// an indexed tariff used regulated tolls outside the confirmed table.
    pub fn quote_at(&self, at: DateTime<Utc>, market: Option<Quote>) -> Quote {
        let local = madrid::local(at);
        let market_price = market.map_or(Price(0), |q| q.price);
        let market_estimated = market.is_some_and(|q| q.estimated);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let in_ranges = |ranges: &[PricedSpan]| {
            ranges.iter().find(|r| r.span.contains(minute)).map_or(Price(0), |r| r.price)
        };
        let fixed = |price| Quote { price, estimated: false };
        match self {
            Tariff::Flat { price } => fixed(*price),
            Tariff::TimeRanges { ranges } => fixed(in_ranges(ranges)),
            Tariff::DayTimeRanges { days } => fixed(
                days.get(madrid::weekday_index(local.weekday())).map_or(Price(0), |ranges| in_ranges(ranges)),
            ),
            Tariff::Indexed { margin, p1, p2, p3 } => {
                let period = period_20td(local);
                let overridden = match period {
                    Period::P1 => p1,
                    Period::P2 => p2,
                    Period::P3 => p3,
                };
                let tolls = match overridden {
                    Some(price) => RegulatedQuote { price: *price, estimated: false },
                    None => tolls::energy_term(local.date(), period),
                };
                Quote {
                    price: Price(market_price.0 + tolls.price.0 + margin.0),
                    estimated: market_estimated || tolls.estimated,
                }
            }
            // PVPC is a final energy price: its tolls and charges are in it already.
            Tariff::Pvpc | Tariff::OmieSpot => Quote { price: market_price, estimated: market_estimated },
        }
    }

    /// Whether its price can change inside a quarter-hour: a range tariff with a boundary
    /// off the quarter-hours (saved before boundaries had to be on them).
    fn splits_quarters(&self) -> bool {
        let off =
            |ranges: &[PricedSpan]| ranges.iter().any(|r| r.span.start % 15 != 0 || r.span.end % 15 != 0);
        match self {
            Tariff::TimeRanges { ranges } => off(ranges),
            Tariff::DayTimeRanges { days } => days.iter().any(|ranges| off(ranges)),
            _ => false,
        }
    }
}

/// Boundaries on quarter-hours, as charges are metered: the problem names the others.
fn check_quarters(ranges: &[PricedSpan]) -> Result<(), Problem> {
    let mut off: Vec<String> = Vec::new();
    for minute in ranges.iter().flat_map(|r| [r.span.start, r.span.end]) {
        let text = format_minute(minute);
        if minute % 15 != 0 && !off.contains(&text) {
            off.push(text);
        }
    }
    if off.is_empty() { Ok(()) } else { Err(Problem::OffQuarterHour(off.join(", "))) }
}

/// The time periods of the 2.0TD access tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Period {
    /// Peak: 10–14 and 18–22 on working days.
    P1,
    /// Flat: 8–10, 14–18 and 22–24 on working days.
    P2,
    /// Valley: 0–8 on working days; weekends and national holidays all day.
    P3,
}

/// The 2.0TD period of a local time (peninsula; official hours of CNMC Circular 3/2020).
pub fn period_20td(local: NaiveDateTime) -> Period {
    let date = local.date();
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || is_national_holiday(date) {
        return Period::P3;
    }
    match local.hour() {
        0..=7 => Period::P3,
        10..=13 | 18..=21 => Period::P1,
        _ => Period::P2,
    }
}

/// The national holidays with a fixed date, which the 2.0TD counts as P3 all day (holidays
/// that move, like Good Friday, or that regions may replace, do not count).
pub fn is_national_holiday(date: NaiveDate) -> bool {
    const FIXED: [(u32, u32); 9] =
        [(1, 1), (1, 6), (5, 1), (8, 15), (10, 12), (11, 1), (12, 6), (12, 8), (12, 25)];
    FIXED.contains(&(date.month(), date.day()))
}

/// Energy delivered in an interval of a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnergySlice {
    /// Unix seconds; slices start on quarter-hours, so each lies inside one price interval.
    pub start: i64,
    /// Milliwatt-hours.
    pub energy_mwh: i64,
}

/// A market price or, when there is none, an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub price: Price,
    pub estimated: bool,
}

/// What a charge cost: exact cents, and whether estimated market prices went into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cost {
    pub cents: i64,
    pub estimated: bool,
}

/// A charge priced: what it cost, and the exact cost of each of its slices (stored with the
/// charge, so that statistics add slices up by day or month and round once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedCharge {
    pub cost: Cost,
    pub slices: Vec<PricedSlice>,
}

/// The cost of a charge under `tariff`: the sum over its slices of energy × the price at the
/// slice, rounded to cents once, with `market` quoting the market price of an instant for
/// the tariffs that need one. This is the one cost function: [`cost`] is its total.
pub fn price(
    tariff: &Tariff,
    slices: &[EnergySlice],
    market: impl Fn(DateTime<Utc>) -> Quote,
) -> PricedCharge {
    let needs_market = tariff.market().is_some();
    let splits = tariff.splits_quarters();
    let mut estimated = false;
    let priced: Vec<PricedSlice> = slices
        .iter()
        .map(|slice| {
            let cost_pico = match DateTime::from_timestamp(slice.start, 0) {
                // A legacy range boundary inside the quarter: each minute at its own price,
                // the quarter's energy spread evenly over its minutes.
                Some(at) if splits => {
                    let minutes: i128 = (0..15)
                        .map(|m| i128::from(tariff.price_at(at + chrono::Duration::minutes(m), None).0))
                        .sum();
                    let pico = i128::from(slice.energy_mwh) * minutes;
                    i64::try_from((pico + pico.signum() * 7) / 15).unwrap_or(i64::MAX)
                }
                Some(at) => {
                    let quote = tariff.quote_at(at, needs_market.then(|| market(at)));
                    estimated |= quote.estimated;
                    // mWh × µ€/kWh = 10⁻³ Wh × 10⁻⁶ € / 10³ Wh = 10⁻¹² €; a quarter-hour's is far inside i64.
                    slice.energy_mwh.saturating_mul(quote.price.0)
                }
                None => 0,
            };
            PricedSlice { start: slice.start, energy_mwh: slice.energy_mwh, cost_pico }
        })
        .collect();
    let cents = round_pico_to_cents(priced.iter().map(|s| i128::from(s.cost_pico)).sum());
    PricedCharge { cost: Cost { cents, estimated }, slices: priced }
}

/// What a charge costs under `tariff` (see [`price`]).
pub fn cost(tariff: &Tariff, slices: &[EnergySlice], market: impl Fn(DateTime<Utc>) -> Quote) -> Cost {
    price(tariff, slices, market).cost
}

/// Rounds pico-euros to cents, half away from zero.
pub fn round_pico_to_cents(pico: i128) -> i64 {
    const PICO_PER_CENT: i128 = 10_000_000_000;
    let cents = (pico.abs() + PICO_PER_CENT / 2) / PICO_PER_CENT;
    let cents = i64::try_from(cents).unwrap_or(i64::MAX);
    if pico < 0 { -cents } else { cents }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn slice(start: &str, wh: i64) -> EnergySlice {
        EnergySlice { start: utc(start).timestamp(), energy_mwh: wh * 1000 }
    }

    fn ranged(pairs: &[(u16, u16, i64)]) -> Vec<PricedSpan> {
        pairs
            .iter()
            .map(|&(s, e, p)| PricedSpan { span: Span { start: s * 60, end: e * 60 }, price: Price(p) })
            .collect()
    }

    fn ranged_minutes(pairs: &[(u16, u16, i64)]) -> Vec<PricedSpan> {
        pairs
            .iter()
            .map(|&(start, end, p)| PricedSpan { span: Span { start, end }, price: Price(p) })
            .collect()
    }

    #[test]
    fn prices_read_and_write_exactly() {
        assert_eq!(Price::parse("0,1523"), Ok(Price(152_300)));
        assert_eq!(Price::parse(".05"), Ok(Price(50_000)));
        assert_eq!(Price::parse("-0.000001"), Ok(Price(-1)));
        assert!(Price::parse("0.1234567").is_err());
        assert!(Price::parse("abc").is_err() && Price::parse("").is_err() && Price::parse("1.2.3").is_err());
        assert!(Price::parse("12").is_err());
        assert_eq!(Price(152_350).euros(4), "0.1524");
        assert_eq!(Price(-152_350).euros(2), "-0.15");
        assert_eq!(Price(7_630).euros(6), "0.007630");
    }

    #[test]
    fn periods_follow_the_official_hours_with_weekends_and_holidays_in_p3() {
        let at = |y, m, d, h| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 30, 0).unwrap();
        // Wednesday 2025-11-26.
        assert_eq!(period_20td(at(2025, 11, 26, 7)), Period::P3);
        assert_eq!(period_20td(at(2025, 11, 26, 8)), Period::P2);
        assert_eq!(period_20td(at(2025, 11, 26, 10)), Period::P1);
        assert_eq!(period_20td(at(2025, 11, 26, 14)), Period::P2);
        assert_eq!(period_20td(at(2025, 11, 26, 19)), Period::P1);
        assert_eq!(period_20td(at(2025, 11, 26, 23)), Period::P2);
        assert_eq!(period_20td(at(2025, 11, 29, 12)), Period::P3, "Saturday");
        assert_eq!(period_20td(at(2025, 12, 8, 12)), Period::P3, "Monday, Immaculate Conception");
        assert_eq!(period_20td(at(2026, 4, 3, 12)), Period::P1, "Good Friday has no fixed date");
    }

    #[test]
    fn periods_are_read_in_local_time_across_the_dst_change() {
        let tariff = Tariff::Indexed {
            margin: Price(0),
            p1: Some(Price(100)),
            p2: Some(Price(20)),
            p3: Some(Price(3)),
        };
        // Friday 2026-03-27 is summer time? No: it starts on Sunday the 29th. 09:30 UTC = 10:30 CET: P1.
        assert_eq!(tariff.price_at(utc("2026-03-27T09:30:00Z"), Some(Price(0))), Price(100));
        // Monday 2026-03-30, summer time: 08:30 UTC = 10:30 CEST: P1; 07:30 UTC = 09:30: P2.
        assert_eq!(tariff.price_at(utc("2026-03-30T08:30:00Z"), Some(Price(0))), Price(100));
        assert_eq!(tariff.price_at(utc("2026-03-30T07:30:00Z"), Some(Price(0))), Price(20));
    }

    #[test]
    fn a_session_is_priced_slice_by_slice_by_hand() {
        let tariff = Tariff::TimeRanges { ranges: ranged(&[(0, 8, 80_000), (8, 24, 200_000)]) };
        // Winter: 06:45–07:15 UTC = 07:45–08:15 local: two quarters in each price.
        let slices = [
            slice("2025-11-26T06:45:00Z", 925),
            slice("2025-11-26T07:00:00Z", 920),
            slice("2025-11-26T07:15:00Z", 910),
        ];
        // 925 Wh × 0.08 + 920 Wh × 0.20 + 910 Wh × 0.20 = 0.074 + 0.184 + 0.182 = 0.44 €.
        assert_eq!(cost(&tariff, &slices, |_| unreachable!()), Cost { cents: 44, estimated: false });
    }

    #[test]
    fn each_slice_keeps_its_exact_cost_and_the_slices_make_the_cost() {
        let tariff = Tariff::TimeRanges { ranges: ranged(&[(0, 8, 80_000), (8, 24, 200_000)]) };
        let slices = [slice("2025-11-26T06:45:00Z", 925), slice("2025-11-26T07:00:00Z", 921)];
        let priced = price(&tariff, &slices, |_| unreachable!());
        // 925 Wh × 0.08 € = 0.074 €; 921 Wh × 0.20 € = 0.1842 €.
        let picos: Vec<i64> = priced.slices.iter().map(|s| s.cost_pico).collect();
        assert_eq!(picos, [74_000_000_000, 184_200_000_000]);
        assert_eq!(
            priced.slices[1],
            PricedSlice { start: slices[1].start, energy_mwh: 921_000, cost_pico: picos[1] }
        );
        assert_eq!(priced.cost, Cost { cents: 26, estimated: false }, "0.2582 € rounds once");
        assert_eq!(cost(&tariff, &slices, |_| unreachable!()), priced.cost);
    }

    #[test]
    fn a_session_across_the_dst_change_uses_local_hours() {
        // Night of 2025-10-25/26: 02:00–03:00 local happens twice. Cheap before 03:00 local.
        let tariff = Tariff::TimeRanges { ranges: ranged(&[(0, 3, 100_000), (3, 24, 300_000)]) };
        let slices = [
            slice("2025-10-26T00:30:00Z", 1000), // 02:30 CEST: cheap
            slice("2025-10-26T01:30:00Z", 1000), // 02:30 CET, the repeated hour: cheap
            slice("2025-10-26T02:30:00Z", 1000), // 03:30 CET: dear
        ];
        assert_eq!(cost(&tariff, &slices, |_| unreachable!()).cents, 10 + 10 + 30);
    }

    #[test]
    fn market_tariffs_add_tolls_and_margin_and_say_when_they_estimated() {
        let tariff = Tariff::Indexed {
            margin: Price(10_000),
            p1: Some(Price(90_000)),
            p2: Some(Price(30_000)),
            p3: Some(Price(3_000)),
        };
        // Saturday: P3. Market 105.10 €/MWh = 105 100 µ€/kWh; + 3 000 + 10 000 = 0.1181 €/kWh.
        let slices = [slice("2025-11-29T10:00:00Z", 7_000), slice("2025-11-29T10:15:00Z", 3_000)];
        let known = cost(&tariff, &slices, |_| Quote { price: Price(105_100), estimated: false });
        assert_eq!(known, Cost { cents: 118, estimated: false }, "10 kWh × 0.1181 € = 1.181 €");
        let mixed =
            cost(&tariff, &slices, |at| Quote { price: Price(105_100), estimated: at.minute() == 15 });
        assert!(mixed.estimated);
    }

    #[test]
    fn an_indexed_tariff_with_a_margin_only_adds_the_regulated_tolls_of_its_day() {
        let tariff = Tariff::Indexed { margin: Price(10_000), p1: None, p2: None, p3: None };
        let market = |_| Quote { price: Price(100_000), estimated: false };
        // Tuesday 2024-12-31, 20:45–21:00 CET: P1 of 2024 (0.076974 €/kWh).
        // 2 kWh × (0.100 + 0.076974 + 0.010) = 0.373948 €.
        let old_year = [slice("2024-12-31T19:45:00Z", 2_000)];
        assert_eq!(cost(&tariff, &old_year, market), Cost { cents: 37, estimated: false });
        // Thursday 2025-01-02, same hour: P1 of 2025 (0.092539 €/kWh).
        // 2 kWh × (0.100 + 0.092539 + 0.010) = 0.405078 €.
        let new_year = [slice("2025-01-02T19:45:00Z", 2_000)];
        assert_eq!(cost(&tariff, &new_year, market), Cost { cents: 41, estimated: false });
    }

    #[test]
    fn a_session_across_new_year_uses_each_years_tolls_for_its_own_quarters() {
        let tariff = Tariff::Indexed { margin: Price(0), p1: None, p2: None, p3: None };
        // 2024-12-31 23:30 → 2025-01-01 00:30 local (CET = UTC+1). 23:xx on a Tuesday is P2;
        // 1 January is a national holiday: P3.
        let slices = [
            slice("2024-12-31T22:30:00Z", 1_000),
            slice("2024-12-31T22:45:00Z", 1_000),
            slice("2024-12-31T23:00:00Z", 1_000),
            slice("2024-12-31T23:15:00Z", 1_000),
        ];
        let priced = price(&tariff, &slices, |_| Quote { price: Price(0), estimated: false });
        let picos: Vec<i64> = priced.slices.iter().map(|s| s.cost_pico).collect();
        // 1 kWh × 0.027963 (P2 2024), twice; 1 kWh × 0.002994 (P3 2025), twice.
        assert_eq!(picos, [27_963_000_000, 27_963_000_000, 2_994_000_000, 2_994_000_000]);
        // 0.061914 € rounds once.
        assert_eq!(priced.cost, Cost { cents: 6, estimated: false });
    }

    #[test]
    fn a_session_across_the_2026_new_year_uses_each_years_tolls_for_its_own_quarters() {
        let tariff = Tariff::Indexed { margin: Price(0), p1: None, p2: None, p3: None };
        // Wednesday 2025-12-31 23:30 → Thursday 2026-01-01 00:30 local: P2, then the holiday's P3.
        let slices = [
            slice("2025-12-31T22:30:00Z", 1_000),
            slice("2025-12-31T22:45:00Z", 1_000),
            slice("2025-12-31T23:00:00Z", 1_000),
            slice("2025-12-31T23:15:00Z", 1_000),
        ];
        let priced = price(&tariff, &slices, |_| Quote { price: Price(0), estimated: false });
        let picos: Vec<i64> = priced.slices.iter().map(|s| s.cost_pico).collect();
        // 1 kWh × 0.028201 (P2 2025), twice; 1 kWh × 0.003292 (P3 2026), twice.
        assert_eq!(picos, [28_201_000_000, 28_201_000_000, 3_292_000_000, 3_292_000_000]);
        // 0.062986 € rounds once; 2026 is confirmed, so nothing is estimated.
        assert_eq!(priced.cost, Cost { cents: 6, estimated: false });
    }

    #[test]
    fn an_override_replaces_the_regulated_value_of_its_period_only() {
        let tariff = Tariff::Indexed { margin: Price(0), p1: Some(Price(50_000)), p2: None, p3: None };
        let zero = Some(Price(0));
        // Wednesday 2025-11-26: 10:30 CET is P1 (overridden); 08:30 is P2 (regulated 2025).
        assert_eq!(tariff.price_at(utc("2025-11-26T09:30:00Z"), zero), Price(50_000));
        assert_eq!(tariff.price_at(utc("2025-11-26T07:30:00Z"), zero), Price(28_201));
        let invalid = Tariff::Indexed { margin: Price(0), p1: None, p2: Some(Price(11_000_000)), p3: None };
        assert!(invalid.validate().unwrap_err().get("p2").is_some());
        assert!(tariff.validate().is_ok());
    }

    #[test]
    fn regulated_tolls_past_the_confirmed_table_make_the_cost_an_estimate() {
        let tariff = Tariff::Indexed { margin: Price(0), p1: None, p2: None, p3: None };
        let slices = [slice("2027-03-03T12:00:00Z", 1_000)];
        let quoted = cost(&tariff, &slices, |_| Quote { price: Price(100_000), estimated: false });
        assert!(quoted.estimated, "2027 values are not published");
        let overridden =
            Tariff::Indexed { margin: Price(0), p1: Some(Price(1)), p2: Some(Price(1)), p3: Some(Price(1)) };
        assert!(!cost(&overridden, &slices, |_| Quote { price: Price(100_000), estimated: false }).estimated);
    }

    #[test]
    fn pvpc_adds_nothing_to_its_published_price() {
        // ESIOS 1001 is the final energy term: tolls and charges are in it already.
        assert_eq!(Tariff::Pvpc.price_at(utc("2025-01-02T19:45:00Z"), Some(Price(180_000))), Price(180_000));
    }

    #[test]
    fn saved_indexed_tariffs_keep_their_typed_tolls_as_overrides() {
        let old: Tariff =
            serde_json::from_str(r#"{"kind":"indexed","margin":10000,"p1":90000,"p2":30000,"p3":3000}"#)
                .unwrap();
        assert_eq!(
            old,
            Tariff::Indexed {
                margin: Price(10_000),
                p1: Some(Price(90_000)),
                p2: Some(Price(30_000)),
                p3: Some(Price(3_000))
            }
        );
        let margin_only: Tariff = serde_json::from_str(r#"{"kind":"indexed","margin":10000}"#).unwrap();
        assert_eq!(serde_json::to_string(&margin_only).unwrap(), r#"{"kind":"indexed","margin":10000}"#);
    }

    #[test]
    fn range_boundaries_must_be_on_quarter_hours() {
        let off = Tariff::TimeRanges { ranges: ranged_minutes(&[(0, 1330, 1), (1330, 1440, 2)]) };
        assert_eq!(
            off.validate().unwrap_err().get("ranges"),
            Some(&Problem::OffQuarterHour("22:10".to_owned()))
        );
        let mut days = vec![ranged(&[(0, 24, 1)]); 7];
        days[2] = ranged_minutes(&[(425, 1440, 1), (0, 425, 2)]);
        assert_eq!(
            Tariff::DayTimeRanges { days }.validate().unwrap_err().get("days.2"),
            Some(&Problem::OffQuarterHour("07:05".to_owned()))
        );
        let on = Tariff::TimeRanges { ranges: ranged_minutes(&[(0, 1335, 1), (1335, 1440, 2)]) };
        assert!(on.validate().is_ok(), "22:15");
    }

    #[test]
    fn a_saved_boundary_inside_a_quarter_splits_its_quarter_by_the_minute() {
        // Saved before boundaries had to be on quarter-hours: 0.30 €/kWh until 22:10, then 0.10.
        let tariff =
            Tariff::TimeRanges { ranges: ranged_minutes(&[(0, 1330, 300_000), (1330, 1440, 100_000)]) };
        // A 30-minute charge at 3.7 kW from 22:00 local (21:00 UTC in winter): 925 Wh a quarter.
        let slices = [slice("2025-11-26T21:00:00Z", 925), slice("2025-11-26T21:15:00Z", 925)];
        // Independently: 3.7 kW × 10 min = 0.616667 kWh at 0.30 = 0.185 €; 3.7 kW × 20 min =
        // 1.233333 kWh at 0.10 = 0.123333 €; total 0.308333 €: 31 cents.
        assert_eq!(cost(&tariff, &slices, |_| unreachable!()), Cost { cents: 31, estimated: false });
        // Priced by the quarter's start, the whole 22:00–22:15 quarter would be dear: 0.3700 €.
        let quarters =
            Tariff::TimeRanges { ranges: ranged_minutes(&[(0, 1335, 300_000), (1335, 1440, 100_000)]) };
        assert_eq!(cost(&quarters, &slices, |_| unreachable!()).cents, 37);
    }

    #[test]
    fn cents_round_half_away_from_zero_once_at_the_end() {
        let tariff = Tariff::Flat { price: Price(150_000) };
        // 1 Wh at 0.15 €/kWh is 0.015 cents; 1000 such slices are 15 cents exactly, not 0.
        let slices: Vec<_> =
            (0..1000).map(|i| EnergySlice { start: 1_764_000_000 + i * 900, energy_mwh: 1_000 }).collect();
        assert_eq!(cost(&tariff, &slices, |_| unreachable!()).cents, 15);
        assert_eq!(round_pico_to_cents(5_000_000_000), 1);
        assert_eq!(round_pico_to_cents(-5_000_000_000), -1);
        assert_eq!(round_pico_to_cents(4_999_999_999), 0);
    }

    #[test]
    fn ranges_must_cover_the_day_and_each_week_day_is_checked() {
        let gap = Tariff::TimeRanges { ranges: ranged(&[(0, 8, 1), (9, 24, 2)]) };
        assert_eq!(
            gap.validate().unwrap_err().get("ranges"),
            Some(&Problem::Uncovered("08:00–09:00".to_owned()))
        );
        let mut days = vec![ranged(&[(0, 24, 1)]); 7];
        days[5] = ranged(&[(0, 12, 1), (10, 24, 1)]);
        let weekly = Tariff::DayTimeRanges { days };
        assert_eq!(
            weekly.validate().unwrap_err().get("days.5"),
            Some(&Problem::Overlapping("10:00–12:00".to_owned()))
        );
        assert!(Tariff::DayTimeRanges { days: vec![] }.validate().is_err());
        assert!(Tariff::Flat { price: Price(11_000_000) }.validate().is_err());
    }
}
