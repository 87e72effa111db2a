//! `GET /api/prices`: a market's prices for whole Madrid days, for the tariff page's chart.

use axum::extract::State;
use charge_model::prices::PricePoint;
use charge_model::tariff::{Market, Price};
use charge_model::{ErrorBody, FieldErrors, Problem, madrid};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::PriceBook;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(prices))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PricesQuery {
    /// `omie` or `pvpc`.
    pub market: Option<String>,
    /// The first day, `YYYY-MM-DD` (Madrid).
    pub from: Option<String>,
    /// How many days, 1 to 7 (2 by default).
    pub days: Option<String>,
}

/// A market's prices over whole local days with no gaps: the stored periods as they are
/// (15 or 60 minutes), and estimated hours where nothing is stored.
#[utoipa::path(get, path = "/api/prices", tag = "prices", params(PricesQuery),
    responses((status = 200, body = Vec<PricePoint>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn prices(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(query): ApiQuery<PricesQuery>,
) -> ApiResult<ApiJson<Vec<PricePoint>>> {
    let mut errors = FieldErrors::new();
    let market = match query.market.as_deref() {
        Some("omie") => Some(Market::Omie),
        Some("pvpc") => Some(Market::Pvpc),
        _ => {
            errors.add("market", Problem::Other("Choose the market: omie or pvpc.".to_owned()));
            None
        }
    };
    let from = query.from.as_deref().and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok());
    if from.is_none() {
        errors.add("from", Problem::Other("Give the first day as YYYY-MM-DD.".to_owned()));
    }
    let days = match query.days.as_deref() {
        None => Some(2),
        Some(text) => text.parse::<i64>().ok().filter(|d| (1..=7).contains(d)),
    };
    if days.is_none() {
        errors.add("days", Problem::OutOfRange { min: 1.0, max: 7.0 });
    }
    errors.into_result().map_err(ApiError::Validation)?;
    let (market, from, days) = (market.unwrap_or(Market::Omie), from.unwrap_or_default(), days.unwrap_or(2));
    let (start, end) = (madrid::day_start(from), madrid::day_start(from + Duration::days(days)));
    let book = state.db.run(move |conn| PriceBook::load(conn, market, start, end)).await?;
    let mut points = Vec::new();
    let mut at = start;
    while at < end {
        let quote = book.quote(at);
        // Stored periods keep their length; estimates are by the hour.
        let minutes = if quote.estimated { 60 } else { book.period_minutes(at).unwrap_or(60) };
        points.push(PricePoint {
            start: at.timestamp(),
            minutes,
            price: Price(quote.price.0),
            estimated: quote.estimated,
        });
        at += Duration::minutes(i64::from(minutes));
    }
    Ok(ApiJson(points))
}
