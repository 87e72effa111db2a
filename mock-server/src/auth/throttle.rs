//! Throttling of failed logins per email address.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::error::ApiError;

/// Past failed logins per (lower-cased) email address.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window_secs: u64) -> Self {
        LoginThrottle {
            max_failures: max_failures.max(1) as usize,
            window: Duration::seconds(window_secs as i64),
            failures: Mutex::default(),
        }
    }

    /// Refuses with 429 (and how long to wait) once `max_failures` failures fall inside the window.
    pub fn check(&self, email: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = failures.get(email) else { return Ok(()) };
        let recent: Vec<_> = times.iter().filter(|t| now - **t < self.window).collect();
        if recent.len() < self.max_failures {
            return Ok(());
        }
        let oldest = recent.iter().min().expect("not empty");
        let wait = (**oldest + self.window - now).num_seconds().max(1) as u64;
        Err(ApiError::TooManyRequests { retry_after_secs: wait })
    }

    pub fn record_failure(&self, email: &str, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map bounded: forget addresses whose failures are all outside the window.
        if failures.len() > 10_000 {
            failures.retain(|_, times| times.iter().any(|t| now - *t < self.window));
        }
        let times = failures.entry(email.to_owned()).or_default();
        times.retain(|t| now - *t < self.window);
        times.push(now);
    }

    pub fn clear(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(email);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_the_window_passes() {
        let throttle = LoginThrottle::new(3, 60);
        let t0 = Utc::now();
        for i in 0..3 {
            assert!(throttle.check("a@x.es", t0).is_ok(), "attempt {i}");
            throttle.record_failure("a@x.es", t0);
        }
        match throttle.check("a@x.es", t0 + Duration::seconds(10)) {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert_eq!(retry_after_secs, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(throttle.check("b@x.es", t0).is_ok(), "other addresses are not affected");
        assert!(throttle.check("a@x.es", t0 + Duration::seconds(61)).is_ok());
    }

    #[test]
    fn clear_forgets_failures() {
        let throttle = LoginThrottle::new(1, 60);
        let now = Utc::now();
        throttle.record_failure("a@x.es", now);
        assert!(throttle.check("a@x.es", now).is_err());
        throttle.clear("a@x.es");
        assert!(throttle.check("a@x.es", now).is_ok());
    }
}
