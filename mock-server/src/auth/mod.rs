//! Authentication building blocks: secrets, password hashes, sessions, throttling.

pub mod device;
pub mod password;
pub mod session;
pub mod throttle;
pub mod token;

pub use session::CurrentUser;
