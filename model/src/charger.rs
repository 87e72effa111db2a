//! Chargers: identity, models, live status, settings and their rules.

use serde::{Deserialize, Serialize};

use crate::validate::{FieldErrors, in_range, optional_text, required_text};
use crate::{Language, Problem};

/// Lowest charging current a charger accepts, in amperes (IEC 61851).
pub const MIN_CURRENT_A: u8 = 6;
/// Highest charging current, in amperes.
pub const MAX_CURRENT_A: u8 = 32;
/// Longest charger name.
pub const NAME_MAX: u32 = 40;
/// Mains voltage of a single-phase installation (V).
pub const SINGLE_PHASE_VOLTS: f64 = 230.0;
/// Line voltage of a three-phase installation (V) and the usual power factor.
pub const THREE_PHASE_VOLTS: f64 = 400.0;
pub const POWER_FACTOR: f64 = 0.95;

/// A charger's serial number, as printed on its label: upper-case letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ChargerId(String);

impl ChargerId {
    /// Length of every serial number.
    pub const LEN: usize = 10;

    /// Accepts what a person types from the label: spaces and dashes are ignored, case too.
    pub fn parse(raw: &str) -> Result<ChargerId, Problem> {
        let id: String =
            raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if id.is_empty() {
            return Err(Problem::Required);
        }
        if id.len() != Self::LEN || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Problem::InvalidChargerId);
        }
        Ok(ChargerId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChargerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The charger models the portal knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChargerModel {
    Trydan,
    TrydanPro,
    PolePro,
    Denka,
    /// Any charger that reaches the portal over OCPP 1.6J (its own make and model are in
    /// its [`crate::link::OcppInfo`]).
    Ocpp,
}

impl ChargerModel {
    /// The models the simulator makes (an OCPP charger is never simulated).
    pub const ALL: [ChargerModel; 4] =
        [ChargerModel::Trydan, ChargerModel::TrydanPro, ChargerModel::PolePro, ChargerModel::Denka];

    pub fn name(self) -> &'static str {
        match self {
            ChargerModel::Trydan => "Trydan",
            ChargerModel::TrydanPro => "Trydan Pro",
            ChargerModel::PolePro => "Pole Pro",
            ChargerModel::Denka => "Denka",
            ChargerModel::Ocpp => "OCPP charger",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            ChargerModel::Trydan => "trydan",
            ChargerModel::TrydanPro => "trydan_pro",
            ChargerModel::PolePro => "pole_pro",
            ChargerModel::Denka => "denka",
            ChargerModel::Ocpp => "ocpp",
        }
    }

    pub fn from_tag(tag: &str) -> Option<ChargerModel> {
        ChargerModel::ALL.into_iter().chain([ChargerModel::Ocpp]).find(|m| m.tag() == tag)
    }

    /// What the model's section for cards is called (as in V2C's guide).
    pub fn rfid_section(self) -> &'static str {
        match self {
            ChargerModel::Trydan => "e-Keys",
            ChargerModel::TrydanPro => "RFID / e-Keys",
            ChargerModel::PolePro | ChargerModel::Denka | ChargerModel::Ocpp => "RFID",
        }
    }

    /// Which optional features the model has.
    pub fn features(self) -> Features {
        let trydan = matches!(self, ChargerModel::Trydan | ChargerModel::TrydanPro);
        Features {
            led: trydan,
            auto_lock: trydan,
            button_shortcuts: trydan,
            calibrate: trydan,
            phase_mapping: self == ChargerModel::PolePro,
            photovoltaic: trydan,
        }
    }
}

/// Optional features of a model; the portal shows only the settings a model has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Features {
    pub led: bool,
    pub auto_lock: bool,
    pub button_shortcuts: bool,
    pub calibrate: bool,
    pub phase_mapping: bool,
    pub photovoltaic: bool,
}

/// What a user may do with a charger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees everything but the RFID card codes (masked), changes nothing.
    Viewer,
    /// Changes settings, current, lock, schedules, tariff and cards; cannot share or remove.
    Editor,
    /// Everything; exactly one per charger: the user who paired it.
    Owner,
}

