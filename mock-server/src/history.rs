//! The history of charges a user can see: filtered, sorted and paged; one charge's detail;
//! and a CSV export with headers in the user's language (for claiming costs back).

use std::borrow::Cow;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use charge_model::charger::{card_code_shown, masked_card_code};
use charge_model::sessions::{HistoryPage, HistoryRow, PricedSlice, SessionDetail, SessionRecord};
use charge_model::tariff::{Cost, Tariff};
use charge_model::{ErrorBody, FieldErrors, Language, Problem, madrid};
use chrono::{DateTime, Duration, NaiveDate};
use rusqlite::{Connection, params_from_iter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::statistics::{Visible, visible};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history)).routes(routes!(detail)).routes(routes!(export))
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// One charger's ID.
    pub charger: Option<String>,
    /// One RFID card's code.
    pub rfid: Option<String>,
    /// First day, `YYYY-MM-DD` (Madrid), of the charge's start.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `started_at` (default), `duration`, `energy` or `cost`.
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// 1 to 200 (25 by default).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// CSV headers' language: `en` or `es` (the export only).
    pub lang: Option<String>,
}

/// The filters, checked.
struct Filters {
    charger: Option<String>,
    rfid: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    order_by: &'static str,
    page: u32,
    per_page: u32,
}

impl HistoryQuery {
    fn check(&self) -> Result<Filters, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |field: &str, text: &Option<String>, after: i64| {
            text.as_deref().filter(|t| !t.is_empty()).and_then(|t| {
                match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                    Ok(date) => errors
                        .check(field, madrid::check_day(date))
                        .map(|date| madrid::day_start(date + Duration::days(after)).timestamp()),
                    Err(_) => {
                        errors.add(field, Problem::InvalidDate);
                        None
                    }
                }
            })
        };
        let (from, to) = (day("from", &self.from, 0), day("to", &self.to, 1));
        let column = match self.sort.as_deref().unwrap_or("started_at") {
            "started_at" => Some("s.started_at"),
            "duration" => Some("(s.ended_at - s.started_at)"),
            "energy" => Some("s.energy_wh"),
            "cost" => Some("s.cost_cents"),
            _ => None,
        };
        if column.is_none() {
            errors.add("sort", Problem::NotOneOf("started_at, duration, energy, cost".to_owned()));
        }
        let descending = match self.order.as_deref().unwrap_or("desc") {
            "desc" => true,
            "asc" => false,
            _ => {
                errors.add("order", Problem::NotOneOf("asc, desc".to_owned()));
                true
            }
        };
        let per_page = self.per_page.unwrap_or(25);
        if !(1..=200).contains(&per_page) {
            errors.add("per_page", Problem::OutOfRange { min: 1.0, max: 200.0 });
        }
        if self.page == Some(0) {
            errors.add("page", Problem::OutOfRange { min: 1.0, max: f64::from(u32::MAX) });
        }
        errors.into_result()?;
        let order_by = match (column.unwrap_or("s.started_at"), descending) {
            ("s.started_at", true) => "s.started_at DESC, s.id DESC",
            ("s.started_at", false) => "s.started_at ASC, s.id ASC",
            ("(s.ended_at - s.started_at)", true) => "(s.ended_at - s.started_at) DESC, s.id DESC",
            ("(s.ended_at - s.started_at)", false) => "(s.ended_at - s.started_at) ASC, s.id ASC",
            ("s.energy_wh", true) => "s.energy_wh DESC, s.id DESC",
            ("s.energy_wh", false) => "s.energy_wh ASC, s.id ASC",
            (_, true) => "s.cost_cents DESC, s.id DESC",
            (_, false) => "s.cost_cents ASC, s.id ASC",
        };
        Ok(Filters {
            charger: self.charger.clone().filter(|c| !c.is_empty()),
            rfid: self.rfid.clone().filter(|c| !c.is_empty()),
            from,
            to,
            order_by,
            page: self.page.unwrap_or(1),
            per_page,
        })
    }
}

