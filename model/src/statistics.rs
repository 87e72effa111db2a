//! Statistics of charges over a period, by day, week or month (`GET /api/statistics`).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::sessions::Totals;

/// The longest period statistics cover, in days (about ten years).
pub const MAX_DAYS: i64 = 3700;

/// How the period is divided for the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BucketSize {
    Day,
    /// Monday to Sunday.
    Week,
    Month,
}

impl BucketSize {
    pub fn tag(self) -> &'static str {
        match self {
            BucketSize::Day => "day",
            BucketSize::Week => "week",
            BucketSize::Month => "month",
        }
    }

    pub fn from_tag(tag: &str) -> Option<BucketSize> {
        match tag {
            "day" => Some(BucketSize::Day),
            "week" => Some(BucketSize::Week),
            "month" => Some(BucketSize::Month),
            _ => None,
        }
    }

    /// The first day of the bucket `date` falls in.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            BucketSize::Day => date,
            BucketSize::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            BucketSize::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The first day of the next bucket.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            BucketSize::Day => start + Duration::days(1),
            BucketSize::Week => start + Duration::days(7),
            BucketSize::Month => {
                let (year, month) = if start.month() == 12 {
                    (start.year() + 1, 1)
                } else {
                    (start.year(), start.month() + 1)
                };
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(start)
            }
        }
    }
}

/// The periods the statistics views offer. Each but `Custom` is placed by an anchor day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    /// Monday to Sunday.
    Week,
    Month,
    Year,
    /// As far back as statistics go, to today.
    All,
    Custom,
}

impl Period {
    pub const ALL: [Period; 6] =
        [Period::Day, Period::Week, Period::Month, Period::Year, Period::All, Period::Custom];

    pub fn tag(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
            Period::All => "all",
            Period::Custom => "custom",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.tag() == tag)
    }

    /// The days (first, last inclusive) of the period containing `anchor`; `All` ends today.
    /// `Custom` has no days of its own: it answers `(anchor, anchor)`.
    pub fn days(self, anchor: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let last_of = |size: BucketSize, first: NaiveDate| size.next(first) - Duration::days(1);
        match self {
            Period::Day | Period::Custom => (anchor, anchor),
            Period::Week => {
                let first = BucketSize::Week.start_of(anchor);
                (first, last_of(BucketSize::Week, first))
            }
            Period::Month => {
                let first = BucketSize::Month.start_of(anchor);
                (first, last_of(BucketSize::Month, first))
            }
            Period::Year => (
                NaiveDate::from_ymd_opt(anchor.year(), 1, 1).unwrap_or(anchor),
                NaiveDate::from_ymd_opt(anchor.year(), 12, 31).unwrap_or(anchor),
            ),
            Period::All => (today - Duration::days(MAX_DAYS - 1), today),
        }
    }

    /// The anchor `steps` periods later (earlier when negative); `All` and `Custom` stay.
    pub fn shift(self, anchor: NaiveDate, steps: i32) -> NaiveDate {
        let months = |n: i32| {
            let index = anchor.year() * 12 + anchor.month0() as i32 + n;
            NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
                .unwrap_or(anchor)
        };
        match self {
            Period::Day => anchor + Duration::days(i64::from(steps)),
            Period::Week => anchor + Duration::days(7 * i64::from(steps)),
            Period::Month => months(steps),
            Period::Year => months(12 * steps),
            Period::All | Period::Custom => anchor,
        }
    }

    /// How a period of these days is best divided: by day up to two months, by week up to
    /// a little over half a year, by month beyond.
    pub fn default_bucket(from: NaiveDate, to: NaiveDate) -> BucketSize {
        match (to - from).num_days() {
            ..62 => BucketSize::Day,
            62..200 => BucketSize::Week,
            _ => BucketSize::Month,
        }
    }
}

/// One bucket of the period: its totals, and per charger (by ID).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bucket {
    /// First day, `YYYY-MM-DD` (Madrid).
    pub start: NaiveDate,
    pub totals: Totals,
    pub by_charger: BTreeMap<String, Totals>,
}