impl Role {
    pub fn can_edit(self) -> bool {
        self >= Role::Editor
    }

    pub fn is_owner(self) -> bool {
        self == Role::Owner
    }

    /// Whether RFID card codes are shown in full: to those who may change the cards. A code
    /// opens the charger to whoever clones a card with it; viewers see [`masked_card_code`].
    pub fn sees_card_codes(self) -> bool {
        self.can_edit()
    }

    pub fn tag(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Role> {
        [Role::Viewer, Role::Editor, Role::Owner].into_iter().find(|r| r.tag() == tag)
    }
}

/// Whether a car is connected and charging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChargeState {
    /// No car plugged in.
    Disconnected,
    /// A car is plugged in and not charging (full, locked, paused, outside a timer…).
    Connected,
    Charging,
    /// The charger reports a fault.
    Error,
}

/// What a charger reports, live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargerStatus {
    pub online: bool,
    pub state: ChargeState,
    /// Power delivered to the car (W).
    pub charge_power_w: f64,
    /// Energy delivered since the car was plugged in (Wh).
    pub session_energy_wh: f64,
    /// Seconds since the car was plugged in (0 without a car).
    pub session_seconds: u64,
    /// Current flowing to the car, per phase (A).
    pub current_a: f64,
    /// The charging current the charger is set to (A).
    pub intensity_a: u8,
    pub voltage_v: f64,
    pub phases: u8,
    /// Consumption of the house, the charger included (W).
    pub house_power_w: f64,
    /// Photovoltaic production (W); 0 without panels.
    pub pv_power_w: f64,
    pub locked: bool,
    pub paused: bool,
    pub firmware: String,
    /// Progress of a running firmware update, in percent.
    pub update_progress: Option<u8>,
    /// Dynamic power control sets the current (the slider is read-only).
    #[serde(default)]
    pub dynamic_power: bool,
    /// A car is plugged in but the timers do not allow charging now.
    #[serde(default)]
    pub waiting_for_timer: bool,
    /// When the charger reported this, in Unix milliseconds.
    pub at_ms: i64,
}

/// A live status change, as pushed on `GET /api/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusEvent {
    pub charger_id: ChargerId,
    pub status: ChargerStatus,
}

/// A charger in the user's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargerSummary {
    pub id: ChargerId,
    pub name: String,
    pub model: ChargerModel,
    pub role: Role,
    /// Who shared it with the user (absent for the owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_by: Option<String>,
    pub cover: Cover,
    pub status: ChargerStatus,
}

/// Everything about one charger: its summary, settings and what its model offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargerDetail {
    pub summary: ChargerSummary,
    pub settings: ChargerSettings,
    pub features: Features,
    /// How an OCPP charger reaches the server; `None` for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocpp: Option<crate::link::OcppInfo>,
    /// How a Trydan reached through its local HTTP API is read; `None` for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trydan: Option<crate::link::TrydanInfo>,
}

/// `POST /api/chargers`: pair a charger by the ID on its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairRequest {
    /// The 10 letters and digits on the label (spaces and dashes are ignored, case too).
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
}

impl PairRequest {
    pub fn validate(&self) -> Result<(ChargerId, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = errors.check("id", ChargerId::parse(&self.id));
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        errors.into_result()?;
        Ok((id.expect("checked"), name.expect("checked").to_owned()))
    }
}

/// The pictures a charger's page can show (files in `public/covers/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cover {
    #[default]
    Garage,
    Driveway,
    Carport,
    Street,
    Night,
}

impl Cover {
    pub const ALL: [Cover; 5] = [Cover::Garage, Cover::Driveway, Cover::Carport, Cover::Street, Cover::Night];

    pub fn tag(self) -> &'static str {
        match self {
            Cover::Garage => "garage",
            Cover::Driveway => "driveway",
            Cover::Carport => "carport",
            Cover::Street => "street",
            Cover::Night => "night",
        }
    }
}

/// The language of the charger's own display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DisplayLanguage {
    #[default]
    Es,
    En,
    Fr,
    Pt,
    It,
    De,
}

