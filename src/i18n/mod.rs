//! Every text of the portal, in English and Spanish.
//!
//! Each language is one `Texts` value, so a missing translation is a compile error.
//! The language follows the browser until the user picks one (kept in local storage),
//! and a logged-in user's account language wins.

mod app_words;
mod en;
mod es;

use app_words::AppWords;

use charge_model::charger::Role;
use charge_model::tariff::Tariff;
use charge_model::{ErrorCode, Language, Problem};
use leptos::prelude::*;

use crate::api::ApiError;

const STORAGE_KEY: &str = "charge-portal.language";

/// The current language, provided at the root of the app.
#[derive(Clone, Copy)]
pub struct I18n {
    language: RwSignal<Language>,
    /// How the logged-in pages' problems and refusals are worded: the app's ([`I18n::for_app`]).
    app_words: Option<AppWords>,
    /// A language picked in the header and not yet saved in the profile: the account's
    /// language, arriving meanwhile, must not undo it.
    unsaved_pick: RwSignal<bool>,
}

impl I18n {
    /// Chooses the stored language, else the browser's, else English: for the logged-out
    /// pages, which word the problems and refusals of accounts only.
    pub fn from_browser() -> I18n {
        let language = stored_language().or_else(browser_language).unwrap_or_default();
        set_document_language(language);
        I18n { language: RwSignal::new(language), app_words: None, unsaved_pick: RwSignal::new(false) }
    }

    /// As [`I18n::from_browser`], for the app: it words every problem and refusal.
    pub fn for_app() -> I18n {
        I18n { app_words: Some(app_words::WORDS), ..I18n::from_browser() }
    }

    pub fn language(&self) -> Language {
        self.language.get()
    }

    /// Switches the language and remembers the choice in this browser.
    pub fn set_language(&self, language: Language) {
        if self.language.get_untracked() != language {
            self.language.set(language);
        }
        set_document_language(language);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, language.tag());
        }
    }

    /// The user picks a language (the header's picker): it wins over the account's until saved.
    pub fn pick(&self, language: Language) {
        self.unsaved_pick.set(true);
        self.set_language(language);
    }

    /// The picked language is saved in the profile.
    pub fn pick_saved(&self) {
        self.unsaved_pick.set(false);
    }

    /// Follows a logged-in account's language, unless the user has just picked another.
    pub fn follow_account(&self, language: Language) {
        if !self.unsaved_pick.get_untracked() {
            self.set_language(language);
        }
    }

    /// The texts of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        texts(self.language.get())
    }

    /// Why a sign-in with a provider failed.
    pub fn oidc_failure(&self, failure: charge_model::oidc::OidcFailure) -> &'static str {
        use charge_model::oidc::OidcFailure as F;
        let t = self.t();
        match failure {
            F::Cancelled => t.oidc_cancelled,
            F::ProviderError => t.oidc_provider_error,
            F::Expired => t.oidc_expired,
            F::InvalidToken => t.oidc_invalid_token,
            F::Unreachable => t.oidc_unreachable,
            F::UnverifiedEmail => t.oidc_unverified_email,
            F::LinkedElsewhere => t.oidc_linked_elsewhere,
            F::UnknownProvider => t.oidc_unknown_provider,
        }
    }

    /// The message for a field's problem.
    pub fn problem(&self, problem: &Problem) -> String {
        let t = self.t();
        match problem {
            Problem::Required => t.problem_required.to_owned(),
            Problem::InvalidEmail => t.problem_invalid_email.to_owned(),
            Problem::TooShort { min } => (t.problem_too_short)(*min),
            Problem::TooLong { max } => (t.problem_too_long)(*max),
            Problem::EmailTaken => t.problem_email_taken.to_owned(),
            Problem::WrongPassword => t.problem_wrong_password.to_owned(),
            Problem::Mismatch => t.problem_mismatch.to_owned(),
            Problem::SameAsCurrent => t.problem_same_as_current.to_owned(),
            Problem::InvalidCharacters => t.problem_invalid_characters.to_owned(),
            Problem::NotOneOf(choices) => (t.problem_not_one_of)(choices),
            // What the decoder said is English and for API users.
            Problem::InvalidValue(_) => t.problem_invalid_value.to_owned(),
            // Worded by the portal already, or an unknown code from a newer server.
            Problem::Other(message) => message.clone(),
            // The logged-in pages' own problems.
            problem => self
                .app_words
                .and_then(|words| (words.problem)(t, problem))
                .unwrap_or_else(|| t.problem_invalid_value.to_owned()),
        }
    }

    /// The message for an error that is not about one field.
    pub fn error(&self, error: &ApiError) -> String {
        let t = self.t();
        match error {
            ApiError::Network(_) => t.error_network.to_owned(),
            ApiError::Decode(_) => t.error_unexpected.to_owned(),
            ApiError::Status { body, retry_after, .. } => match body.code {
                ErrorCode::InvalidCredentials => t.error_invalid_credentials.to_owned(),
                ErrorCode::EmailNotConfirmed => t.error_email_not_confirmed.to_owned(),
                ErrorCode::Unauthenticated => t.error_unauthenticated.to_owned(),
                ErrorCode::InvalidToken => t.error_invalid_token.to_owned(),
                ErrorCode::TooManyRequests => (t.error_too_many_requests)(retry_after.unwrap_or(60)),
                ErrorCode::Validation => t.error_validation.to_owned(),
                ErrorCode::Internal => t.error_internal.to_owned(),
                ErrorCode::EmailTaken => t.problem_email_taken.to_owned(),
                ErrorCode::BadRequest => t.error_bad_request.to_owned(),
                ErrorCode::PayloadTooLarge => t.error_payload_too_large.to_owned(),
                // The server's `message` is English: word the reason (the logged-in pages'
                // refusals), else the code.
                ErrorCode::Forbidden | ErrorCode::NotFound | ErrorCode::Conflict => body
                    .reason
                    .and_then(|reason| self.app_words.and_then(|words| (words.reason)(t, reason)))
                    .unwrap_or(match body.code {
                        ErrorCode::Forbidden => t.error_forbidden,
                        ErrorCode::NotFound => t.error_not_found,
                        _ => t.error_conflict,
                    })
                    .to_owned(),
                ErrorCode::MethodNotAllowed | ErrorCode::Unknown => t.error_unexpected.to_owned(),
            },
        }
    }
}

