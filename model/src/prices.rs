//! Market prices as the portal charts them (`GET /api/prices`).

use serde::{Deserialize, Serialize};

use crate::tariff::Price;

/// One period of a market's prices, stored or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricePoint {
    /// Unix seconds.
    pub start: i64,
    /// 15 or 60.
    pub minutes: u16,
    pub price: Price,
    /// No published price covers it: an estimate.
    pub estimated: bool,
}