impl DisplayLanguage {
    pub const ALL: [DisplayLanguage; 6] = [
        DisplayLanguage::Es,
        DisplayLanguage::En,
        DisplayLanguage::Fr,
        DisplayLanguage::Pt,
        DisplayLanguage::It,
        DisplayLanguage::De,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            DisplayLanguage::Es => "es",
            DisplayLanguage::En => "en",
            DisplayLanguage::Fr => "fr",
            DisplayLanguage::Pt => "pt",
            DisplayLanguage::It => "it",
            DisplayLanguage::De => "de",
        }
    }

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            DisplayLanguage::Es => "Español",
            DisplayLanguage::En => "English",
            DisplayLanguage::Fr => "Français",
            DisplayLanguage::Pt => "Português",
            DisplayLanguage::It => "Italiano",
            DisplayLanguage::De => "Deutsch",
        }
    }
}

impl From<Language> for DisplayLanguage {
    fn from(language: Language) -> Self {
        match language {
            Language::En => DisplayLanguage::En,
            Language::Es => DisplayLanguage::Es,
        }
    }
}

/// How the house is supplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    #[default]
    SinglePhase,
    ThreePhase,
}

impl Supply {
    pub fn phases(self) -> u8 {
        match self {
            Supply::SinglePhase => 1,
            Supply::ThreePhase => 3,
        }
    }
}

/// The contracted-power calculator of V2C's guide: the highest current (A) a contracted
/// power (kW) allows. Single-phase: kW × 1000 / 230; three-phase: kW × 1000 / (√3 × 400 × 0.95).
pub fn max_current_for(contracted_kw: f64, supply: Supply) -> f64 {
    let watts = contracted_kw * 1000.0;
    match supply {
        Supply::SinglePhase => watts / SINGLE_PHASE_VOLTS,
        Supply::ThreePhase => watts / (3f64.sqrt() * THREE_PHASE_VOLTS * POWER_FACTOR),
    }
}

/// OCPP connection to a central management system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ocpp {
    pub enabled: bool,
    /// `ws://` or `wss://` address of the central system.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub url: String,
    /// The ID the charger is registered with on the central system.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 48))]
    pub charge_point_id: String,
}

/// Everything a user sets on a charger (`PUT /api/chargers/{id}/settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargerSettings {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
    pub cover: Cover,
    /// The logo lighting (Trydan models).
    pub led: bool,
    pub display_language: DisplayLanguage,
    /// 6 to 32 A, not above `max_current_a`.
    #[cfg_attr(feature = "openapi", schema(minimum = 6, maximum = 32))]
    pub min_current_a: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 6, maximum = 32))]
    pub max_current_a: u8,
    pub supply: Supply,
    /// Lock by itself after 60 s without use (Trydan models).
    pub auto_lock: bool,
    /// Lock and timers from the physical buttons (Trydan models).
    pub button_shortcuts: bool,
    /// For cars that do not start charging on their own.
    pub wake_up: bool,
    /// Disconnect when the grid risks overload.
    pub energy_alert: bool,
    /// Which meter input each phase is wired to (Pole Pro): a permutation of 1, 2, 3.
    #[cfg_attr(feature = "openapi", schema(schema_with = phase_permutation))]
    pub phase_mapping: [u8; 3],
    pub ocpp: Ocpp,
    /// V2C Payments: charge other users for each session.
    pub payments: bool,
}

/// `phase_mapping` as the OpenAPI document shows it: 1, 2 and 3, each once, in any order.
#[cfg(feature = "openapi")]
fn phase_permutation() -> utoipa::openapi::Array {
    let phase = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Integer)
        .minimum(Some(1))
        .maximum(Some(3));
    utoipa::openapi::ArrayBuilder::new()
        .items(phase)
        .min_items(Some(3))
        .max_items(Some(3))
        .unique_items(true)
        .description(Some("Which meter input each phase is wired to (Pole Pro): a permutation of 1, 2, 3."))
        .build()
}