/// A number as JavaScript writes it ("6", "77.4"), without Rust's float formatting code.
fn number(value: f64) -> String {
    js_sys::Number::from(value).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// The texts of `language`.
pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::En => &en::EN,
        Language::Es => &es::ES,
    }
}

/// The logged-in pages' texts are a separate value that only the app bundle reaches,
/// through this: the public bundle never dereferences, so the linker leaves them out
/// (over 10 KB gzip of strings and formatting code the login page does not load).
impl std::ops::Deref for Texts {
    type Target = AppTexts;

    // One shared function rather than a `match` inlined at each of the app's text lookups.
    #[inline(never)]
    fn deref(&self) -> &AppTexts {
        match self.of {
            Language::En => &en::EN_APP,
            Language::Es => &es::ES_APP,
        }
    }
}

/// Picks one text of the current language: `|t| t.save`.
pub type Text = fn(&'static Texts) -> &'static str;

/// A text of the current language, as a reactive closure for views and `Signal` props.
///
/// Every call returns the same closure type, so the view code that renders a reactive
/// text is compiled once instead of once per text (a large saving in wasm size).
pub fn tr(pick: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || pick(i18n.t())
}

/// The role's name in the current language.
pub fn role_name(role: Role, i18n: I18n) -> &'static str {
    let t = i18n.t();
    match role {
        Role::Owner => t.role_owner,
        Role::Editor => t.role_editor,
        Role::Viewer => t.role_viewer,
    }
}

/// The tariff kinds, as the tariff page lists them.
pub const TARIFF_KINDS: [&str; 6] =
    ["flat", "time_ranges", "day_time_ranges", "indexed", "pvpc", "omie_spot"];

/// The kind of `tariff`, one of [`TARIFF_KINDS`].
pub fn tariff_kind(tariff: &Tariff) -> &'static str {
    match tariff {
        Tariff::Flat { .. } => TARIFF_KINDS[0],
        Tariff::TimeRanges { .. } => TARIFF_KINDS[1],
        Tariff::DayTimeRanges { .. } => TARIFF_KINDS[2],
        Tariff::Indexed { .. } => TARIFF_KINDS[3],
        Tariff::Pvpc => TARIFF_KINDS[4],
        Tariff::OmieSpot => TARIFF_KINDS[5],
    }
}

/// The name of a tariff kind in the current language.
pub fn tariff_kind_name(kind: &str, i18n: I18n) -> &'static str {
    let t = i18n.t();
    match kind {
        "flat" => t.tariff_flat,
        "time_ranges" => t.tariff_time_ranges,
        "day_time_ranges" => t.tariff_day_time_ranges,
        "indexed" => t.tariff_indexed,
        "pvpc" => t.tariff_pvpc,
        _ => t.tariff_omie,
    }
}