/// A charger in the statistics, with its totals over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargerTotals {
    pub id: String,
    pub name: String,
    pub totals: Totals,
}

/// The answer of `GET /api/statistics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub bucket: BucketSize,
    pub totals: Totals,
    pub chargers: Vec<ChargerTotals>,
    pub buckets: Vec<Bucket>,
    /// What charging plans saved over the period.
    #[serde(default)]
    pub plans: PlanSavings,
}

/// What "ready by" plans saved: the charges made while a plan was followed (counted on the
/// day they started), what they cost, and what the same energy would have cost charging at
/// once from plug-in at the charger's limit, under the same tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSavings {
    pub charges: i64,
    pub cost_cents: i64,
    pub at_once_cents: i64,
    /// `at_once_cents − cost_cents`: negative when plans cost more.
    pub saved_cents: i64,
    /// One of the chargers in the statistics has a plan now.
    pub active: bool,
}

impl PlanSavings {
    /// Whether the statistics show it: something was saved (or lost), or a plan is set.
    pub fn shown(&self) -> bool {
        self.saved_cents != 0 || self.active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_start_on_mondays_and_firsts() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(BucketSize::Week.start_of(day(2025, 11, 26)), day(2025, 11, 24));
        assert_eq!(BucketSize::Month.start_of(day(2025, 11, 26)), day(2025, 11, 1));
        assert_eq!(BucketSize::Month.next(day(2025, 12, 1)), day(2026, 1, 1));
        assert_eq!(BucketSize::Week.next(day(2025, 11, 24)), day(2025, 12, 1));
        for size in [BucketSize::Day, BucketSize::Week, BucketSize::Month] {
            assert_eq!(BucketSize::from_tag(size.tag()), Some(size));
        }
    }

    #[test]
    fn periods_place_their_days_around_the_anchor() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let (anchor, today) = (day(2024, 2, 29), day(2026, 11, 25));
        assert_eq!(Period::Day.days(anchor, today), (anchor, anchor));
        assert_eq!(Period::Week.days(anchor, today), (day(2024, 2, 26), day(2024, 3, 3)));
        assert_eq!(Period::Month.days(anchor, today), (day(2024, 2, 1), day(2024, 2, 29)));
        assert_eq!(Period::Month.days(day(2025, 12, 9), today), (day(2025, 12, 1), day(2025, 12, 31)));
        assert_eq!(Period::Year.days(anchor, today), (day(2024, 1, 1), day(2024, 12, 31)));
        let (first, last) = Period::All.days(anchor, today);
        assert_eq!((last, (last - first).num_days()), (today, MAX_DAYS - 1));
    }

    #[test]
    fn periods_shift_by_whole_periods() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::Day.shift(day(2026, 3, 1), -1), day(2026, 2, 28));
        assert_eq!(Period::Week.shift(day(2026, 12, 30), 1), day(2027, 1, 6));
        assert_eq!(Period::Month.shift(day(2026, 1, 31), -1), day(2025, 12, 1));
        assert_eq!(Period::Month.shift(day(2026, 11, 25), 2), day(2027, 1, 1));
        assert_eq!(Period::Year.shift(day(2026, 11, 25), -1), day(2025, 11, 1));
        assert_eq!(Period::All.shift(day(2026, 11, 25), -3), day(2026, 11, 25));
        for period in Period::ALL {
            assert_eq!(Period::from_tag(period.tag()), Some(period));
        }
    }

    #[test]
    fn long_periods_are_grouped_coarser() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::default_bucket(day(2026, 11, 1), day(2026, 11, 30)), BucketSize::Day);
        assert_eq!(Period::default_bucket(day(2026, 1, 1), day(2026, 4, 30)), BucketSize::Week);
        assert_eq!(Period::default_bucket(day(2026, 1, 1), day(2026, 12, 31)), BucketSize::Month);
    }
}
