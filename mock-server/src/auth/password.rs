//! Password hashing with Argon2id, off the async runtime.

use std::sync::OnceLock;

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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse".to_owned()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".to_owned(), stored.clone()).await.unwrap());
        assert!(!super::verify("correct hors".to_owned(), stored).await.unwrap());
    }
}
