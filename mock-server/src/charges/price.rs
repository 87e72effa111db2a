//! What a charge costs under its charger's tariff, by the model's one cost function.

use charge_model::charger::ChargerId;
use charge_model::plan::{self, ChargerLimits};
use charge_model::tariff::{Cost, EnergySlice, PricedCharge, Quote, Tariff};
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
    let priced = price_slices(conn, &tariff, &slices(quarters))?;
    Ok((tariff, priced))
}

/// What the energy of these quarter-hours would have cost charging at once from `plugged_in`
/// ([`plan::at_once`]): at the most the charger allows now (its current limit, timers and
/// dynamic power, at 230 V), under the same tariff and prices. The phases are the charge's
/// own: three when a quarter took more than one phase can give.
pub fn at_once(
    conn: &Connection,
    charger: &ChargerId,
    plugged_in: i64,
    quarters: &[(i64, f64)],
) -> ApiResult<Cost> {
    let tariff: Tariff = chargers::load_json(conn, charger, JsonColumn::Tariff)?;
    let settings = chargers::settings(conn, charger)?;
    let timers = chargers::load_json(conn, charger, JsonColumn::Timers)?;
    let dynamic_power = chargers::load_json(conn, charger, JsonColumn::DynamicPower)?;
    let energy = slices(quarters);
    let peak_w = energy.iter().map(|slice| slice.energy_mwh as f64 * 3.6 / 900.0).fold(0.0, f64::max);
    let one_phase_w = f64::from(settings.max_current_a) * 230.0;
    let phases = if peak_w > one_phase_w * 1.05 { 3 } else { 1 };
    let limits = plan::quarter_limits(
        &ChargerLimits {
            settings: &settings,
            timers: &timers,
            dynamic_power: &dynamic_power,
            contracted_kw: None,
            volts: 230.0,
            phases,
            house_w: 0.0,
        },
        plugged_in,
        plugged_in + i64::from(plan::MAX_HORIZON_HOURS) * 3600,
    );
    let need = energy.iter().map(|slice| slice.energy_mwh).sum();
    Ok(price_slices(conn, &tariff, &plan::at_once(plugged_in, need, &limits))?.cost)
}

/// Prices energy slices under `tariff` with the stored market prices (estimated where missing).
fn price_slices(conn: &Connection, tariff: &Tariff, slices: &[EnergySlice]) -> ApiResult<PricedCharge> {
    let book = match (tariff.market(), slices.first(), slices.last()) {
        (Some(market), Some(first), Some(last)) => {
            let from = DateTime::from_timestamp(first.start, 0).unwrap_or_default();
            let to = DateTime::from_timestamp(last.start + 900, 0).unwrap_or_default();
            Some(PriceBook::load(conn, market, from, to)?)
        }
        _ => None,
    };
    // The model asks for market quotes only for a tariff that follows a market: then `book` is there.
    let priced = charge_model::tariff::price(tariff, slices, |at| match &book {
        Some(book) => book.quote(at),
        None => Quote { price: Default::default(), estimated: true },
    });
    Ok(priced)
}