const ROW: &str =
    "s.id, s.started_at, s.ended_at, s.energy_wh, s.cost_cents, s.cost_estimated, s.rfid, s.charger_id";

/// A WHERE clause, its values, and the chargers it covers.
type Condition = (String, Vec<rusqlite::types::Value>, Vec<Visible>);

/// The WHERE clause and its values: the user's visible chargers (shared ones since shared)
/// and the filters.
fn condition(conn: &Connection, user_id: i64, filters: &Filters) -> ApiResult<Condition> {
    use rusqlite::types::Value;
    let chargers: Vec<_> = visible(conn, user_id)?
        .into_iter()
        .filter(|c| filters.charger.as_deref().is_none_or(|id| id == c.id))
        .collect();
    let mut values = Vec::new();
    let visible_sql = if chargers.is_empty() {
        "0".to_owned()
    } else {
        chargers
            .iter()
            .map(|c| {
                values.push(Value::Text(c.id.clone()));
                values.push(Value::Integer(c.since));
                let mut sql = "(s.charger_id = ? AND s.started_at >= ?".to_owned();
                if let Some(rfid) = &filters.rfid {
                    if c.role.sees_card_codes() {
                        sql.push_str(" AND s.rfid = ?");
                        values.push(Value::Text(rfid.clone()));
                    } else {
                        // Matched as masked, like the viewer sees the codes: a guess tells no
                        // more than the mask shows.
                        let len = rfid.chars().count();
                        let shown = card_code_shown(len);
                        let tail: String = rfid.chars().skip(len - shown).collect();
                        sql.push_str(
                            " AND length(s.rfid) = ? AND substr(s.rfid, length(s.rfid) - ? + 1) = ?",
                        );
                        values.push(Value::Integer(len as i64));
                        values.push(Value::Integer(shown as i64));
                        values.push(Value::Text(tail));
                    }
                }
                sql.push(')');
                sql
            })
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut sql = format!("({visible_sql})");
    if let Some(from) = filters.from {
        sql.push_str(" AND s.started_at >= ?");
        values.push(Value::Integer(from));
    }
    if let Some(to) = filters.to {
        sql.push_str(" AND s.started_at < ?");
        values.push(Value::Integer(to));
    }
    Ok((sql, values, chargers))
}

/// A charge as the user sees it: with its charger's name, and the card code masked for viewers.
fn row(row: &rusqlite::Row<'_>, chargers: &[Visible]) -> rusqlite::Result<HistoryRow> {
    let charger_id: String = row.get(7)?;
    let charger = chargers.iter().find(|c| c.id == charger_id);
    let rfid: Option<String> = row.get(6)?;
    let sees_codes = charger.is_some_and(|c| c.role.sees_card_codes());
    Ok(HistoryRow {
        charger_id,
        charger_name: charger.map(|c| c.name.clone()).unwrap_or_default(),
        session: SessionRecord {
            id: row.get(0)?,
            started_at: row.get(1)?,
            ended_at: row.get(2)?,
            energy_wh: row.get(3)?,
            cost: Cost { cents: row.get(4)?, estimated: row.get(5)? },
            rfid: if sees_codes { rfid } else { rfid.as_deref().map(masked_card_code) },
        },
    })
}

fn page(conn: &Connection, user_id: i64, filters: &Filters, all: bool) -> ApiResult<HistoryPage> {
    let (condition, values, chargers) = condition(conn, user_id, filters)?;
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM charge_sessions s WHERE {condition}"),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let limit = if all {
        String::new()
    } else {
        format!(
            " LIMIT {} OFFSET {}",
            filters.per_page,
            u64::from(filters.page - 1) * u64::from(filters.per_page)
        )
    };
    let mut statement = conn.prepare(&format!(
        "SELECT {ROW} FROM charge_sessions s WHERE {condition} ORDER BY {}{limit}",
        filters.order_by
    ))?;
    let rows = statement
        .query_map(params_from_iter(values.iter()), |r| row(r, &chargers))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HistoryPage { total, page: filters.page, per_page: filters.per_page, rows })
}

