//! Charging habits: from a charger's own past charges, the repeating plan its user would
//! likely want ("on weekdays you usually unplug at 07:40 having taken about 18 kWh").
//!
//! The rule is meant to be read by the user, so it is simple: take the charges that ended in
//! the last [`WINDOW_DAYS`] days, split them by the local weekday they ended on into
//! weekdays (Monday to Friday) and weekends, and in a group of at least [`MIN_CHARGES`] take
//! the median plug-in time, the median unplug (departure) time and the median energy.
//! Departures are rounded to 5 minutes and energy to 100 Wh, as a person would write them.
//!
//! Times are medians on the clock, read from the quietest moment of the day: the clock is
//! cut at the middle of the longest stretch with none of the times, so that 23:50 and 00:10
//! have 00:00 as median, not noon. Local time is Madrid's, so a habit of 07:40 stays 07:40
//! across a change of summer time.
//!
//! [`backtest`] measures the rule on a history: each week is predicted from the weeks before.

use chrono::{DateTime, Datelike, Timelike};
use serde::{Deserialize, Serialize};

use crate::madrid;
use crate::plan::{MAX_PLAN_WH, PlanGoal, Repeat};

/// How far back the charges a habit is read from go, in days (8 weeks).
pub const WINDOW_DAYS: u32 = 56;

/// The fewest charges in a group for a habit to be proposed.
pub const MIN_CHARGES: u32 = 5;

const MINUTES_A_DAY: i32 = 1440;

/// A past charge, as habits read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastCharge {
    /// Unix seconds: the car was plugged in (the charge's start).
    pub plugged_in: i64,
    /// Unix seconds: the car was unplugged (the charge's end), its departure.
    pub unplugged: i64,
    /// The energy it took (Wh).
    pub energy_wh: f64,
}

/// Days a habit repeats on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayGroup {
    /// Monday to Friday.
    Weekdays,
    /// Saturday and Sunday.
    Weekends,
}

impl DayGroup {
    pub const ALL: [DayGroup; 2] = [DayGroup::Weekdays, DayGroup::Weekends];

    /// The group of a Monday-first weekday index (0–6).
    pub fn of(weekday_index: usize) -> DayGroup {
        if weekday_index < 5 { DayGroup::Weekdays } else { DayGroup::Weekends }
    }

    /// Its days, Monday first, as a [`Repeat`] takes them.
    pub fn days(self) -> [bool; 7] {
        std::array::from_fn(|index| DayGroup::of(index) == self)
    }
}

/// What the charges of a group have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Typical {
    /// Median plug-in time, minutes after local midnight (0–1439).
    pub plug_in_minute: u16,
    /// Median unplug time, minutes after local midnight, rounded to 5 minutes (0–1435).
    pub departure_minute: u16,
    /// Median energy (Wh), rounded to 100 Wh, at least 100.
    pub energy_wh: u32,
}

/// A group's habit: how many charges support it and, with enough of them, what is typical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Habit {
    pub group: DayGroup,
    /// The group's charges in the window.
    pub charges: u32,
    /// Absent with fewer than `min_charges`.
    pub typical: Option<Typical>,
}

impl Habit {
    /// The repeating plan it proposes: ready by the typical departure on the group's days,
    /// with the typical energy.
    pub fn goal(&self) -> Option<PlanGoal> {
        let typical = self.typical?;
        Some(PlanGoal {
            departure: None,
            repeat: Some(Repeat { days: self.group.days(), minute: typical.departure_minute }),
            energy_wh: typical.energy_wh.clamp(1, MAX_PLAN_WH),
        })
    }
}

/// The answer of `GET /api/chargers/{id}/plan/habits`: the rule's parameters, so that the
/// portal states them, and a habit per group (weekdays, then weekends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Habits {
    /// Charges that ended in this many days before now count.
    pub window_days: u32,
    /// The fewest charges a group needs for a proposal.
    pub min_charges: u32,
    pub habits: Vec<Habit>,
}

