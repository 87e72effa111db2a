//! The wording of the problems and refusals only the logged-in pages meet (a charger's ID, a
//! timer, a share…). Their texts are in [`AppTexts`](super::AppTexts), which only the app
//! bundle holds: the app's [`I18n`](super::I18n) is made with these functions
//! (`I18n::for_app`), the public bundle's without them, so that its linker leaves them out.

use charge_model::{Problem, Reason};

use super::{Texts, number};

/// The two functions, as the app's `I18n` keeps them.
#[derive(Clone, Copy)]
pub struct AppWords {
    pub problem: fn(&'static Texts, &Problem) -> Option<String>,
    pub reason: fn(&'static Texts, Reason) -> Option<&'static str>,
}

pub const WORDS: AppWords = AppWords { problem, reason };

/// A logged-in page's field problem; `None` for the problems the logged-out pages word.
fn problem(t: &'static Texts, problem: &Problem) -> Option<String> {
    Some(match problem {
        Problem::OutOfRange { min, max } => (t.problem_out_of_range)(&number(*min), &number(*max)),
        Problem::InvalidChargerId => t.problem_invalid_charger_id.to_owned(),
        Problem::InvalidChargePointId => t.problem_invalid_charge_point_id.to_owned(),
        Problem::UnknownCharger => t.problem_unknown_charger.to_owned(),
        Problem::ChargerTaken => t.problem_charger_taken.to_owned(),
        Problem::AlreadyYours => t.problem_already_yours.to_owned(),
        Problem::MinAboveMax => t.problem_min_above_max.to_owned(),
        Problem::NotAPermutation => t.problem_not_a_permutation.to_owned(),
        Problem::InvalidWebSocketUrl => t.problem_invalid_web_socket_url.to_owned(),
        Problem::InvalidCardCode => t.problem_invalid_card_code.to_owned(),
        Problem::DuplicateCard => t.problem_duplicate_card.to_owned(),
        Problem::AlreadyShared => t.problem_already_shared.to_owned(),
        Problem::OwnCharger => t.problem_own_charger.to_owned(),
        Problem::Uncovered(ranges) => (t.problem_uncovered)(ranges),
        Problem::Overlapping(ranges) => (t.problem_overlapping)(ranges),
        Problem::TooManyTimers => t.problem_too_many_timers.to_owned(),
        Problem::DateOutOfRange { min, max } => (t.problem_date_out_of_range)(*min, *max),
        Problem::InvalidTimeRange => t.problem_invalid_time_range.to_owned(),
        Problem::InvalidPrice => t.problem_invalid_price.to_owned(),
        Problem::NoDay => t.problem_no_day.to_owned(),
        Problem::OwnerRole => t.problem_owner_role.to_owned(),
        Problem::SevenDays => t.problem_seven_days.to_owned(),
        Problem::InvalidDate => t.problem_invalid_date.to_owned(),
        Problem::PeriodTooLong { max_days } => (t.problem_period_too_long)(*max_days),
        Problem::DepartureWindow { max_days } => (t.problem_departure_window)(*max_days),
        Problem::NotSupported => t.problem_not_supported.to_owned(),
        Problem::InvalidTrydanAddress => t.problem_invalid_trydan_address.to_owned(),
        Problem::NoTrydanAtAddress => t.problem_no_trydan_at_address.to_owned(),
        Problem::OffQuarterHour(times) => (t.problem_off_quarter_hour)(times),
        Problem::DuplicateKind => t.problem_duplicate_kind.to_owned(),
        Problem::DepartureOrRepeat => t.problem_departure_or_repeat.to_owned(),
        Problem::Required
        | Problem::InvalidEmail
        | Problem::TooShort { .. }
        | Problem::TooLong { .. }
        | Problem::EmailTaken
        | Problem::WrongPassword
        | Problem::Mismatch
        | Problem::SameAsCurrent
        | Problem::InvalidCharacters
        | Problem::NotOneOf(_)
        | Problem::InvalidValue(_)
        | Problem::Other(_) => return None,
    })
}

/// Why the server refused a logged-in page's request; `None` when it named no such reason.
fn reason(t: &'static Texts, reason: Reason) -> Option<&'static str> {
    Some(match reason {
        Reason::ChargerOffline => t.reason_charger_offline,
        Reason::DynamicPowerOn => t.reason_dynamic_power_on,
        Reason::ChargerBusy => t.reason_charger_busy,
        Reason::ChargerRefused => t.reason_charger_refused,
        Reason::ChargerNoAnswer => t.reason_charger_no_answer,
        Reason::OwnerOnly => t.reason_owner_only,
        Reason::EditorOnly => t.reason_editor_only,
        Reason::NoSuchCharger => t.reason_no_such_charger,
        Reason::NoSuchCard => t.reason_no_such_card,
        Reason::NoSuchShare => t.reason_no_such_share,
        Reason::NoSuchInvitation => t.reason_no_such_invitation,
        Reason::NoSuchSession => t.reason_no_such_session,
        Reason::NoSuchCharge => t.reason_no_such_charge,
        Reason::LastWayIn => t.reason_last_way_in,
        Reason::NoSuchEndpoint | Reason::NoSuchResource | Reason::Unknown => return None,
    })
}
