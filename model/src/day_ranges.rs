//! Times of day and ranges of them, as timers, charging profiles and tariffs use them.
//! A range runs from `start` to `end` (exclusive) in minutes since local midnight; `end`
//! may be 1440 (24:00), and an `end` before the `start` runs past midnight.

use serde::{Deserialize, Serialize};

use crate::Problem;

/// Minutes in a day; also "24:00", the end of the day.
pub const DAY: u16 = 1440;

/// `"07:30"` for 450.
pub fn format_minute(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Reads `"7:30"` or `"07:30"` (and `"24:00"`); `None` for anything else.
pub fn parse_minute(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = hours.checked_mul(60)?.checked_add(minutes)?;
    (minutes < 60 && total <= DAY).then_some(total)
}

/// A range of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// Minutes since midnight, 0 to 1439.
    #[cfg_attr(feature = "openapi", schema(maximum = 1439))]
    pub start: u16,
    /// Minutes since midnight, 1 to 1440; before `start` when the range runs past midnight.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub end: u16,
}

impl Span {
    /// Whether `minute` of the day falls inside (for a range past midnight, either part).
    pub fn contains(&self, minute: u16) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }

    /// Start before 24:00, end after 00:00, and not empty.
    pub fn check(&self) -> Result<(), Problem> {
        if self.start >= DAY || self.end == 0 || self.end > DAY || self.start == self.end {
            return Err(Problem::InvalidTimeRange);
        }
        Ok(())
    }

    /// "22:00–06:00".
    pub fn label(&self) -> String {
        format!("{}–{}", format_minute(self.start), format_minute(self.end))
    }
}

/// Checks that `spans` cover the whole day exactly once: the problem names the minutes left
/// uncovered or covered twice.
pub fn check_cover(spans: &[Span]) -> Result<(), Problem> {
    let mut count = [0_u8; DAY as usize];
    for span in spans {
        span.check()?;
        for minute in 0..DAY {
            if span.contains(minute) {
                count[usize::from(minute)] = count[usize::from(minute)].saturating_add(1);
            }
        }
    }
    let runs = |wanted: fn(u8) -> bool| {
        let mut found = Vec::new();
        let mut minute = 0;
        while minute < DAY {
            if wanted(count[usize::from(minute)]) {
                let start = minute;
                while minute < DAY && wanted(count[usize::from(minute)]) {
                    minute += 1;
                }
                found.push(Span { start, end: minute }.label());
            } else {
                minute += 1;
            }
        }
        found.join(", ")
    };
    let uncovered = runs(|n| n == 0);
    if !uncovered.is_empty() {
        return Err(Problem::Uncovered(uncovered));
    }
    let twice = runs(|n| n > 1);
    if !twice.is_empty() {
        return Err(Problem::Overlapping(twice));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: &str, end: &str) -> Span {
        Span { start: parse_minute(start).unwrap(), end: parse_minute(end).unwrap() }
    }

    #[test]
    fn minutes_read_and_write_as_clock_times() {
        assert_eq!(parse_minute("7:30"), Some(450));
        assert_eq!(parse_minute("24:00"), Some(DAY));
        assert_eq!(parse_minute("24:01"), None);
        assert_eq!(parse_minute("12:60"), None);
        assert_eq!(parse_minute("noon"), None);
        assert_eq!(format_minute(450), "07:30");
        assert_eq!(format_minute(DAY), "24:00");
    }

    #[test]
    fn a_range_past_midnight_contains_both_ends_of_the_day() {
        let night = span("22:00", "06:00");
        assert!(night.contains(23 * 60) && night.contains(0) && night.contains(359));
        assert!(!night.contains(360) && !night.contains(12 * 60));
    }

    #[test]
    fn the_cover_check_names_gaps_and_overlaps() {
        assert_eq!(check_cover(&[span("00:00", "24:00")]), Ok(()));
        assert_eq!(check_cover(&[span("22:00", "08:00"), span("08:00", "22:00")]), Ok(()));
        assert_eq!(
            check_cover(&[span("00:00", "02:00"), span("04:00", "22:00")]),
            Err(Problem::Uncovered("02:00–04:00, 22:00–24:00".to_owned()))
        );
        assert_eq!(
            check_cover(&[span("00:00", "12:00"), span("11:00", "24:00")]),
            Err(Problem::Overlapping("11:00–12:00".to_owned()))
        );
        assert!(check_cover(&[span("08:00", "08:00")]).is_err());
        assert_eq!(check_cover(&[]), Err(Problem::Uncovered("00:00–24:00".to_owned())));
    }
}