/// The app's [`I18n`].
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored_language() -> Option<Language> {
    Language::from_tag(&local_storage()?.get_item(STORAGE_KEY).ok()??)
}

fn browser_language() -> Option<Language> {
    let navigator = web_sys::window()?.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .find_map(|tag| Language::from_tag(&tag))
}

fn set_document_language(language: Language) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", language.tag());
    }
}

/// The texts of the logged-out pages and of what every page shares (header, field
/// problems, errors), in one language. The logged-in pages' texts are reached through
/// it as well (`t.profile_title`): it dereferences to that language's [`AppTexts`].
pub struct Texts {
    /// The language these texts are in; picks the [`AppTexts`].
    pub of: Language,
    // Shared
    pub app_name: &'static str,
    pub loading: &'static str,
    /// A page whose module could not be downloaded.
    pub page_load_failed: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub show_password: &'static str,
    pub name: &'static str,
    pub optional: &'static str,
    pub language: &'static str,
    pub skip_to_content: &'static str,

    // Header
    pub nav_main: &'static str,
    pub nav_chargers: &'static str,
    pub account_menu: &'static str,
    pub profile: &'static str,
    pub log_out: &'static str,
    pub log_in: &'static str,
    pub register: &'static str,

    // Login
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub login_submit: &'static str,
    pub login_pending: &'static str,
    pub forgot_password_link: &'static str,
    pub no_account: &'static str,
    pub create_account_link: &'static str,
    pub resend_confirmation: &'static str,
    pub confirmation_resent: fn(&str) -> String,
    pub session_ended: &'static str,

    // Registration
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub register_submit: &'static str,
    pub register_pending: &'static str,
    pub password_hint: &'static str,
    pub have_account: &'static str,
    /// "Continue with {provider}" (an OpenID Connect provider).
    pub continue_with: fn(&str) -> String,
    /// Between the providers' buttons and the email form.
    pub or_with_email: &'static str,
    pub oidc_cancelled: &'static str,
    pub oidc_provider_error: &'static str,
    pub oidc_expired: &'static str,
    pub oidc_invalid_token: &'static str,
    pub oidc_unreachable: &'static str,
    pub oidc_unverified_email: &'static str,
    pub oidc_linked_elsewhere: &'static str,
    pub oidc_unknown_provider: &'static str,
    /// The address has an account: log in to link {provider}.
    pub oidc_link_pending: fn(&str) -> String,
    pub oidc_link_invalid: &'static str,

    // Check your email
    pub check_email_title: &'static str,
    pub check_email_body: fn(&str) -> String,
    pub check_email_spam: &'static str,
    pub send_again: &'static str,
    pub sent_again: &'static str,

    // Confirmation link
    pub confirming: &'static str,
    pub confirmed_title: &'static str,
    pub confirmed_body: &'static str,
    pub confirm_failed_title: &'static str,
    pub confirm_failed_body: &'static str,
    pub go_to_login: &'static str,

    // Forgotten password
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_submit: &'static str,
    pub forgot_sent: fn(&str) -> String,
    pub back_to_login: &'static str,

    // Reset password
    pub reset_title: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub reset_submit: &'static str,
    pub reset_done: &'static str,
    pub reset_no_token: &'static str,
    pub request_new_link: &'static str,

    // Not found
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,

    // Field problems
    pub problem_required: &'static str,
    pub problem_invalid_email: &'static str,
    pub problem_too_short: fn(u32) -> String,
    pub problem_too_long: fn(u32) -> String,
    pub problem_email_taken: &'static str,
    pub problem_wrong_password: &'static str,
    pub problem_mismatch: &'static str,
    pub problem_same_as_current: &'static str,
    pub problem_invalid_characters: &'static str,
    /// The accepted values, like `asc, desc`.
    pub problem_not_one_of: fn(&str) -> String,
    pub problem_invalid_value: &'static str,

