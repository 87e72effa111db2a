//! What a charge costs under its charger's tariff, by the model's one cost function.

use charge_model::charger::ChargerId;
use charge_model::tariff::{EnergySlice, PricedCharge, Quote, Tariff};
use chrono::DateTime;
use rusqlite::Connection;

use crate::chargers::store::{self as chargers, JsonColumn};
use crate::error::ApiResult;
use crate::tariffs::store::PriceBook;

/// The energy of each quarter-hour as exact milliwatt-hours.
pub fn slices(quarters: &[(i64, f64)]) -> Vec<EnergySlice> {
    quarters
        .iter()
        .map(|&(start, wh)| EnergySlice { start, energy_mwh: (wh * 1000.0).round() as i64 })
        .collect()
}

/// What a charge of these quarter-hours costs under the charger's tariff now (market prices
/// from the database, estimated where missing). Returns the tariff too, to freeze it with
/// the cost.
pub fn price(
    conn: &Connection,
    charger: &ChargerId,
    quarters: &[(i64, f64)],
) -> ApiResult<(Tariff, PricedCharge)> {
    let tariff: Tariff = chargers::load_json(conn, charger, JsonColumn::Tariff)?;
    let slices = slices(quarters);
    let book = match (tariff.market(), slices.first(), slices.last()) {
        (Some(market), Some(first), Some(last)) => {
            let from = DateTime::from_timestamp(first.start, 0).unwrap_or_default();
            let to = DateTime::from_timestamp(last.start + 900, 0).unwrap_or_default();
            Some(PriceBook::load(conn, market, from, to)?)
        }
        _ => None,
    };
    // The model asks for market quotes only for a tariff that follows a market: then `book` is there.
    let priced = charge_model::tariff::price(&tariff, &slices, |at| match &book {
        Some(book) => book.quote(at),
        None => Quote { price: Default::default(), estimated: true },
    });
    Ok((tariff, priced))
}