impl Default for ChargerSettings {
    fn default() -> Self {
        ChargerSettings {
            name: String::new(),
            cover: Cover::default(),
            led: true,
            display_language: DisplayLanguage::default(),
            min_current_a: MIN_CURRENT_A,
            max_current_a: MAX_CURRENT_A,
            supply: Supply::default(),
            auto_lock: false,
            button_shortcuts: false,
            wake_up: false,
            energy_alert: false,
            phase_mapping: [1, 2, 3],
            ocpp: Ocpp::default(),
            payments: false,
        }
    }
}

/// Longest OCPP address and charge point ID.
pub const OCPP_URL_MAX: u32 = 200;
pub const CHARGE_POINT_ID_MAX: u32 = 48;

impl ChargerSettings {
    /// Checks every field; returns the settings with texts trimmed.
    pub fn validate(&self) -> Result<ChargerSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_text(&self.name, NAME_MAX)).map(str::to_owned);
        let range = (f64::from(MIN_CURRENT_A), f64::from(MAX_CURRENT_A));
        errors.check("min_current_a", in_range(f64::from(self.min_current_a), range.0, range.1));
        errors.check("max_current_a", in_range(f64::from(self.max_current_a), range.0, range.1));
        if errors.get("min_current_a").is_none()
            && errors.get("max_current_a").is_none()
            && self.min_current_a > self.max_current_a
        {
            errors.add("min_current_a", Problem::MinAboveMax);
        }
        let mut mapping = self.phase_mapping;
        mapping.sort_unstable();
        if mapping != [1, 2, 3] {
            errors.add("phase_mapping", Problem::NotAPermutation);
        }
        let url = errors.check("ocpp.url", optional_text(&self.ocpp.url, OCPP_URL_MAX)).map(str::to_owned);
        let point = errors
            .check("ocpp.charge_point_id", optional_text(&self.ocpp.charge_point_id, CHARGE_POINT_ID_MAX));
        if let Some(url) = &url {
            if self.ocpp.enabled && url.is_empty() {
                errors.add("ocpp.url", Problem::Required);
            } else if !url.is_empty() && !is_websocket_url(url) {
                errors.add("ocpp.url", Problem::InvalidWebSocketUrl);
            }
        }
        if let Some(point) = point
            && self.ocpp.enabled
            && point.is_empty()
        {
            errors.add("ocpp.charge_point_id", Problem::Required);
        }
        errors.into_result()?;
        Ok(ChargerSettings {
            name: name.expect("checked"),
            ocpp: Ocpp {
                enabled: self.ocpp.enabled,
                url: url.expect("checked"),
                charge_point_id: self.ocpp.charge_point_id.trim().to_owned(),
            },
            ..self.clone()
        })
    }
}

/// `ws://host[:port][/path]` or `wss://…`, with a host.
pub fn is_websocket_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("wss://").or_else(|| url.strip_prefix("ws://")) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    let name_ok = !name.is_empty()
        && !url.chars().any(char::is_whitespace)
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    name_ok && port_ok
}

/// `PUT /api/chargers/{id}/intensity`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntensityRequest {
    /// Within the charger's `min_current_a` and `max_current_a` (6 to 32 A).
    #[cfg_attr(feature = "openapi", schema(minimum = 6, maximum = 32))]
    pub amps: u8,
}

impl IntensityRequest {
    /// The current must lie inside the charger's configured limits.
    pub fn validate(&self, settings: &ChargerSettings) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(
            "amps",
            in_range(
                f64::from(self.amps),
                f64::from(settings.min_current_a),
                f64::from(settings.max_current_a),
            ),
        );
        errors.into_result()
    }
}

/// `PUT /api/chargers/{id}/lock`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LockRequest {
    pub locked: bool,
}

/// `PUT /api/chargers/{id}/pause`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PauseRequest {
    pub paused: bool,
}

/// An operation that interrupts the charger for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Restart without switching the breakers: offline for about 10 s.
    Restart,
    /// Download and install the latest firmware, then restart.
    UpdateFirmware,
    /// Install the firmware from a computer on the charger's local network (no internet needed).
    UpdateFirmwareLocal,
    /// Re-align communication with the car (Trydan): charging stops for a few seconds.
    Calibrate,
}

