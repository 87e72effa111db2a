//! The portal's current, timers and dynamic power as OCPP 1.6 charging profiles.
//!
//! - The current (the slider) is a `TxDefaultProfile` of id 1 on the connector: a single
//!   limit in amperes, or, with timers on, a weekly schedule that is that limit inside the
//!   timers' windows and 0 A outside them.
//! - Dynamic power is a `ChargePointMaxProfile` of id 2 on connector 0 (the whole charge
//!   point): a weekly schedule in watts from the weekday and weekend profiles, never above the
//!   contracted power. An OCPP charger has no house meter, so the house's own consumption is
//!   not taken off: the profile is the most the charger may draw. A charger applies the lower
//!   of the two.
//!
//! Weekly schedules start on the Monday 00:00 (Madrid) of the current week; a week's periods are
//! counted in local minutes, so after a change of summer time a schedule is one hour off until
//! it is sent again (at the charger's next boot or the next change of these settings).

use charge_model::dynamic_power::DynamicPower;
use charge_model::madrid;
use charge_model::timers::Timers;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};
use serde_json::{Value, json};

use crate::ocpp::messages::{CURRENT_LIMIT_PROFILE_ID, Command};

/// The id of the profile that carries dynamic power.
pub const DYNAMIC_PROFILE_ID: i64 = 2;

const WEEK_MINUTES: i64 = 7 * 24 * 60;

/// Monday 00:00 (Madrid) of the week of `now`.
fn week_start(now: DateTime<Utc>) -> NaiveDateTime {
    let local = madrid::local(now).date();
    let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
    monday.and_time(chrono::NaiveTime::MIN)
}

/// The periods of a week: `(start in seconds from Monday 00:00, value)` where the value changes,
/// sampling each `step` minutes.
fn weekly_periods(start: NaiveDateTime, step: i64, value: impl Fn(NaiveDateTime) -> f64) -> Vec<Value> {
    let mut periods = Vec::new();
    let mut last = None;
    for minute in (0..WEEK_MINUTES).step_by(step as usize) {
        let limit = (value(start + Duration::minutes(minute)) * 10.0).round() / 10.0;
        if last != Some(limit) {
            periods.push(json!({"startPeriod": minute * 60, "limit": limit}));
            last = Some(limit);
        }
    }
    periods
}

fn recurring(id: i64, purpose: &str, unit: &str, start: NaiveDateTime, periods: Vec<Value>) -> Value {
    json!({
        "chargingProfileId": id,
        "stackLevel": 0,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Recurring",
        "recurrencyKind": "Weekly",
        "chargingSchedule": {
            "duration": WEEK_MINUTES * 60,
            "startSchedule": madrid::instant(start).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": periods,
        }
    })
}

/// The call that sets a connector's current: the slider's `amps`, inside the timers' windows
/// when any timer is on.
pub fn current(connector_id: u32, amps: u8, timers: &Timers, now: DateTime<Utc>) -> Command {
    if !timers.timers.iter().any(|timer| timer.enabled) {
        return Command::SetCurrentLimit { connector_id, stack_level: 0, amps: f64::from(amps) };
    }
    let start = week_start(now);
    let periods = weekly_periods(start, 1, |local| if timers.allow(local) { f64::from(amps) } else { 0.0 });
    let profile = recurring(CURRENT_LIMIT_PROFILE_ID, "TxDefaultProfile", "A", start, periods);
    Command::SetChargingProfile { connector_id, profile }
}

/// The call that sets (or, when off, clears) dynamic power for the whole charge point.
pub fn dynamic(power: &DynamicPower, now: DateTime<Utc>) -> Command {
    if !power.enabled {
        return Command::ClearChargingProfile { id: Some(DYNAMIC_PROFILE_ID) };
    }
    let start = week_start(now);
    // Profile slots start on whole minutes; a quarter-hour step keeps the schedule short.
    let step = if slots_on_quarters(power) { 15 } else { 1 };
    let periods = weekly_periods(start, step, |local| power.limit_w(local));
    let profile = recurring(DYNAMIC_PROFILE_ID, "ChargePointMaxProfile", "W", start, periods);
    Command::SetChargingProfile { connector_id: 0, profile }
}

