//! Civil time in peninsular Spain (Europe/Madrid): CET, UTC+1, and CEST, UTC+2, from the
//! last Sunday of March at 01:00 UTC to the last Sunday of October at 01:00 UTC (the EU rule
//! of Directive 2000/84/EC, in force since 1996).
//!
//! Written out instead of taking a time-zone database: it is one rule, and the portal's wasm
//! stays free of a tz table. The tests pin it to the DST days of the price files.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

use crate::Problem;

/// The first and last years (inclusive) of the dates the API accepts: any charge, price or
/// statistic a user can have, and far from the limits where date arithmetic overflows.
pub const YEARS: (i32, i32) = (2000, 2100);

fn years_problem() -> Problem {
    Problem::DateOutOfRange { min: YEARS.0, max: YEARS.1 }
}

/// A Madrid day inside [`YEARS`].
pub fn check_day(date: NaiveDate) -> Result<NaiveDate, Problem> {
    if (YEARS.0..=YEARS.1).contains(&date.year()) { Ok(date) } else { Err(years_problem()) }
}

/// An instant, in Unix seconds, whose Madrid day is inside [`YEARS`].
pub fn check_instant(unix: i64) -> Result<DateTime<Utc>, Problem> {
    let at = DateTime::from_timestamp(unix, 0).ok_or_else(years_problem)?;
    check_day(local(at).date()).map(|_| at)
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let last = first_of_next.pred_opt().expect("a day before");
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// The instants summer time starts and ends in `year`.
fn summer(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let at_one = |date: NaiveDate| Utc.from_utc_datetime(&date.and_hms_opt(1, 0, 0).expect("01:00"));
    (at_one(last_sunday(year, 3)), at_one(last_sunday(year, 10)))
}

/// The offset from UTC at an instant, in seconds (3600 or 7200).
pub fn offset_secs(at: DateTime<Utc>) -> i32 {
    let (start, end) = summer(at.year());
    if at >= start && at < end { 7200 } else { 3600 }
}

/// The local date and time of an instant. Total: within an hour or two of the last instant
/// chrono can hold, where the local time cannot be, it answers the UTC time.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    let naive = at.naive_utc();
    naive.checked_add_signed(Duration::seconds(i64::from(offset_secs(at)))).unwrap_or(naive)
}

/// The instant a local date and time happened. In the hour that repeats when summer time
/// ends, the first (summer) one; a time skipped when it starts is read as summer time.
/// Total: near the first instant chrono can hold, the local time is read as UTC.
pub fn instant(local: NaiveDateTime) -> DateTime<Utc> {
    let back =
        |hours| Utc.from_utc_datetime(&local.checked_sub_signed(Duration::hours(hours)).unwrap_or(local));
    let summer_guess = back(2);
    if offset_secs(summer_guess) == 7200 {
        return summer_guess;
    }
    let winter_guess = back(1);
    if offset_secs(winter_guess) == 3600 { winter_guess } else { summer_guess }
}

/// The instant a local day starts (midnight always exists in Madrid).
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    instant(date.and_time(NaiveTime::MIN))
}

/// How long a local day is, in hours: 23 when summer time starts, 25 when it ends, else 24.
pub fn day_hours(date: NaiveDate) -> i64 {
    let next = date.succ_opt().expect("a next day");
    (day_start(next) - day_start(date)).num_hours()
}

/// Monday-first index of a weekday (0 = Monday … 6 = Sunday).
pub fn weekday_index(day: Weekday) -> usize {
    day.num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn summer_time_follows_the_eu_rule() {
        assert_eq!(last_sunday(2025, 10), NaiveDate::from_ymd_opt(2025, 10, 26).unwrap());
        assert_eq!(last_sunday(2026, 3), NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(offset_secs(utc("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(offset_secs(utc("2026-03-29T01:00:00Z")), 7200);
        assert_eq!(offset_secs(utc("2025-10-26T00:59:59Z")), 7200);
        assert_eq!(offset_secs(utc("2025-10-26T01:00:00Z")), 3600);
        assert_eq!(offset_secs(utc("2025-01-15T12:00:00Z")), 3600);
    }

    #[test]
    fn day_lengths_on_the_dst_days_of_the_price_files() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(day_hours(day(2025, 10, 26)), 25);
        assert_eq!(day_hours(day(2026, 3, 29)), 23);
        assert_eq!(day_hours(day(2026, 4, 15)), 24);
        assert_eq!(day_hours(day(2021, 10, 31)), 25);
        assert_eq!(day_hours(day(2022, 3, 27)), 23);
        assert_eq!(day_start(day(2025, 10, 26)), utc("2025-10-25T22:00:00Z"));
        assert_eq!(day_start(day(2025, 10, 27)), utc("2025-10-26T23:00:00Z"));
    }

    #[test]
    fn the_supported_years_are_checked_in_madrid() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let refused = Problem::DateOutOfRange { min: 2000, max: 2100 };
        assert_eq!(check_day(day(2000, 1, 1)), Ok(day(2000, 1, 1)));
        assert_eq!(check_day(day(2100, 12, 31)), Ok(day(2100, 12, 31)));
        assert_eq!(check_day(day(1999, 12, 31)), Err(refused.clone()));
        assert_eq!(check_day(day(2101, 1, 1)), Err(refused.clone()));
        assert_eq!(check_day(NaiveDate::MAX), Err(refused.clone()));
        assert_eq!(check_day(NaiveDate::MIN), Err(refused.clone()));
        // 2000-01-01 00:00 in Madrid is 1999-12-31 23:00 UTC.
        assert_eq!(check_instant(946_681_200), Ok(utc("1999-12-31T23:00:00Z")));
        assert_eq!(check_instant(946_681_199), Err(refused.clone()));
        assert_eq!(check_instant(4_133_977_199), Ok(utc("2100-12-31T22:59:59Z")));
        assert_eq!(check_instant(4_133_977_200), Err(refused.clone()));
        for unix in
            [i64::MIN, i64::MAX, DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp()]
        {
            assert_eq!(check_instant(unix), Err(refused.clone()), "{unix}");
        }
    }

    #[test]
    fn local_time_and_instants_do_not_panic_at_the_limits_of_chrono() {
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(local(last), last.naive_utc());
        assert_eq!(local(first), first.naive_utc() + Duration::hours(1));
        assert_eq!(instant(NaiveDateTime::MIN), first);
        assert_eq!(
            instant(NaiveDateTime::MAX),
            Utc.from_utc_datetime(&(NaiveDateTime::MAX - Duration::hours(1)))
        );
        assert_eq!(day_start(NaiveDate::MIN), first);
    }

    #[test]
    fn local_times_round_trip_and_the_repeated_hour_reads_as_summer() {
        let at = utc("2025-07-01T10:15:00Z");
        assert_eq!(instant(local(at)), at);
        let repeated = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(instant(repeated), utc("2025-10-26T00:30:00Z"));
        assert_eq!(local(utc("2025-10-26T01:30:00Z")), repeated, "the second 02:30 is winter time");
    }
}
