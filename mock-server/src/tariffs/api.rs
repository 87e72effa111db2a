//! `GET /api/prices`: a market's prices for whole Madrid days, for the tariff page's chart.

use axum::extract::State;
use charge_model::prices::PricePoint;
use charge_model::tariff::Market;
use charge_model::{ErrorBody, FieldErrors, Problem, madrid};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::PriceBook;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};

/// How many days are served when the query does not say.
const DEFAULT_DAYS: i64 = 2;
/// The most days one request may ask for.
const MAX_DAYS: i64 = 7;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(prices))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PricesQuery {
    /// `omie` or `pvpc`.
    #[param(required = true, value_type = Option<Market>, inline)]
    pub market: Option<String>,
    /// The first day, `YYYY-MM-DD` (Madrid).
    #[param(required = true, format = Date)]
    pub from: Option<String>,
    /// How many days, 1 to 7 (2 by default).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 7)]
    pub days: Option<String>,
}

/// A market's prices over the Madrid days [from, from + days), with no gaps: the stored
/// periods as they are (15 or 60 minutes), and estimated periods where nothing is stored, by
/// the hour (shorter only to meet a stored period that starts within an hour). Estimates
/// follow [`PriceBook`]: the same local hour's average over the 7 days before, else a default.
#[utoipa::path(get, path = "/api/prices", tag = "prices", params(PricesQuery),
    responses((status = 200, body = Vec<PricePoint>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn prices(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(query): ApiQuery<PricesQuery>,
) -> ApiResult<ApiJson<Vec<PricePoint>>> {
    let (market, from, days) = read_query(&query).map_err(ApiError::Validation)?;
    let (start, end) = (madrid::day_start(from), madrid::day_start(from + Duration::days(days)));
    let book = state.db.run(move |conn| PriceBook::load(conn, market, start, end)).await?;
    Ok(ApiJson(points(&book, start, end)))
}

/// The market, first day and number of days asked for, or what is wrong with each.
fn read_query(query: &PricesQuery) -> Result<(Market, NaiveDate, i64), FieldErrors> {
    let mut errors = FieldErrors::new();
    let market = match query.market.as_deref().map(str::trim) {
        Some("omie") => Some(Market::Omie),
        Some("pvpc") => Some(Market::Pvpc),
        None | Some("") => {
            errors.add("market", Problem::Required);
            None
        }
        Some(_) => {
            errors.add("market", Problem::NotOneOf("omie, pvpc".to_owned()));
            None
        }
    };
    let from = match query.from.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add("from", Problem::Required);
            None
        }
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d").map(madrid::check_day) {
            Ok(Err(problem)) => {
                errors.add("from", problem);
                None
            }
            // Strictly `YYYY-MM-DD`, not `2025-1-26`.
            Ok(Ok(date)) if text.len() == 10 => Some(date),
            _ => {
                errors.add("from", Problem::InvalidDate);
                None
            }
        },
    };
    let days = match query.days.as_deref().map(str::trim) {
        None | Some("") => Some(DEFAULT_DAYS),
        Some(text) => text.parse::<i64>().ok().filter(|days| (1..=MAX_DAYS).contains(days)),
    };
    if days.is_none() {
        errors.add("days", Problem::OutOfRange { min: 1.0, max: MAX_DAYS as f64 });
    }
    errors.into_result()?;
    match (market, from, days) {
        (Some(market), Some(from), Some(days)) => Ok((market, from, days)),
        // Each missing value added an error above.
        _ => Err(FieldErrors::new()),
    }
}

/// Covers [start, end) back to back: stored periods as they are, estimates by the hour.
fn points(book: &PriceBook, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<PricePoint> {
    let mut points = Vec::new();
    let mut at = start;
    while at < end {
        let quote = book.quote(at);
        let next = match book.stored_at(at) {
            Some(period) => period.end(),
            None => {
                // Madrid's hours start with UTC's (whole-hour offsets).
                let seconds = at.timestamp();
                let next_hour = at + Duration::seconds(3600 - seconds.rem_euclid(3600));
                let next_stored = book.next_start_after(at).unwrap_or(next_hour);
                next_hour.min(next_stored).min(end)
            }
        };
        let minutes = u16::try_from((next - at).num_minutes()).unwrap_or(u16::MAX);
        points.push(PricePoint {
            start: at.timestamp(),
            minutes,
            price: quote.price,
            estimated: quote.estimated,
        });
        at = next;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariffs::MarketPrice;
    use crate::tariffs::test_support::utc;

    fn query(market: &str, from: &str, days: Option<&str>) -> PricesQuery {
        PricesQuery {
            market: Some(market.to_owned()),
            from: Some(from.to_owned()),
            days: days.map(str::to_owned),
        }
    }

    #[test]
    fn queries_are_read_strictly() {
        let day = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        assert_eq!(read_query(&query("omie", "2025-10-26", None)).ok(), Some((Market::Omie, day, 2)));
        assert_eq!(read_query(&query("pvpc", "2025-10-26", Some("7"))).ok(), Some((Market::Pvpc, day, 7)));
        for (bad, field) in [
            (query("omie", "2025-10-26", Some("0")), "days"),
            (query("omie", "2025-10-26", Some("8")), "days"),
            (query("omie", "2025-10-26", Some("-1")), "days"),
            (query("omie", "2025-1-26", None), "from"),
            (query("omie", "1900-01-01", None), "from"),
            (query("omie", "+262142-12-31", None), "from"),
            (query("omie", "", None), "from"),
            (query("OMIE", "2025-10-26", None), "market"),
            (query("", "2025-10-26", None), "market"),
        ] {
            let errors = read_query(&bad).unwrap_err();
            assert!(errors.get(field).is_some(), "{bad:?}");
        }
        for far in ["+262142-12-31", "-262143-01-01", "1999-12-31", "2101-01-01"] {
            let errors = read_query(&query("omie", far, None)).unwrap_err();
            assert_eq!(errors.get("from"), Some(&Problem::DateOutOfRange { min: 2000, max: 2100 }), "{far}");
        }
        let none = PricesQuery { market: None, from: None, days: Some("x".to_owned()) };
        let errors = read_query(&none).unwrap_err();
        assert_eq!(errors.get("market"), Some(&Problem::Required));
        assert_eq!(errors.get("from"), Some(&Problem::Required));
        assert!(errors.get("days").is_some());
    }

    #[test]
    fn estimates_fill_the_gaps_up_to_stored_periods_that_start_mid_hour() {
        // Two quarters stored from 10:15 UTC (11:15 local, winter).
        let stored =
            |start: &str, micros_per_kwh| MarketPrice { start: utc(start), minutes: 15, micros_per_kwh };
        let book = PriceBook::from_periods(
            Market::Omie,
            vec![stored("2025-11-17T10:15:00Z", 1_000), stored("2025-11-17T10:30:00Z", 2_000)],
        );
        let points = points(&book, utc("2025-11-17T09:00:00Z"), utc("2025-11-17T12:00:00Z"));
        let shape: Vec<(i64, u16, i64, bool)> =
            points.iter().map(|p| (p.start - points[0].start, p.minutes, p.price.0, p.estimated)).collect();
        assert_eq!(
            shape,
            [
                (0, 60, 90_000, true),
                (3600, 15, 90_000, true),
                (4500, 15, 1_000, false),
                (5400, 15, 2_000, false),
                (6300, 15, 90_000, true),
                (7200, 60, 90_000, true),
            ]
        );
    }
}