/// The habits of `charges` at `now` (Unix seconds): see the module's documentation.
pub fn habits(charges: &[PastCharge], now: i64) -> Habits {
    let since = now - i64::from(WINDOW_DAYS) * 86_400;
    let recent: Vec<&PastCharge> = charges
        .iter()
        .filter(|c| (since..now).contains(&c.unplugged) && c.plugged_in <= c.unplugged)
        .collect();
    let habits = DayGroup::ALL
        .iter()
        .map(|&group| {
            let members: Vec<&PastCharge> = recent
                .iter()
                .copied()
                .filter(|c| local_weekday(c.unplugged).is_some_and(|day| DayGroup::of(day) == group))
                .collect();
            let charges = u32::try_from(members.len()).unwrap_or(u32::MAX);
            Habit { group, charges, typical: (charges >= MIN_CHARGES).then(|| typical(&members)).flatten() }
        })
        .collect();
    Habits { window_days: WINDOW_DAYS, min_charges: MIN_CHARGES, habits }
}

fn typical(members: &[&PastCharge]) -> Option<Typical> {
    let plug_ins: Vec<i32> = members.iter().filter_map(|c| local_minute(c.plugged_in)).collect();
    let departures: Vec<i32> = members.iter().filter_map(|c| local_minute(c.unplugged)).collect();
    let mut energies: Vec<f64> = members.iter().map(|c| c.energy_wh).filter(|wh| wh.is_finite()).collect();
    let plug_in = clock_median(&plug_ins)?;
    let departure = (clock_median(&departures)? + 2) / 5 * 5 % MINUTES_A_DAY;
    energies.sort_by(f64::total_cmp);
    let energy = median(&energies)?;
    // Within 100..=MAX_PLAN_WH: `as` is exact there.
    let energy_wh = ((energy / 100.0).round() * 100.0).clamp(100.0, f64::from(MAX_PLAN_WH)) as u32;
    Some(Typical {
        plug_in_minute: u16::try_from(plug_in).ok()?,
        departure_minute: u16::try_from(departure).ok()?,
        energy_wh,
    })
}

fn local(unix: i64) -> Option<chrono::NaiveDateTime> {
    DateTime::from_timestamp(unix, 0).map(madrid::local)
}

fn local_weekday(unix: i64) -> Option<usize> {
    local(unix).map(|at| madrid::weekday_index(at.weekday()))
}

/// Minutes after local midnight.
fn local_minute(unix: i64) -> Option<i32> {
    local(unix).map(|at| (at.hour() * 60 + at.minute()) as i32)
}

/// The median of sorted values; the mean of the middle two for an even count.
fn median(sorted: &[f64]) -> Option<f64> {
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

/// The median of times of day (minutes, 0–1439), read from the middle of the longest
/// stretch of the clock with none of them; rounded to a minute.
pub fn clock_median(minutes: &[i32]) -> Option<i32> {
    let mut sorted: Vec<i32> = minutes.iter().map(|m| m.rem_euclid(MINUTES_A_DAY)).collect();
    sorted.sort_unstable();
    let (&first, &last) = (sorted.first()?, sorted.last()?);
    // The gap after each time up to the next one, the last one's around midnight.
    let (mut widest, mut cut) = (first + MINUTES_A_DAY - last, first);
    for pair in sorted.windows(2) {
        if pair[1] - pair[0] > widest {
            (widest, cut) = (pair[1] - pair[0], pair[1]);
        }
    }
    // Read from `cut`, the first time after the widest gap: every time is then in
    // [cut, cut + 1440).
    let mut unwrapped: Vec<f64> =
        sorted.iter().map(|&m| f64::from(if m < cut { m + MINUTES_A_DAY } else { m })).collect();
    unwrapped.sort_by(f64::total_cmp);
    let middle = median(&unwrapped)?;
    Some((middle.round() as i32).rem_euclid(MINUTES_A_DAY))
}

/// The distance between two times of day, the short way round the clock (minutes, 0–720).
pub fn clock_distance(a: i32, b: i32) -> i32 {
    let apart = (a - b).rem_euclid(MINUTES_A_DAY);
    apart.min(MINUTES_A_DAY - apart)
}

/// How close the rule comes on a history.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Backtest {
    /// Weeks predicted (with at least one charge compared).
    pub weeks: u32,
    /// Charges compared with a prediction.
    pub charges: u32,
    /// Charges of predicted weeks whose group had too few charges for a prediction.
    pub unpredicted: u32,
    /// Median of |predicted − actual| departure, minutes.
    pub departure_error_min: f64,
    /// Median of |predicted − actual| energy, Wh.
    pub energy_error_wh: f64,
}

