//! Chargers: pairing, settings, live control and RFID cards.

use charge_model::charger::{
    CardRequest, ChargerDetail, ChargerId, ChargerSettings, ChargerStatus, ChargerSummary, IntensityRequest,
    LockRequest, Operation, OperationRequest, PairRequest, PauseRequest, RfidCard,
};

use charge_model::link::{OcppCredentials, OcppPairRequest, OcppPairing, TrydanPairRequest};

use super::{ApiError, delete, fetch, fetch_early, fetch_empty, get, json, post, put};

pub async fn chargers() -> Result<Vec<ChargerSummary>, ApiError> {
    fetch_early("/api/chargers").await
}

/// Pairs a charger by the ID on its label; the first to pair it becomes its owner.
pub async fn pair_charger(request: &PairRequest) -> Result<ChargerSummary, ApiError> {
    json(post("/api/chargers").await, request).await
}

/// Pairs an OCPP charger by its charge point ID; the answer holds its password, shown once.
pub async fn pair_ocpp(request: &OcppPairRequest) -> Result<OcppPairing, ApiError> {
    json(post("/api/chargers/ocpp").await, request).await
}

/// Pairs a Trydan on the server's network by its address (the server reads it there first).
pub async fn pair_trydan(request: &TrydanPairRequest) -> Result<ChargerSummary, ApiError> {
    json(post("/api/chargers/trydan").await, request).await
}

/// A new password for an OCPP charger (the old one stops working).
pub async fn new_ocpp_password(id: &ChargerId) -> Result<OcppCredentials, ApiError> {
    fetch(post(&format!("/api/chargers/{id}/ocpp/password")).await).await
}

pub async fn charger(id: &ChargerId) -> Result<ChargerDetail, ApiError> {
    fetch(get(&format!("/api/chargers/{id}")).await).await
}

/// Removes the charger from the user's list (the owner releases it for everyone).
pub async fn remove_charger(id: &ChargerId) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/chargers/{id}")).await).await
}

pub async fn save_settings(id: &ChargerId, settings: &ChargerSettings) -> Result<ChargerDetail, ApiError> {
    json(put(&format!("/api/chargers/{id}/settings")).await, settings).await
}

pub async fn set_locked(id: &ChargerId, locked: bool) -> Result<ChargerStatus, ApiError> {
    json(put(&format!("/api/chargers/{id}/lock")).await, &LockRequest { locked }).await
}

pub async fn set_paused(id: &ChargerId, paused: bool) -> Result<ChargerStatus, ApiError> {
    json(put(&format!("/api/chargers/{id}/pause")).await, &PauseRequest { paused }).await
}

pub async fn set_intensity(id: &ChargerId, amps: u8) -> Result<ChargerStatus, ApiError> {
    json(put(&format!("/api/chargers/{id}/intensity")).await, &IntensityRequest { amps }).await
}

pub async fn operate(id: &ChargerId, operation: Operation) -> Result<ChargerStatus, ApiError> {
    json(post(&format!("/api/chargers/{id}/operations")).await, &OperationRequest { operation }).await
}

/// Charging power of the last `seconds`, one sample a second: `(unix ms, W)`.
pub async fn power_history(id: &ChargerId, seconds: u32) -> Result<Vec<(i64, f32)>, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/power?seconds={seconds}")).await).await
}

pub async fn cards(id: &ChargerId) -> Result<Vec<RfidCard>, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/cards")).await).await
}

pub async fn add_card(id: &ChargerId, request: &CardRequest) -> Result<RfidCard, ApiError> {
    json(post(&format!("/api/chargers/{id}/cards")).await, request).await
}

pub async fn change_card(id: &ChargerId, card: i64, request: &CardRequest) -> Result<RfidCard, ApiError> {
    json(put(&format!("/api/chargers/{id}/cards/{card}")).await, request).await
}

pub async fn delete_card(id: &ChargerId, card: i64) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/chargers/{id}/cards/{card}")).await).await
}
