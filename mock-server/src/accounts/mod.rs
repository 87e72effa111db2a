//! Accounts: registration, email confirmation, login, password recovery, profile.

mod login;
mod profile;
mod recovery;
mod registration;
mod sessions;
pub mod store;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(registration::register))
        .routes(routes!(registration::confirm))
        .routes(routes!(registration::resend_confirmation))
        .routes(routes!(login::login))
        .routes(routes!(login::logout))
        .routes(routes!(login::session_info))
        .routes(routes!(recovery::forgot_password))
        .routes(routes!(recovery::reset_password))
        .routes(routes!(profile::get_account, profile::update_account, profile::delete_account))
        .routes(routes!(profile::change_password))
        .routes(routes!(sessions::list, sessions::end_others))
        .routes(routes!(sessions::end))
}
