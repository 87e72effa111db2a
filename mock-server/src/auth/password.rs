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
    let parsed = PasswordHash::new(stored)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored password hash is unreadable: {e}")))?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashing is deliberately costly: only as many run at once as there are cores, a few dozen
/// more wait their turn (a while at most), and the rest are told to come back (429), so that
/// a flood of logins cannot starve the server.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    static RUNNING: LazyLock<Semaphore> =
        LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    const MAX_WAITING: usize = 64;
    const MAX_WAIT: Duration = Duration::from_secs(10);
    let busy = ApiError::TooManyRequests { retry_after_secs: 1 };

    let permit = match RUNNING.try_acquire() {
        Ok(permit) => permit,
        Err(_) => {
            if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
                WAITING.fetch_sub(1, Ordering::SeqCst);
                return Err(busy);
            }
            let permit = tokio::time::timeout(MAX_WAIT, RUNNING.acquire()).await;
            WAITING.fetch_sub(1, Ordering::SeqCst);
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

#[cfg(test)]
mod tests {
    use crate::error::ApiError;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_hashes_is_partly_refused_instead_of_queued_without_end() {
        let flood: Vec<_> = (0..150).map(|_| tokio::spawn(super::hash("flood flood".to_owned()))).collect();
        let (mut done, mut refused) = (0, 0);
        for task in flood {
            match task.await.unwrap() {
                Ok(_) => done += 1,
                Err(ApiError::TooManyRequests { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, 1);
                    refused += 1;
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        assert!(refused > 0, "some are refused: {done} done, {refused} refused");
        assert!(done >= 50, "those that fit in the queue are done: {done} done, {refused} refused");
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse".to_owned()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".to_owned(), stored.clone()).await.unwrap());
        assert!(!super::verify("correct hors".to_owned(), stored).await.unwrap());
    }
}
