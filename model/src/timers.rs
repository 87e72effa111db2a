//! Timers: up to two windows of the week in which a plugged-in car may charge.

use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::day_ranges::Span;
use crate::{FieldErrors, Problem};

/// How many timers a charger keeps.
pub const MAX_TIMERS: usize = 2;

/// One timer: days of the week (Monday first) and a range of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timer {
    pub enabled: bool,
    /// Monday first. A range past midnight belongs to the day it starts.
    #[cfg_attr(feature = "openapi", schema(min_items = 7, max_items = 7))]
    pub days: [bool; 7],
    #[serde(flatten)]
    pub span: Span,
}

/// `PUT /api/chargers/{id}/timers`: the whole set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timers {
    /// At most [`MAX_TIMERS`].
    #[cfg_attr(feature = "openapi", schema(max_items = 2))]
    pub timers: Vec<Timer>,
}

impl Timers {
    /// At most two, each with a day and a real range. Field names: `timers`, `timers.0.days`…
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.timers.len() > MAX_TIMERS {
            errors.add("timers", Problem::TooManyTimers);
        }
        for (index, timer) in self.timers.iter().enumerate() {
            if !timer.days.contains(&true) {
                errors.add(&format!("timers.{index}.days"), Problem::NoDay);
            }
            errors.check(&format!("timers.{index}.span"), timer.span.check());
        }
        errors.into_result()
    }

    /// Whether a car may charge at this local time: always without enabled timers, else
    /// only inside one of their windows.
    pub fn allow(&self, local: NaiveDateTime) -> bool {
        let mut enabled = self.timers.iter().filter(|t| t.enabled).peekable();
        if enabled.peek().is_none() {
            return true;
        }
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let today = local.weekday().num_days_from_monday() as usize;
        let yesterday = (local - Duration::days(1)).weekday().num_days_from_monday() as usize;
        enabled.any(|timer| {
            let span = timer.span;
            if span.start < span.end {
                timer.days[today] && span.contains(minute)
            } else {
                (timer.days[today] && minute >= span.start) || (timer.days[yesterday] && minute < span.end)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::day_ranges::parse_minute;

    fn timer(days: [bool; 7], start: &str, end: &str) -> Timer {
        Timer {
            enabled: true,
            days,
            span: Span { start: parse_minute(start).unwrap(), end: parse_minute(end).unwrap() },
        }
    }

    /// 2025-11-24 is a Monday.
    fn at(day: u32, time: &str) -> NaiveDateTime {
        let minute = parse_minute(time).unwrap();
        NaiveDate::from_ymd_opt(2025, 11, day)
            .unwrap()
            .and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
            .unwrap()
    }

    const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];

    #[test]
    fn an_overnight_timer_runs_into_the_next_day() {
        let timers = Timers { timers: vec![timer(WEEKDAYS, "23:00", "07:00")] };
        assert!(timers.allow(at(24, "23:30")), "Monday night");
        assert!(timers.allow(at(25, "06:59")), "Tuesday morning, from Monday's window");
        assert!(!timers.allow(at(25, "07:00")));
        assert!(timers.allow(at(29, "06:00")), "Saturday morning, from Friday's window");
        assert!(!timers.allow(at(29, "23:30")), "not on Saturday night");
        assert!(!timers.allow(at(24, "06:00")), "Monday morning: Sunday has no window");
    }

    #[test]
    fn timers_combine_and_disabled_ones_do_not_count() {
        let mut both =
            Timers { timers: vec![timer(WEEKDAYS, "01:00", "05:00"), timer([true; 7], "13:00", "15:00")] };
        assert!(both.allow(at(25, "02:00")) && both.allow(at(29, "14:00")));
        assert!(!both.allow(at(25, "10:00")));
        both.timers[0].enabled = false;
        assert!(!both.allow(at(25, "02:00")), "the disabled one no longer opens a window");
        both.timers[1].enabled = false;
        assert!(both.allow(at(25, "10:00")), "no enabled timer: charge any time");
    }

    #[test]
    fn a_third_timer_and_empty_ones_are_refused() {
        let three = Timers { timers: vec![timer(WEEKDAYS, "01:00", "05:00"); 3] };
        assert_eq!(three.validate().unwrap_err().get("timers"), Some(&Problem::TooManyTimers));
        let no_day = Timers { timers: vec![timer([false; 7], "01:00", "05:00")] };
        assert_eq!(no_day.validate().unwrap_err().get("timers.0.days"), Some(&Problem::NoDay));
        let empty = Timers { timers: vec![timer(WEEKDAYS, "05:00", "05:00")] };
        assert_eq!(empty.validate().unwrap_err().get("timers.0.span"), Some(&Problem::InvalidTimeRange));
    }
}
