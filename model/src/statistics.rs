//! Statistics of charges over a period, by day, week or month (`GET /api/statistics`).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::sessions::Totals;

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
    }
}