/// The charges of the chargers the user can see, newest first unless sorted otherwise.
#[utoipa::path(get, path = "/api/sessions", tag = "statistics", params(HistoryQuery),
    responses((status = 200, body = HistoryPage), (status = 401, body = ErrorBody), (status = 404, description = "Not a charger of this user", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<ApiJson<HistoryPage>> {
    let filters = query.check().map_err(ApiError::Validation)?;
    if let Some(charger) = &filters.charger {
        // Someone else's charger does not exist for this user.
        crate::chargers::access::require(&state, &user, charger, charge_model::charger::Role::Viewer).await?;
    }
    Ok(ApiJson(state.db.run(move |conn| page(conn, user.id, &filters, false)).await?))
}

/// One charge: energy by hour and the price of each quarter-hour.
#[utoipa::path(get, path = "/api/sessions/{session}", tag = "statistics",
    params(("session" = i64, Path, description = "The charge")),
    responses((status = 200, body = SessionDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(session): ApiPath<i64>,
) -> ApiResult<ApiJson<SessionDetail>> {
    let found = state
        .db
        .run(move |conn| {
            let filters = HistoryQuery::default().check().map_err(ApiError::Validation)?;
            let (condition, mut values, chargers) = condition(conn, user.id, &filters)?;
            values.push(rusqlite::types::Value::Integer(session));
            let sql = format!("SELECT {ROW}, s.hourly, s.quarters, s.tariff FROM charge_sessions s WHERE ({condition}) AND s.id = ?");
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query(params_from_iter(values.iter()))?;
            let Some(r) = rows.next()? else { return Ok(None) };
            let hourly: Vec<(i64, f64)> = serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default();
            let quarters: Vec<PricedSlice> = serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default();
            let tariff: Option<Tariff> = r.get::<_, Option<String>>(10)?.and_then(|json| serde_json::from_str(&json).ok());
            let prices = quarters
                .iter()
                .filter(|q| q.energy_mwh > 0)
                .map(|q| (q.start, q.energy_mwh as f64 / 1000.0, (q.cost_pico as f64 / q.energy_mwh as f64).round() as i64))
                .collect();
            Ok(Some(SessionDetail { row: row(r, &chargers)?, hourly, prices, tariff }))
        })
        .await?;
    found.map(ApiJson).ok_or_else(|| ApiError::NotFound(charge_model::Reason::NoSuchCharge))
}

/// The filtered charges as CSV (all pages), headers in the user's language.
#[utoipa::path(get, path = "/api/sessions.csv", tag = "statistics", params(HistoryQuery),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = 401, body = ErrorBody), (status = 404, description = "Not a charger of this user", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<impl IntoResponse> {
    let language = query.lang.as_deref().and_then(Language::from_tag).unwrap_or_default();
    let filters = query.check().map_err(ApiError::Validation)?;
    if let Some(charger) = &filters.charger {
        // As in the history: someone else's charger does not exist for this user.
        crate::chargers::access::require(&state, &user, charger, charge_model::charger::Role::Viewer).await?;
    }
    let all = state.db.run(move |conn| page(conn, user.id, &filters, true)).await?;
    let body = csv(&all.rows, language);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"charges.csv\""),
        ],
        body,
    ))
}