/// Predicts each week of `charges` (Monday to Monday, Madrid) after the first
/// [`WINDOW_DAYS`] from the window before it with [`habits`], and compares each charge of
/// the week with its group's prediction.
pub fn backtest(charges: &[PastCharge]) -> Backtest {
    let Some(first) = charges.iter().map(|c| c.unplugged).min() else { return Backtest::default() };
    let last = charges.iter().map(|c| c.unplugged).max().unwrap_or(first);
    let Some(first_day) = local(first).map(|at| at.date()) else { return Backtest::default() };
    let monday = first_day - chrono::Duration::days(i64::from(first_day.weekday().num_days_from_monday()));
    let mut week = monday + chrono::Duration::days(i64::from(WINDOW_DAYS));
    let (mut departures, mut energies) = (Vec::new(), Vec::new());
    let (mut weeks, mut unpredicted) = (0, 0);
    loop {
        let start = madrid::day_start(week).timestamp();
        if start > last {
            break;
        }
        let end = madrid::day_start(week + chrono::Duration::days(7)).timestamp();
        let predicted = habits(charges, start);
        let mut compared = false;
        for charge in charges.iter().filter(|c| (start..end).contains(&c.unplugged)) {
            let group = local_weekday(charge.unplugged).map(DayGroup::of);
            let typical = predicted.habits.iter().find(|h| Some(h.group) == group).and_then(|h| h.typical);
            match (typical, local_minute(charge.unplugged)) {
                (Some(typical), Some(minute)) => {
                    departures.push(f64::from(clock_distance(i32::from(typical.departure_minute), minute)));
                    energies.push((f64::from(typical.energy_wh) - charge.energy_wh).abs());
                    compared = true;
                }
                _ => unpredicted += 1,
            }
        }
        weeks += u32::from(compared);
        week += chrono::Duration::days(7);
    }
    departures.sort_by(f64::total_cmp);
    energies.sort_by(f64::total_cmp);
    Backtest {
        weeks,
        charges: u32::try_from(departures.len()).unwrap_or(u32::MAX),
        unpredicted,
        departure_error_min: median(&departures).unwrap_or_default(),
        energy_error_wh: median(&energies).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, NaiveTime};

    use super::*;

    fn at(date: NaiveDate, hour: u32, minute: u32) -> i64 {
        madrid::instant(date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap())).timestamp()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Overnight charges plugged in at 19:xx the day before each date, unplugged at 07:yy.
    fn overnight(
        dates: impl IntoIterator<Item = NaiveDate>,
        minutes: &[u32],
        kwh: &[f64],
    ) -> Vec<PastCharge> {
        dates
            .into_iter()
            .enumerate()
            .map(|(n, date)| PastCharge {
                plugged_in: at(date - Duration::days(1), 19, minutes[n % minutes.len()] % 60),
                unplugged: at(date, 7, minutes[n % minutes.len()]),
                energy_wh: kwh[n % kwh.len()] * 1000.0,
            })
            .collect()
    }

    fn weekdays_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days().take_while(|d| *d < to).filter(|d| d.weekday().num_days_from_monday() < 5).collect()
    }

    #[test]
    fn weekday_departures_and_energy_are_the_medians_of_the_last_eight_weeks() {
        // Four weeks of weekday charges, unplugged 07:30–07:50, 15–21 kWh.
        let dates = weekdays_between(day(2025, 11, 3), day(2025, 11, 29));
        let charges = overnight(dates, &[30, 40, 50, 35, 45], &[15.0, 18.0, 21.0, 17.0, 19.0]);
        let now = at(day(2025, 12, 1), 12, 0);
        let found = habits(&charges, now);
        assert_eq!((found.window_days, found.min_charges), (56, 5));
        let weekdays = found.habits[0];
        assert_eq!((weekdays.group, weekdays.charges), (DayGroup::Weekdays, 20));
        let typical = weekdays.typical.unwrap();
        assert_eq!(typical.departure_minute, 7 * 60 + 40);
        assert_eq!(typical.plug_in_minute, 19 * 60 + 40);
        assert_eq!(typical.energy_wh, 18_000);
        assert_eq!(found.habits[1], Habit { group: DayGroup::Weekends, charges: 0, typical: None });
        let goal = weekdays.goal().unwrap();
        assert_eq!(
            goal.repeat,
            Some(Repeat { days: [true, true, true, true, true, false, false], minute: 460 })
        );
        assert_eq!(goal.energy_wh, 18_000);
        assert!(goal.validate(now).is_ok());

        // Nine weeks on, they are out of the window.
        let later = habits(&charges, now + 9 * 7 * 86_400);
        assert_eq!(later.habits[0].charges, 0);
    }

    #[test]
    fn too_few_charges_propose_nothing_but_are_counted() {
        let charges = overnight(
            [day(2025, 11, 8), day(2025, 11, 9), day(2025, 11, 15), day(2025, 11, 16)],
            &[0],
            &[10.0],
        );
        let found = habits(&charges, at(day(2025, 11, 20), 12, 0));
        assert_eq!(found.habits[1], Habit { group: DayGroup::Weekends, charges: 4, typical: None });
        let one_more = [charges, overnight([day(2025, 11, 22)], &[0], &[10.0])].concat();
        let found = habits(&one_more, at(day(2025, 11, 24), 12, 0));
        assert_eq!(found.habits[1].charges, 5);
        assert_eq!(found.habits[1].typical.map(|t| t.departure_minute), Some(420));
        assert!(habits(&[], 0).habits.iter().all(|h| h.typical.is_none()));
    }

    #[test]
    fn a_habit_keeps_its_local_time_across_summer_time_changes() {
        // 2026-03-29 and 2025-10-26: the weeks around both changes, unplugged at 07:40 local.
        for (from, to) in [(day(2026, 3, 16), day(2026, 4, 11)), (day(2025, 10, 13), day(2025, 11, 8))] {
            let charges = overnight(weekdays_between(from, to), &[40], &[12.0]);
            let found = habits(&charges, madrid::day_start(to).timestamp());
            let typical = found.habits[0].typical.unwrap();
            assert_eq!(typical.departure_minute, 460, "from {from}");
            assert_eq!(typical.plug_in_minute, 19 * 60 + 40, "from {from}");
        }
        // Charges across the night the clocks go forward (Saturday to Sunday 2026-03-29).
        let charges = overnight([day(2026, 3, 29); 5], &[40], &[12.0]);
        let weekends = habits(&charges, at(day(2026, 3, 30), 0, 0)).habits[1];
        assert_eq!((weekends.charges, weekends.typical.map(|t| t.departure_minute)), (5, Some(460)));
    }

    #[test]
    fn clock_medians_go_round_midnight() {
        assert_eq!(clock_median(&[23 * 60 + 50, 10, 0]), Some(0));
        assert_eq!(clock_median(&[23 * 60 + 40, 23 * 60 + 50, 20]), Some(23 * 60 + 50));
        assert_eq!(clock_median(&[22 * 60, 2 * 60]), Some(0), "the short way round");
        assert_eq!(clock_median(&[7 * 60, 8 * 60, 9 * 60]), Some(8 * 60));
        assert_eq!(clock_median(&[]), None);
        assert_eq!(clock_distance(23 * 60 + 50, 10), 20);
        assert_eq!(clock_distance(10, 23 * 60 + 50), 20);
        assert_eq!(clock_distance(0, 720), 720);
    }

    #[test]
    fn departures_round_to_five_minutes_and_energy_to_100_wh() {
        let charges = overnight(weekdays_between(day(2025, 11, 3), day(2025, 11, 10)), &[42], &[18.26]);
        let typical = habits(&charges, at(day(2025, 11, 12), 0, 0)).habits[0].typical.unwrap();
        assert_eq!((typical.departure_minute, typical.energy_wh), (7 * 60 + 40, 18_300));
        let charges = overnight(weekdays_between(day(2025, 11, 3), day(2025, 11, 10)), &[58], &[0.01]);
        let typical = habits(&charges, at(day(2025, 11, 12), 0, 0)).habits[0].typical.unwrap();
        assert_eq!((typical.departure_minute, typical.energy_wh), (8 * 60, 100), "never a plan of 0 Wh");
    }

    #[test]
    fn a_regular_history_backtests_with_small_errors() {
        // 20 weeks of weekday charges: departures 07:30–07:50, 15–21 kWh.
        let dates = weekdays_between(day(2025, 9, 1), day(2026, 1, 19));
        let charges = overnight(dates, &[30, 40, 50, 35, 45, 40], &[15.0, 18.0, 21.0, 17.0, 19.0]);
        let result = backtest(&charges);
        assert_eq!(result.weeks, 12, "20 weeks less the first 8");
        assert_eq!(result.charges, 60);
        assert_eq!(result.unpredicted, 0);
        assert!(result.departure_error_min <= 10.0, "{result:?}");
        assert!(result.energy_error_wh <= 2000.0, "{result:?}");
        assert_eq!(backtest(&[]), Backtest::default());
    }
}
