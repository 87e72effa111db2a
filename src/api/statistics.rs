//! Recorded charges and their statistics: a charger's latest charges, the history with its
//! filters and CSV, one charge's detail, and totals by day, week or month.

use charge_model::charger::ChargerId;
use charge_model::sessions::{HistoryPage, SessionDetail, SessionRecord};
use charge_model::statistics::{BucketSize, Statistics};
use chrono::NaiveDate;

use super::{ApiError, fetch, get};

/// The latest finished charges of a charger, newest first, with their cost.
pub async fn sessions(id: &ChargerId, limit: u32) -> Result<Vec<SessionRecord>, ApiError> {
    let page: HistoryPage = fetch(get(&format!("/api/sessions?charger={id}&per_page={limit}")).await).await?;
    Ok(page.rows.into_iter().map(|row| row.session).collect())
}

/// One charge with its energy by hour and the prices it was charged at.
pub async fn session_detail(id: i64) -> Result<SessionDetail, ApiError> {
    fetch(get(&format!("/api/sessions/{id}")).await).await
}

/// Totals of the days `from..=to`, by `bucket`, of one charger or of all the user sees.
pub async fn statistics(
    from: NaiveDate,
    to: NaiveDate,
    bucket: BucketSize,
    charger: Option<&ChargerId>,
) -> Result<Statistics, ApiError> {
    let only = charger.map(|id| format!("&charger={id}")).unwrap_or_default();
    fetch(get(&format!("/api/statistics?from={from}&to={to}&bucket={}{only}", bucket.tag())).await).await
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
