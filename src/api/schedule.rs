//! Timers, dynamic power control, the tariff and market prices.

use charge_model::charger::ChargerId;
use charge_model::dynamic_power::DynamicPower;
use charge_model::prices::PricePoint;
use charge_model::tariff::{Market, Tariff};
use charge_model::timers::Timers;

use super::{ApiError, fetch, get, json, put};

pub async fn timers(id: &ChargerId) -> Result<Timers, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/timers")).await).await
}

pub async fn save_timers(id: &ChargerId, timers: &Timers) -> Result<Timers, ApiError> {
    json(put(&format!("/api/chargers/{id}/timers")).await, timers).await
}

pub async fn dynamic_power(id: &ChargerId) -> Result<DynamicPower, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/dynamic-power")).await).await
}

pub async fn save_dynamic_power(id: &ChargerId, power: &DynamicPower) -> Result<DynamicPower, ApiError> {
    json(put(&format!("/api/chargers/{id}/dynamic-power")).await, power).await
}

pub async fn tariff(id: &ChargerId) -> Result<Tariff, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/tariff")).await).await
}

pub async fn save_tariff(id: &ChargerId, tariff: &Tariff) -> Result<Tariff, ApiError> {
    json(put(&format!("/api/chargers/{id}/tariff")).await, tariff).await
}

/// Market prices of `days` local days from `from` (`YYYY-MM-DD`), estimated where unknown.
pub async fn prices(market: Market, from: &str, days: u32) -> Result<Vec<PricePoint>, ApiError> {
    fetch(get(&format!("/api/prices?market={}&from={from}&days={days}", market.tag())).await).await
}
