//! Password hashing with Argon2id, off the async runtime.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use crate::error::{ApiError, ApiResult};

/// Hashes a new password (PHC string, Argon2id with the crate's recommended parameters).
pub async fn hash(password: String) -> ApiResult<String> {
    blocking(move || hash_now(&password)).await?
}

/// Checks `password` against a stored PHC hash.
pub async fn verify(password: String, stored: String) -> ApiResult<bool> {
    blocking(move || verify_now(&password, &stored)).await?
}

/// Spends the same time as a real check, for logins with an unknown email,
/// so that response times do not reveal which addresses have accounts.
pub async fn verify_nothing(password: String) -> ApiResult<()> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    blocking(move || {
        let stored = DUMMY.get_or_init(|| hash_now("not a real password").expect("hashing works"));
        verify_now(&password, stored).map(|_| ())
    })
    .await?
}

fn hash_now(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

fn verify_now(password: &str, stored: &str) -> ApiResult<bool> {
    // An account made by an OpenID provider has no password: nothing matches, in the usual time.
    if stored.is_empty() {
        let dummy = hash_now("not a real password")?;
        return verify_now(password, &dummy).map(|_| false);
    }
    let parsed = PasswordHash::new(stored)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored password hash is unreadable: {e}")))?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashing is deliberately costly: only as many run at once as there are cores, a few dozen
/// more wait their turn (a while at most), and the rest are told to come back (429), so that
/// a flood of logins cannot starve the server.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    static HASHING: LazyLock<Limiter> = LazyLock::new(|| {
        Limiter::new(std::thread::available_parallelism().map_or(2, |n| n.get()), 64, Duration::from_secs(10))
    });
    HASHING.run(f).await
}

/// Runs blocking work, `running` at a time, with at most `max_waiting` waiting `max_wait`.
struct Limiter {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
}

impl Limiter {
    fn new(running: usize, max_waiting: usize, max_wait: Duration) -> Limiter {
        Limiter { running: Semaphore::new(running), waiting: AtomicUsize::new(0), max_waiting, max_wait }
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
        let busy = ApiError::TooManyRequests { retry_after_secs: 1 };
        let permit = match self.running.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(busy);
                }
                let permit = tokio::time::timeout(self.max_wait, self.running.acquire()).await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                match permit {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(busy),
                }
            }
        };
        let outcome = tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(e.into()));
        drop(permit);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::error::ApiError;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_is_partly_refused_instead_of_queued_without_end() {
        // Two at a time, four waiting: of twenty arriving together, six get through.
        let limiter = Arc::new(super::Limiter::new(2, 4, Duration::from_secs(10)));
        let flood: Vec<_> = (0..20)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(
                    async move { limiter.run(|| std::thread::sleep(Duration::from_millis(100))).await },
                )
            })
            .collect();
        let (mut done, mut refused) = (0, 0);
        for task in flood {
            match task.await.unwrap() {
                Ok(()) => done += 1,
                Err(ApiError::TooManyRequests { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, 1);
                    refused += 1;
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!((done, refused), (6, 14));
    }

    #[tokio::test]
    async fn a_waiting_turn_ends_after_a_while() {
        let limiter = super::Limiter::new(1, 4, Duration::from_millis(50));
        let _held = limiter.running.try_acquire().unwrap();
        assert!(matches!(limiter.run(|| ()).await, Err(ApiError::TooManyRequests { .. })));
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse".to_owned()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".to_owned(), stored.clone()).await.unwrap());
        assert!(!super::verify("correct hors".to_owned(), stored).await.unwrap());
    }
}