fn slots_on_quarters(power: &DynamicPower) -> bool {
    power
        .weekdays
        .iter()
        .chain(&power.weekends)
        .all(|slot| slot.span.start % 15 == 0 && slot.span.end % 15 == 0)
}

#[cfg(test)]
mod tests {
    use charge_model::day_ranges::Span;
    use charge_model::dynamic_power::ProfileSlot;
    use charge_model::timers::Timer;

    use super::*;
    use crate::ocpp::schema;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn check(command: &Command) -> Value {
        let (action, payload) = command.to_call();
        assert_eq!(schema::check_request("t", action, &payload), Ok(()), "{payload}");
        payload
    }

    #[test]
    fn without_timers_the_current_is_a_plain_limit() {
        let command = current(1, 10, &Timers::default(), at("2026-12-03T10:00:00Z"));
        assert_eq!(command, Command::SetCurrentLimit { connector_id: 1, stack_level: 0, amps: 10.0 });
    }

    #[test]
    fn timers_make_a_weekly_schedule_of_the_current_inside_their_windows() {
        // Weekdays 22:00 → 07:00 (across midnight), local time.
        let night = Timer {
            enabled: true,
            days: [true, true, true, true, true, false, false],
            span: Span { start: 22 * 60, end: 7 * 60 },
        };
        let timers = Timers { timers: vec![night] };
        // Thursday 3 December 2026: the week starts on Monday 30 November, 00:00 in Madrid (UTC+1).
        let payload = check(&current(1, 16, &timers, at("2026-12-03T10:00:00Z")));
        let profile = &payload["csChargingProfiles"];
        assert_eq!(profile["chargingProfileKind"], "Recurring");
        assert_eq!(profile["chargingSchedule"]["startSchedule"], "2026-11-29T23:00:00Z");
        let periods = profile["chargingSchedule"]["chargingSchedulePeriod"].as_array().unwrap();
        let pairs: Vec<(i64, f64)> = periods
            .iter()
            .map(|p| (p["startPeriod"].as_i64().unwrap(), p["limit"].as_f64().unwrap()))
            .collect();
        let hour = 3600;
        // Monday: 0 A from midnight (Sunday night had no timer), 16 A from 22:00; Tuesday
        // 07:00 back to 0 A … Saturday 07:00 off until the week ends (Saturday night has no timer).
        assert_eq!(&pairs[..3], &[(0, 0.0), (22 * hour, 16.0), (31 * hour, 0.0)]);
        assert_eq!(pairs.last(), Some(&(5 * 24 * hour + 7 * hour, 0.0)));
        assert_eq!(pairs.len(), 1 + 2 * 5);
    }

    #[test]
    fn dynamic_power_is_the_charge_points_weekly_maximum_and_off_clears_it() {
        let mut power = DynamicPower { enabled: true, contracted_kw: 5.0, ..DynamicPower::default() };
        power.weekdays = vec![
            ProfileSlot { span: Span { start: 0, end: 8 * 60 }, max_kw: 6.0 },
            ProfileSlot { span: Span { start: 8 * 60, end: 24 * 60 }, max_kw: 3.0 },
        ];
        power.weekends = vec![ProfileSlot { span: Span { start: 0, end: 24 * 60 }, max_kw: 4.0 }];
        let payload = check(&dynamic(&power, at("2026-12-03T10:00:00Z")));
        assert_eq!(payload["connectorId"], 0);
        let profile = &payload["csChargingProfiles"];
        assert_eq!(profile["chargingProfilePurpose"], "ChargePointMaxProfile");
        assert_eq!(profile["chargingSchedule"]["chargingRateUnit"], "W");
        let periods = profile["chargingSchedule"]["chargingSchedulePeriod"].as_array().unwrap();
        // Never above the contracted 5 kW; 3 kW from 08:00 on weekdays; 4 kW at weekends.
        assert_eq!(periods[0], json!({"startPeriod": 0, "limit": 5000.0}));
        assert_eq!(periods[1], json!({"startPeriod": 8 * 3600, "limit": 3000.0}));
        assert_eq!(periods.last().unwrap(), &json!({"startPeriod": 5 * 86_400, "limit": 4000.0}));

        let off = dynamic(&DynamicPower::default(), at("2026-12-03T10:00:00Z"));
        assert_eq!(off, Command::ClearChargingProfile { id: Some(DYNAMIC_PROFILE_ID) });
        check(&off);
    }
}