    // Notification kinds (the profile's table, the unsubscribe page), in `NotificationKind::ALL` order
    pub notify_kinds: [&'static str; 6],

    // Unsubscribe
    pub unsubscribe_title: &'static str,
    pub unsubscribed_body: fn(&str) -> String,
    pub unsubscribe_failed_title: &'static str,
    pub unsubscribe_failed_body: &'static str,
    pub unsubscribe_profile_link: &'static str,

    // Errors
    pub error_network: &'static str,
    pub error_unexpected: &'static str,
    pub error_invalid_credentials: &'static str,
    pub error_email_not_confirmed: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_invalid_token: &'static str,
    pub error_too_many_requests: fn(u64) -> String,
    pub error_validation: &'static str,
    pub error_internal: &'static str,
    pub error_bad_request: &'static str,
    pub error_payload_too_large: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_conflict: &'static str,
}

/// The texts of the logged-in pages, in one language: reached through [`Texts`] (it
/// dereferences to them), kept apart so that the public bundle leaves them out.
pub struct AppTexts {
    // Profile
    pub profile_title: &'static str,
    pub profile_details: &'static str,
    pub profile_vehicle: &'static str,
    pub vehicle_make: &'static str,
    pub vehicle_model: &'static str,
    pub battery_kwh: &'static str,
    // Notifications: the bell, its list, the profile's choices
    pub notifications_title: &'static str,
    pub notifications_unread: fn(u32) -> String,
    pub notifications_empty: &'static str,
    pub notifications_older: &'static str,
    pub notify_charge_finished: fn(&str, &str, i64) -> String,
    pub notify_unknown_card: fn(&str) -> String,
    pub notify_offline: fn(i64) -> String,
    pub notify_back_online: fn(i64) -> String,
    pub notify_shared: fn(&str, bool) -> String,
    pub notify_share_accepted: fn(&str) -> String,
    pub notify_plan_unmet: &'static str,
    pub notify_firmware: fn(&str) -> String,
    pub notify_prefs_title: &'static str,
    pub notify_prefs_hint: &'static str,
    pub notify_prefs_kind: &'static str,
    pub notify_prefs_email: &'static str,
    pub notify_prefs_portal: &'static str,
    pub notify_prefs_saved: &'static str,
    pub profile_language_hint: &'static str,
    pub profile_saved: &'static str,
    pub change_password_title: &'static str,
    pub current_password: &'static str,
    pub change_password_submit: &'static str,
    pub password_changed: &'static str,
    pub delete_account_title: &'static str,
    pub delete_account_warning: &'static str,
    pub delete_account_button: &'static str,
    pub delete_dialog_title: &'static str,
    pub delete_dialog_body: &'static str,
    pub delete_dialog_body_no_password: &'static str,
    pub delete_confirm: &'static str,