/// `POST /api/chargers/{id}/operations`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationRequest {
    pub operation: Operation,
}

/// An RFID card or e-Key allowed to use a charger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RfidCard {
    pub id: i64,
    /// The code; masked (`••••2BF1`) for viewers.
    pub code: String,
    pub name: String,
}

impl RfidCard {
    /// The card as a user with `role` sees it.
    pub fn seen_by(self, role: Role) -> RfidCard {
        if role.sees_card_codes() { self } else { RfidCard { code: masked_card_code(&self.code), ..self } }
    }
}

/// How many of a card code's last characters a viewer sees: at most 4, and at most half.
pub fn card_code_shown(len: usize) -> usize {
    (len / 2).min(4)
}

/// A card code as viewers see it: every character but the last [`card_code_shown`] as `•`.
pub fn masked_card_code(code: &str) -> String {
    let len = code.chars().count();
    let hidden = len - card_code_shown(len);
    code.chars().enumerate().map(|(i, c)| if i < hidden { '•' } else { c }).collect()
}

/// Longest card name; a card code is 4 to 20 hexadecimal digits.
pub const CARD_NAME_MAX: u32 = 40;

/// `POST /api/chargers/{id}/cards` and `PUT …/cards/{card}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardRequest {
    /// 4 to 20 hexadecimal digits; spaces, `:` and `-` between them are ignored.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[\s:-]*([0-9A-Fa-f][\s:-]*){4,20}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
}

