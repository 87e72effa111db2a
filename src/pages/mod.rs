//! One module per page.

pub mod charger;
pub mod charger_settings;
pub mod chargers;
pub mod check_email;
pub mod confirm;
pub mod forgot_password;
pub mod help;
pub mod history;
pub mod login;
pub mod not_found;
pub mod profile;
pub mod register;
pub mod reset_password;
pub mod schedule;
pub mod session;
pub mod statistics;
pub mod tariff;
pub mod unsubscribe;
