//! Timers, dynamic power control, the tariff and market prices.

use charge_model::charger::ChargerId;
use charge_model::dynamic_power::DynamicPower;
use charge_model::habits::Habits;
use charge_model::plan::{ChargingPlan, PlanGoal};
use charge_model::prices::PricePoint;
use charge_model::tariff::{Market, Tariff};
use charge_model::timers::Timers;

use super::{ApiError, delete, fetch, fetch_empty, found, get, json, put};

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

/// The charger's "ready by" plan as it stands; `None` when it has none.
pub async fn plan(id: &ChargerId) -> Result<Option<ChargingPlan>, ApiError> {
    found(fetch(get(&format!("/api/chargers/{id}/plan")).await).await)
}

pub async fn save_plan(id: &ChargerId, goal: &PlanGoal) -> Result<ChargingPlan, ApiError> {
    json(put(&format!("/api/chargers/{id}/plan")).await, goal).await
}

/// The plans the charger's history proposes (its habits by weekdays and weekends).
pub async fn habits(id: &ChargerId) -> Result<Habits, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/plan/habits")).await).await
}

pub async fn delete_plan(id: &ChargerId) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/chargers/{id}/plan")).await).await
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
