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