/// A text cell that a spreadsheet shows as text: one starting like a formula (`=`, `+`, `-`,
/// `@`, tab or carriage return, the OWASP list) gets a leading `'`, so that a charger named
/// `=HYPERLINK(…)` is not a link. The numbers we write (duration, energy, cost) are not
/// passed through it: their only possible lead is a minus sign before digits, which
/// spreadsheets read as a negative number, and a `'` would turn it into text.
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Semicolon-separated (as spreadsheets in Spain expect), local times, decimals by language.
/// Text cells (names, card codes) are quoted and go through [`spreadsheet_text`], and so do
/// times, which only a charge stored far outside the supported years could make start with a sign.
pub fn csv(rows: &[HistoryRow], language: Language) -> String {
    let headers = match language {
        Language::En => [
            "Charger",
            "Start",
            "End",
            "Duration (min)",
            "Energy (kWh)",
            "Cost (€)",
            "Estimated",
            "RFID card",
        ],
        Language::Es => [
            "Cargador",
            "Inicio",
            "Fin",
            "Duración (min)",
            "Energía (kWh)",
            "Coste (€)",
            "Estimado",
            "Tarjeta RFID",
        ],
    };
    let decimal = |text: String| if language == Language::Es { text.replace('.', ",") } else { text };
    let quote = |text: &str| format!("\"{}\"", spreadsheet_text(text).replace('"', "\"\""));
    let local = |unix: i64| {
        DateTime::from_timestamp(unix, 0)
            .map(|at| spreadsheet_text(&madrid::local(at).format("%Y-%m-%d %H:%M").to_string()).into_owned())
            .unwrap_or_default()
    };
    let mut out = headers.join(";");
    out.push('\n');
    for row in rows {
        let s = &row.session;
        let cents = s.cost.cents;
        let yes_no = match (language, s.cost.estimated) {
            (Language::En, true) => "yes",
            (Language::En, false) => "no",
            (Language::Es, true) => "sí",
            (Language::Es, false) => "no",
        };
        let fields = [
            quote(&row.charger_name),
            local(s.started_at),
            local(s.ended_at),
            (s.ended_at.saturating_sub(s.started_at) / 60).to_string(),
            decimal(format!("{:.3}", s.energy_wh / 1000.0)),
            decimal(format!(
                "{}{}.{:02}",
                if cents < 0 { "-" } else { "" },
                cents.abs() / 100,
                cents.abs() % 100
            )),
            yes_no.to_owned(),
            quote(s.rfid.as_deref().unwrap_or("")),
        ];
        out.push_str(&fields.join(";"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_would_start_a_formula_is_prefixed_with_a_quote() {
        for (text, cell) in [
            ("=HYPERLINK(\"http://x.example\",\"Pay\")", "'=HYPERLINK(\"http://x.example\",\"Pay\")"),
            ("+1+1", "'+1+1"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(spreadsheet_text(text), cell, "{text:?}");
        }
        for text in ["Garage", "", "1+1", "A=B", "'quoted", "2025-11-01 20:00"] {
            assert!(matches!(spreadsheet_text(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
    }

    #[test]
    fn only_text_cells_are_neutralised_and_numbers_keep_their_sign() {
        let row = HistoryRow {
            charger_id: "NFGJKFHDQ7".to_owned(),
            charger_name: "=1+1".to_owned(),
            session: SessionRecord {
                id: 1,
                started_at: 1_761_951_600,
                ended_at: 1_761_955_200,
                energy_wh: 7_400.0,
                cost: Cost { cents: -74, estimated: false },
                rfid: Some("@A1".to_owned()),
            },
        };
        let text = csv(&[row], Language::En);
        assert_eq!(
            text.lines().nth(1),
            Some("\"'=1+1\";2025-11-01 00:00;2025-11-01 01:00;60;7.400;-0.74;no;\"'@A1\"")
        );
    }

    #[test]
    fn times_at_the_limits_of_chrono_are_written_without_panicking() {
        let (first, last) =
            (DateTime::<chrono::Utc>::MIN_UTC.timestamp(), DateTime::<chrono::Utc>::MAX_UTC.timestamp());
        let row = |started_at, ended_at| HistoryRow {
            charger_id: "NFGJKFHDQ7".to_owned(),
            charger_name: "Home".to_owned(),
            session: SessionRecord {
                id: 1,
                started_at,
                ended_at,
                energy_wh: 0.0,
                cost: Cost { cents: 0, estimated: false },
                rfid: None,
            },
        };
        let text =
            csv(&[row(last - 3600, last), row(first, first + 3600), row(i64::MIN, i64::MAX)], Language::Es);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("\"Home\";'+262"), "{}", lines[1]);
        assert!(lines[2].starts_with("\"Home\";'-262"), "{}", lines[2]);
    }
}
