//! Finished charges, as the charger page and the statistics list them.

use serde::{Deserialize, Serialize};

use crate::tariff::Cost;

/// A finished charge with its cost, frozen when it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    pub id: i64,
    /// Unix seconds.
    pub started_at: i64,
    pub ended_at: i64,
    pub energy_wh: f64,
    pub cost: Cost,
    /// The RFID card or e-Key that started it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfid: Option<String>,
}

/// A quarter-hour of a recorded charge: its energy and exact cost, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedSlice {
    /// Unix seconds, on a quarter-hour.
    pub start: i64,
    pub energy_mwh: i64,
    /// Pico-euros (10⁻¹² €).
    pub cost_pico: i64,
}

/// Totals of charges: what statistics show for a period, a bucket or a charger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub energy_wh: i64,
    /// Seconds with the car charging.
    pub charging_seconds: i64,
    pub cost_cents: i64,
    pub sessions: i64,
}

/// A charge in the history, with its charger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryRow {
    pub charger_id: String,
    pub charger_name: String,
    #[serde(flatten)]
    pub session: SessionRecord,
}

/// `GET /api/sessions`: one page of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    /// Charges matching the filters, all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub rows: Vec<HistoryRow>,
}

/// `GET /api/sessions/{id}`: a charge's energy by hour and the prices it was charged at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDetail {
    #[serde(flatten)]
    pub row: HistoryRow,
    /// `(hour start, Wh)`.
    pub hourly: Vec<(i64, f64)>,
    /// Each quarter-hour with energy: its start, Wh and the price applied (µ€/kWh).
    pub prices: Vec<(i64, f64, i64)>,
    /// The tariff it was priced with, as it was then.
    pub tariff: Option<crate::tariff::Tariff>,
}