    // Chargers (home)
    pub chargers_title: &'static str,
    pub chargers_empty: &'static str,
    pub chargers_empty_title: &'static str,
    pub add_charger: &'static str,
    pub add_charger_intro: &'static str,
    pub add_charger_submit: &'static str,
    pub model_ocpp: &'static str,
    pub add_kind: &'static str,
    pub add_kind_v2c: &'static str,
    pub add_kind_ocpp: &'static str,
    pub add_kind_trydan: &'static str,
    pub add_trydan_intro: &'static str,
    pub trydan_address: &'static str,
    pub trydan_address_hint: &'static str,
    pub trydan_link_title: &'static str,
    pub trydan_link_intro: &'static str,
    pub trydan_serial: &'static str,
    pub trydan_not_available_title: &'static str,
    pub trydan_not_available: &'static str,
    pub trydan_kept_by_portal: &'static str,
    pub trydan_no_history: &'static str,
    pub add_ocpp_intro: &'static str,
    pub charge_point_id: &'static str,
    pub charge_point_id_hint: &'static str,
    pub ocpp_connect_title: &'static str,
    pub ocpp_connect_intro: &'static str,
    pub ocpp_endpoint: &'static str,
    pub ocpp_password: &'static str,
    pub ocpp_password_once: &'static str,
    pub ocpp_password_hidden: &'static str,
    pub ocpp_waiting: &'static str,
    pub ocpp_connected: &'static str,
    pub ocpp_done: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub ocpp_link_title: &'static str,
    pub ocpp_link_intro: &'static str,
    pub ocpp_link_connected: &'static str,
    pub ocpp_link_disconnected: &'static str,
    pub ocpp_link_never: &'static str,
    pub ocpp_reported: &'static str,
    pub ocpp_connector: &'static str,
    pub ocpp_new_password: &'static str,
    pub ocpp_new_password_body: &'static str,
    pub adding: &'static str,
    pub charger_added: fn(&str) -> String,
    pub charger_id: &'static str,
    pub charger_id_hint: &'static str,
    pub charger_id_check: &'static str,
    pub charger_name: &'static str,
    pub charger_name_hint: &'static str,
    pub try_again: &'static str,
    pub role_owner: &'static str,
    pub role_editor: &'static str,
    pub role_viewer: &'static str,
    pub shared_by: fn(&str) -> String,
    pub shared_with_you: fn(&str, &str) -> String,
    pub locked: &'static str,
    pub unlocked: &'static str,
    pub status_offline: &'static str,
    pub status_updating: fn(u8) -> String,
    pub status_charging: &'static str,
    pub status_paused: &'static str,
    pub status_connected: &'static str,
    pub status_disconnected: &'static str,
    pub status_error: &'static str,
    pub breadcrumbs: &'static str,
    pub back_to_chargers: &'static str,
    pub charger_not_found_title: &'static str,
    pub charger_not_found_body: &'static str,
    /// The same, for a charger the page showed until its owner stopped sharing it.
    pub charger_unshared_body: &'static str,
    pub settings: &'static str,
    pub live_on: &'static str,
    pub live_connecting: &'static str,
    pub status_title: &'static str,
    pub control_title: &'static str,
    pub power_title: &'static str,
    pub power_chart_description: fn(&str) -> String,
    pub minutes_short: &'static str,
    pub figure_power: &'static str,
    pub figure_energy: &'static str,
    pub figure_time: &'static str,
    pub figure_current: &'static str,
    pub figure_voltage: &'static str,
    pub figure_phases: &'static str,
    pub figure_house: &'static str,
    pub figure_pv: &'static str,
    pub figure_firmware: &'static str,
    pub lock: &'static str,
    pub unlock: &'static str,
    pub lock_state_locked: &'static str,
    pub lock_state_unlocked: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub pause_state_paused: &'static str,
    pub pause_state_running: &'static str,
    pub charging_current: &'static str,
    pub current_limits_hint: fn(u8, u8) -> String,
    pub current_read_only: &'static str,
    pub current_offline: &'static str,
    pub applying: &'static str,
    pub applied: &'static str,
    pub settings_title: fn(&str) -> String,
    /// The settings page's list of links to its sections.
    pub settings_contents: &'static str,
    pub settings_read_only: &'static str,
    pub settings_saved: &'static str,
    pub settings_general: &'static str,
    pub cover_picture: &'static str,
    pub cover_garage: &'static str,
    pub cover_driveway: &'static str,
    pub cover_carport: &'static str,
    pub cover_street: &'static str,
    pub cover_night: &'static str,
    pub display_language: &'static str,
    pub led: &'static str,
    pub led_hint: &'static str,
    pub payments: &'static str,
    pub payments_hint: &'static str,
    pub limits_title: &'static str,
    pub limits_intro: &'static str,
    pub supply: &'static str,
    pub single_phase: &'static str,
    pub three_phase: &'static str,
    pub min_current: &'static str,
    pub max_current: &'static str,
    pub wiring_warning: &'static str,
    pub calculator_title: &'static str,
    pub contracted_power: &'static str,
    pub calculator_prompt: &'static str,
    pub calculator_result: fn(&str, u8) -> String,
    pub calculator_too_low: fn(&str) -> String,
    pub calculator_use: fn(u8) -> String,
    pub options_title: &'static str,
    pub auto_lock: &'static str,
    pub auto_lock_hint: &'static str,
    pub button_shortcuts: &'static str,
    pub button_shortcuts_hint: &'static str,
    pub wake_up: &'static str,
    pub wake_up_hint: &'static str,
    pub energy_alert: &'static str,
    pub energy_alert_hint: &'static str,
    pub phase_mapping: &'static str,
    pub phase_mapping_hint: &'static str,
    pub phase_slot: fn(u8) -> String,
    pub ocpp_title: &'static str,
    pub ocpp_intro: &'static str,
    pub ocpp_enabled: &'static str,
    pub ocpp_url: &'static str,
    pub ocpp_url_hint: &'static str,
    pub ocpp_point: &'static str,
    pub operations_title: &'static str,
    pub operation_interrupts: &'static str,
    pub restart_title: &'static str,
    pub restart_hint: &'static str,
    pub restart_button: &'static str,
    pub restart_started: &'static str,
    pub update_title: &'static str,
    pub update_hint: &'static str,
    pub update_button: &'static str,
    pub update_local_title: &'static str,
    pub update_local_hint: &'static str,
    pub update_local_button: &'static str,
    pub update_progress: fn(u8) -> String,
    pub update_done: &'static str,
    pub calibrate_title: &'static str,
    pub calibrate_hint: &'static str,
    pub calibrate_button: &'static str,
    pub calibrate_started: &'static str,
    pub cards_intro: &'static str,
    pub cards_empty: &'static str,
    pub card_name: &'static str,
    pub card_code: &'static str,
    pub card_code_hint: &'static str,
    pub actions: &'static str,
    pub add_card: &'static str,
    pub add_card_submit: &'static str,
    pub rename: &'static str,
    pub rename_card: fn(&str) -> String,
    pub delete: &'static str,
    pub delete_card: fn(&str) -> String,
    pub delete_card_title: &'static str,
    pub delete_card_body: fn(&str) -> String,
    pub remove_title: &'static str,
    pub remove_warning: &'static str,
    pub remove_button: &'static str,
    pub remove_dialog_title: &'static str,
    pub remove_confirm: &'static str,
    pub sharing_title: &'static str,
    pub sharing_intro: &'static str,
    pub sharing_empty: &'static str,
    pub person: &'static str,
    pub role: &'static str,
    pub role_of: fn(&str) -> String,
    pub role_changed: fn(&str, &str) -> String,
    pub remove: &'static str,
    pub revoke: &'static str,
    pub invitation_pending: &'static str,
    pub sessions_title: &'static str,
    pub providers_title: &'static str,
    pub providers_intro: &'static str,
    pub providers_no_password: &'static str,
    /// "Link {provider}"
    pub link_provider: fn(&str) -> String,
    pub unlink: &'static str,
    /// Accessible name of the unlink button: "Unlink {provider}".
    pub unlink_of: fn(&str) -> String,
    /// "{provider} is linked."
    pub provider_linked: fn(&str) -> String,
    pub sessions_intro: &'static str,
    pub session_device: &'static str,
    pub session_address: &'static str,
    pub session_last_used: &'static str,
    pub this_session: &'static str,
    pub end_session: &'static str,
    pub end_session_of: fn(&str) -> String,
    pub end_other_sessions: &'static str,
    /// `(owner, charger, role)`: an invitation on the chargers page.
    pub invitation_received: fn(&str, &str, &str) -> String,
    pub invitations_title: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub invitation_accepted: fn(&str) -> String,
    pub invitation_declined: fn(&str) -> String,
    pub remove_share_title: &'static str,
    pub revoke_invitation_title: &'static str,
    pub remove_share_body: fn(&str) -> String,
    pub share_removed: fn(&str) -> String,
    pub share_with_someone: &'static str,
    pub share_email_hint: &'static str,
    pub roles_explained: &'static str,
    pub share_submit: &'static str,
    pub sharing_pending: &'static str,
    pub invited: fn(&str) -> String,
    pub leave_title: &'static str,
    pub leave_warning: &'static str,
    pub leave_button: &'static str,
    pub leave_dialog_title: &'static str,
    pub leave_confirm: &'static str,
    pub nav_statistics: &'static str,
    pub statistics_title: &'static str,
    pub charger_statistics_title: fn(&str) -> String,
    pub statistics_intro: &'static str,
    pub period: &'static str,
    pub period_day: &'static str,
    pub period_week: &'static str,
    pub period_month: &'static str,
    pub period_year: &'static str,
    pub period_all: &'static str,
    pub period_custom: &'static str,
    pub previous_period: &'static str,
    pub next_period: &'static str,
    pub group_by: &'static str,
    pub chart_shows: &'static str,
    pub total_charges: &'static str,
    pub week_of: fn(&str) -> String,
    pub chart_description: fn(&str, &str, &str) -> String,
    pub no_charges_in_period: &'static str,
    pub figures_table: &'static str,
    pub by_charger: &'static str,
    pub chart_failed: &'static str,
    pub problem_custom_days: &'static str,
    pub session_title: &'static str,
    pub session_not_found: &'static str,
    pub charge_end: &'static str,
    pub energy_by_hour: &'static str,
    pub prices_applied: &'static str,
    pub quarter_hour: &'static str,
    pub price_column: &'static str,
    pub tariff_when_recorded: &'static str,
    pub no_tariff_set: &'static str,
    pub back_to_history: &'static str,
    pub charge_details_of: fn(&str) -> String,
    pub this_month_totals: fn(&str, &str, i64) -> String,
    pub all_statistics: &'static str,
    pub nav_history: &'static str,
    pub history_title: &'static str,
    pub export_csv: &'static str,
    pub filters: &'static str,
    pub charger: &'static str,
    pub all_chargers: &'static str,
    pub from_day: &'static str,
    pub to_day: &'static str,
    pub charges_found: fn(i64) -> String,
    pub pages: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub page_of: fn(i64, i64) -> String,
    pub tariff_title: fn(&str) -> String,
    pub tariff_section: &'static str,
    pub tariff_kind: &'static str,
    pub tariff_flat: &'static str,
    pub tariff_time_ranges: &'static str,
    pub tariff_day_time_ranges: &'static str,
    pub tariff_indexed: &'static str,
    pub tariff_pvpc: &'static str,
    pub tariff_omie: &'static str,
    pub tariff_flat_hint: &'static str,
    pub tariff_time_ranges_hint: &'static str,
    pub tariff_day_time_ranges_hint: &'static str,
    pub tariff_indexed_hint: &'static str,
    pub tariff_pvpc_hint: &'static str,
    pub tariff_omie_hint: &'static str,
    pub price_eur_kwh: &'static str,
    pub price_ranges: &'static str,
    pub weekdays_long: [&'static str; 7],
    pub tolls_p1: &'static str,
    pub tolls_p2: &'static str,
    pub tolls_p3: &'static str,
    pub margin: &'static str,
    pub tolls_override: &'static str,
    pub tolls_override_hint: fn(&str, &str, &str) -> String,
    pub tolls_unconfirmed: &'static str,
    pub cost_note: &'static str,
    pub tariff_saved: &'static str,
    pub range_format: &'static str,
    pub range_price: fn(&str, usize) -> String,
    pub add_range: fn(&str) -> String,
    pub prices_title: &'static str,
    pub prices_chart_description: fn(&str, &str) -> String,
    pub cheapest_window: fn(u32, &str, &str, &str, &str) -> String,
    pub timer_set_to: fn(&str) -> String,
    pub prices_estimated: &'static str,
    pub typical_charge: &'static str,
    pub hours_n: fn(&str) -> String,
    pub set_timer_to_window: &'static str,
    pub schedule: &'static str,
    pub tariff: &'static str,
    pub current_dynamic: &'static str,
    pub recent_charges: &'static str,
    pub no_charges: &'static str,
    pub charge_start: &'static str,
    pub charge_energy: &'static str,
    pub charge_cost: &'static str,
    pub estimated: &'static str,
    pub estimated_hint: &'static str,
    pub status_waiting_timer: &'static str,
    pub schedule_title: fn(&str) -> String,
    pub weekdays_short: [&'static str; 7],
    pub time_format: &'static str,
    pub plan_title: &'static str,
    pub plan_intro: &'static str,
    pub plan_once: &'static str,
    pub plan_repeat: &'static str,
    pub plan_kind: &'static str,
    pub plan_departure: &'static str,
    pub plan_departure_time: &'static str,
    pub plan_energy: &'static str,
    pub plan_save: &'static str,
    pub plan_delete: &'static str,
    pub plan_none: &'static str,
    pub plan_chart: &'static str,
    pub plan_date_format: &'static str,
    pub plan_energy_format: &'static str,
    pub plan_prices_missing: &'static str,
    pub plan_departure_passed: &'static str,
    pub plan_by: fn(&str, &str) -> String,
    pub plan_costs: fn(&str, &str) -> String,
    pub plan_not_enough_time: fn(&str) -> String,
    pub habits_title: &'static str,
    /// "On weekdays", "At weekends": the start of a sentence about a habit.
    pub habits_on: [&'static str; 2],
    /// "on weekdays", "at weekends": inside a sentence.
    pub habits_in: [&'static str; 2],
    /// (on the days, plug-in time, departure time, energy)
    pub habits_typical: fn(&str, &str, &str, &str) -> String,
    /// (weeks, charges, in the days, the fewest needed)
    pub habits_rule: fn(u32, u32, &str, u32) -> String,
    /// (on the days, charges, weeks, the fewest needed)
    pub habits_too_few: fn(&str, u32, u32, u32) -> String,
    /// (in the days, departure time, energy)
    pub habits_accept: fn(&str, &str, &str) -> String,
    pub saved_by_plans: &'static str,
    /// (charges, their cost, at once)
    pub saved_by_plans_detail: fn(i64, &str, &str) -> String,
    pub timers_title: &'static str,
    pub timers_intro: &'static str,
    pub timers_none: &'static str,
    pub add_timer: &'static str,
    pub timer_n: fn(usize) -> String,
    pub timer_enabled: &'static str,
    pub days: &'static str,
    pub from_time: &'static str,
    pub to_time: &'static str,
    pub timer_overnight_hint: &'static str,
    pub remove_timer: fn(usize) -> String,
    pub slot_format: &'static str,
    pub dynamic_title: &'static str,
    pub dynamic_intro: &'static str,
    pub dynamic_enabled: &'static str,
    pub dynamic_enabled_hint: &'static str,
    pub scheme: &'static str,
    pub scheme_standard: &'static str,
    pub scheme_alternative: &'static str,
    pub pv_mode: &'static str,
    pub pv_plus_minimum: &'static str,
    pub pv_only: &'static str,
    pub pv_maximum: &'static str,
    pub profile_weekdays: &'static str,
    pub profile_weekends: &'static str,
    pub max_kw: &'static str,
    pub slot_from: fn(&str, usize) -> String,
    pub slot_to: fn(&str, usize) -> String,
    pub slot_kw: fn(&str, usize) -> String,
    pub remove_slot: fn(&str, usize) -> String,
    pub add_slot: fn(&str) -> String,

    // Help and support
    pub nav_help: &'static str,
    pub help_title: &'static str,
    pub help_intro: &'static str,
    pub help_contents: &'static str,
    pub faq_title: &'static str,
    /// (question, answer) pairs, from the V2C Cloud guide's FAQ.
    pub faq: [(&'static str, &'static str); 5],
    pub roles_title: &'static str,
    pub roles_intro: &'static str,
    pub roles_action: &'static str,
    /// What a role may do, by row of the help page's table (see `pages::help::ROLE_ROWS`).
    pub roles_rows: [&'static str; 7],
    pub yes: &'static str,
    pub no: &'static str,
    pub connect_title: &'static str,
    pub connect_intro: &'static str,
    pub connect_steps: [&'static str; 3],
    pub connect_setting: &'static str,
    pub connect_value: &'static str,
    /// (setting in the charger, what to enter) for the ID and the password; the URL row is built.
    pub connect_url: &'static str,
    pub connect_url_note: &'static str,
    pub connect_id: (&'static str, &'static str),
    pub connect_password: (&'static str, &'static str),
    pub connect_notes: [&'static str; 2],
    pub keys_title: &'static str,
    pub keys_intro: &'static str,
    /// (keys, what they do).
    pub keys: [(&'static str, &'static str); 4],
    pub version_title: &'static str,
    pub version_line: fn(&str) -> String,
    pub changelog_title: &'static str,
    pub changelog_note: &'static str,
    pub support_title: &'static str,
    pub support_intro: &'static str,
    pub subject: &'static str,
    pub message: &'static str,
    pub message_hint: &'static str,
    pub support_no_charger: &'static str,
    pub support_charger_hint: &'static str,
    pub support_submit: &'static str,
    pub support_pending: &'static str,
    pub support_sent: fn(&str) -> String,

    // Problems and refusals only the logged-in pages meet (worded by `app_words`)
    pub problem_out_of_range: fn(&str, &str) -> String,
    pub problem_invalid_charger_id: &'static str,
    pub problem_invalid_charge_point_id: &'static str,
    pub problem_unknown_charger: &'static str,
    pub problem_charger_taken: &'static str,
    pub problem_already_yours: &'static str,
    pub problem_min_above_max: &'static str,
    pub problem_not_a_permutation: &'static str,
    pub problem_invalid_web_socket_url: &'static str,
    pub problem_invalid_card_code: &'static str,
    pub problem_duplicate_card: &'static str,
    pub problem_already_shared: &'static str,
    pub problem_own_charger: &'static str,
    pub problem_uncovered: fn(&str) -> String,
    pub problem_overlapping: fn(&str) -> String,
    pub problem_too_many_timers: &'static str,
    /// The first and last supported years.
    pub problem_date_out_of_range: fn(i32, i32) -> String,
    pub problem_invalid_time_range: &'static str,
    pub problem_invalid_price: &'static str,
    pub problem_no_day: &'static str,
    pub problem_owner_role: &'static str,
    pub problem_seven_days: &'static str,
    pub problem_invalid_date: &'static str,
    /// The most days a period may have.
    pub problem_period_too_long: fn(u32) -> String,
    pub problem_departure_window: fn(u32) -> String,
    pub problem_not_supported: &'static str,
    pub problem_invalid_trydan_address: &'static str,
    pub problem_no_trydan_at_address: &'static str,
    pub problem_off_quarter_hour: fn(&str) -> String,
    pub problem_duplicate_kind: &'static str,
    pub problem_departure_or_repeat: &'static str,
    pub reason_charger_offline: &'static str,
    pub reason_dynamic_power_on: &'static str,
    pub reason_charger_busy: &'static str,
    pub reason_charger_refused: &'static str,
    pub reason_charger_no_answer: &'static str,
    pub reason_owner_only: &'static str,
    pub reason_editor_only: &'static str,
    pub reason_no_such_charger: &'static str,
    pub reason_no_such_card: &'static str,
    pub reason_no_such_share: &'static str,
    pub reason_no_such_invitation: &'static str,
    pub reason_no_such_session: &'static str,
    pub reason_no_such_charge: &'static str,
    pub reason_last_way_in: &'static str,
}

/// A charger model's name: the makes' own names, and "OCPP charger" in the user's language.
pub fn model_name(model: charge_model::charger::ChargerModel, t: &'static Texts) -> &'static str {
    match model {
        charge_model::charger::ChargerModel::Ocpp => t.model_ocpp,
        other => other.name(),
    }
}
