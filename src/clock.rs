//! The browser's clock, and today in Madrid (where the chargers' days and prices are).

use chrono::{DateTime, NaiveDate, Utc};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(now_ms()).unwrap_or_default()
}

/// Today's date in Madrid.
pub fn today() -> NaiveDate {
    charge_model::madrid::local(now()).date()
}
