//! Development-only endpoints (on by default in the mock server; `--dev-endpoints false` removes them).

use axum::extract::{Query, State};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiJson, ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(outbox))
}

/// An email in the development outbox.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The action link in the body (confirmation, password reset).
    pub link: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Only emails to this address.
    pub to: Option<String>,
}

/// The emails sent, newest first (at most 100).
#[utoipa::path(get, path = "/api/dev/outbox", tag = "dev", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxMail>)))]
pub async fn outbox(
    State(state): State<AppState>,
    Query(query): Query<OutboxQuery>,
) -> ApiResult<ApiJson<Vec<OutboxMail>>> {
    let to = query.to.map(|to| to.trim().to_lowercase());
    let mails = state
        .db
        .run(move |conn| {
            let mut statement = conn.prepare(
                "SELECT id, recipient, subject, body, link, created_at FROM outbox
                 WHERE ?1 IS NULL OR recipient = ?1 ORDER BY id DESC LIMIT 100",
            )?;
            let rows = statement.query_map(params![to], |row| {
                Ok(OutboxMail {
                    id: row.get(0)?,
                    to: row.get(1)?,
                    subject: row.get(2)?,
                    body: row.get(3)?,
                    link: row.get(4)?,
                    created_at: row.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(ApiJson(mails))
}