impl CardRequest {
    /// The code upper-cased without separators, and the trimmed name.
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let code: String = self
            .code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.is_empty() {
            errors.add("code", Problem::Required);
        } else if !(4..=20).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_hexdigit()) {
            errors.add("code", Problem::InvalidCardCode);
        }
        let name = errors.check("name", required_text(&self.name, CARD_NAME_MAX)).map(str::to_owned);
        errors.into_result()?;
        Ok((code, name.expect("checked")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charger_ids_are_read_as_typed_from_the_label() {
        assert_eq!(ChargerId::parse(" vt3k-9q2x-7m ").unwrap().as_str(), "VT3K9Q2X7M");
        assert_eq!(ChargerId::parse(""), Err(Problem::Required));
        assert_eq!(ChargerId::parse("SHORT"), Err(Problem::InvalidChargerId));
        assert_eq!(ChargerId::parse("VT3K9Q2X7M1"), Err(Problem::InvalidChargerId));
        assert_eq!(ChargerId::parse("VT3K9Q2X7_"), Err(Problem::InvalidChargerId));
    }

    #[test]
    fn the_calculator_follows_the_guide_examples() {
        // "5.75 × 1,000 ÷ 230 ≈ 25 A" and "11 × 1,000 ÷ (√3 × 400 × 0.95) ≈ 16.7 A"
        assert!((max_current_for(5.75, Supply::SinglePhase) - 25.0).abs() < 1e-9);
        assert!((max_current_for(11.0, Supply::ThreePhase) - 16.71).abs() < 0.01);
    }

    fn settings() -> ChargerSettings {
        ChargerSettings { name: "Garage".into(), ..ChargerSettings::default() }
    }

    #[test]
    fn current_limits_stay_inside_6_to_32_with_min_not_above_max() {
        assert!(settings().validate().is_ok());
        let low = ChargerSettings { min_current_a: 5, ..settings() };
        assert_eq!(
            low.validate().unwrap_err().get("min_current_a"),
            Some(&Problem::OutOfRange { min: 6.0, max: 32.0 })
        );
        let high = ChargerSettings { max_current_a: 33, ..settings() };
        assert!(high.validate().unwrap_err().get("max_current_a").is_some());
        let crossed = ChargerSettings { min_current_a: 20, max_current_a: 16, ..settings() };
        assert_eq!(crossed.validate().unwrap_err().get("min_current_a"), Some(&Problem::MinAboveMax));
        let equal = ChargerSettings { min_current_a: 16, max_current_a: 16, ..settings() };
        assert!(equal.validate().is_ok());
    }

    #[test]
    fn ocpp_needs_a_websocket_address_and_an_id_when_enabled() {
        let ocpp = |enabled, url: &str, id: &str| ChargerSettings {
            ocpp: Ocpp { enabled, url: url.into(), charge_point_id: id.into() },
            ..settings()
        };
        assert!(ocpp(true, "wss://csms.example.com/ocpp", "CP1").validate().is_ok());
        assert!(ocpp(true, "ws://10.0.0.2:9000", "CP1").validate().is_ok());
        assert!(ocpp(false, "", "").validate().is_ok());
        let errors = ocpp(true, "https://csms.example.com", "").validate().unwrap_err();
        assert_eq!(errors.get("ocpp.url"), Some(&Problem::InvalidWebSocketUrl));
        assert_eq!(errors.get("ocpp.charge_point_id"), Some(&Problem::Required));
        assert_eq!(ocpp(true, "", "CP1").validate().unwrap_err().get("ocpp.url"), Some(&Problem::Required));
        for bad in ["ws://", "wss:// host", "ws://host:99999", "wss://host:port", "ftp://host"] {
            assert!(!is_websocket_url(bad), "{bad}");
        }
    }

    #[test]
    fn phase_mapping_must_use_each_phase_once() {
        assert!(ChargerSettings { phase_mapping: [2, 1, 3], ..settings() }.validate().is_ok());
        let twice = ChargerSettings { phase_mapping: [1, 1, 3], ..settings() };
        assert_eq!(twice.validate().unwrap_err().get("phase_mapping"), Some(&Problem::NotAPermutation));
    }

    #[test]
    fn intensity_must_be_inside_the_configured_limits() {
        let limits = ChargerSettings { min_current_a: 8, max_current_a: 16, ..settings() };
        assert!(IntensityRequest { amps: 16 }.validate(&limits).is_ok());
        assert_eq!(
            IntensityRequest { amps: 20 }.validate(&limits).unwrap_err().get("amps"),
            Some(&Problem::OutOfRange { min: 8.0, max: 16.0 })
        );
    }

    #[test]
    fn card_codes_are_hexadecimal() {
        let ok = CardRequest { code: "04:a3:2b:f1".into(), name: " Ana's card ".into() };
        assert_eq!(ok.validate().unwrap(), ("04A32BF1".to_owned(), "Ana's card".to_owned()));
        let bad = CardRequest { code: "XYZ".into(), name: "".into() };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors.get("code"), Some(&Problem::InvalidCardCode));
        assert_eq!(errors.get("name"), Some(&Problem::Required));
    }

    #[test]
    fn names_must_read_as_typed() {
        let card = CardRequest { code: "AAAA0001".into(), name: "Ana\u{202E}".into() };
        assert_eq!(card.validate().unwrap_err().get("name"), Some(&Problem::InvalidCharacters));
        let pair = PairRequest { id: "NFGJKFHDQ7".into(), name: "\u{200B}".into() };
        assert_eq!(pair.validate().unwrap_err().get("name"), Some(&Problem::InvalidCharacters));
        let settings = ChargerSettings { name: "Garage\r\nX".into(), ..ChargerSettings::default() };
        assert_eq!(settings.validate().unwrap_err().get("name"), Some(&Problem::InvalidCharacters));
    }

    #[test]
    fn viewers_see_card_codes_masked() {
        assert_eq!(masked_card_code("04A32BF1"), "••••2BF1");
        assert_eq!(masked_card_code("0123456789ABCDEF0123"), "••••••••••••••••0123");
        assert_eq!(masked_card_code("C0DE"), "••DE");
        assert_eq!(masked_card_code("C0DE5"), "•••E5");
        assert_eq!(masked_card_code(""), "");
        let card = RfidCard { id: 1, code: "04A32BF1".into(), name: "Ana".into() };
        assert_eq!(card.clone().seen_by(Role::Viewer).code, "••••2BF1");
        assert_eq!(card.clone().seen_by(Role::Editor), card);
        assert_eq!(card.clone().seen_by(Role::Owner), card);
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Owner.can_edit() && Role::Editor.can_edit() && !Role::Viewer.can_edit());
        assert!(Role::Owner.is_owner() && !Role::Editor.is_owner());
    }
}
