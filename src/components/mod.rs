//! Reusable widgets.

pub mod auth_card;
pub mod charger_status;
pub mod choice;
pub mod cost;
pub mod dialog;
pub mod form;
pub mod header;
pub mod ranges_editor;
pub mod require_login;
pub mod time_input;
pub mod title;
pub mod user_menu;
