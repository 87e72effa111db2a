//! Timers, dynamic power control, the tariff, recorded charges and market prices.

use charge_model::charger::ChargerId;
use charge_model::dynamic_power::DynamicPower;
use charge_model::prices::PricePoint;
use charge_model::sessions::{HistoryPage, SessionRecord};
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

/// The latest finished charges of a charger, newest first, with their cost.
pub async fn sessions(id: &ChargerId, limit: u32) -> Result<Vec<SessionRecord>, ApiError> {
    let page: HistoryPage = fetch(get(&format!("/api/sessions?charger={id}&per_page={limit}")).await).await?;
    Ok(page.rows.into_iter().map(|row| row.session).collect())
}

/// Market prices of `days` local days from `from` (`YYYY-MM-DD`), estimated where unknown.
pub async fn prices(market: Market, from: &str, days: u32) -> Result<Vec<PricePoint>, ApiError> {
    fetch(get(&format!("/api/prices?market={}&from={from}&days={days}", market.tag())).await).await
}

/// Filters, order and page of the charge history (`GET /api/sessions`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryQuery {
    pub charger: String,
    pub rfid: String,
    /// `YYYY-MM-DD`, or empty.
    pub from: String,
    pub to: String,
    /// `started_at`, `duration`, `energy` or `cost`.
    pub sort: &'static str,
    pub ascending: bool,
    pub page: u32,
}

impl HistoryQuery {
    /// The query string (without `?`), with the language for the CSV's headers.
    pub fn to_query(&self, language: charge_model::Language) -> String {
        let mut parts = vec![
            format!("sort={}", if self.sort.is_empty() { "started_at" } else { self.sort }),
            format!("order={}", if self.ascending { "asc" } else { "desc" }),
            format!("page={}", self.page.max(1)),
            "per_page=20".to_owned(),
            format!("lang={}", language.tag()),
        ];
        for (name, value) in
            [("charger", &self.charger), ("rfid", &self.rfid), ("from", &self.from), ("to", &self.to)]
        {
            if !value.trim().is_empty() {
                parts.push(format!("{name}={}", crate::nav::encode(value.trim())));
            }
        }
        parts.join("&")
    }
}

pub async fn history(
    query: &HistoryQuery,
    language: charge_model::Language,
) -> Result<HistoryPage, ApiError> {
    fetch(get(&format!("/api/sessions?{}", query.to_query(language))).await).await
}

/// Where the CSV of the same charges is downloaded from.
pub async fn history_csv_url(query: &HistoryQuery, language: charge_model::Language) -> String {
    super::url(&format!("/api/sessions.csv?{}", query.to_query(language))).await
}
