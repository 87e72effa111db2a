//! Development-only endpoints (on by default in the mock server; `--dev-endpoints false` removes them).

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::account::Email;
use charge_model::charger::{ChargerId, ChargerModel};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::simulator::{Car, catalogue};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(outbox))
        .routes(routes!(unpaired_chargers))
        .routes(routes!(car))
        .routes(routes!(connection))
        .routes(routes!(past_charge))
}

/// A charger nobody has paired yet.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnpairedCharger {
    pub id: ChargerId,
    pub model: ChargerModel,
    /// The connector of a multi-socket unit (1 for single-socket models).
    pub connector: i64,
}

/// Some charger IDs nobody has paired, of every model, to try pairing.
#[utoipa::path(get, path = "/api/dev/chargers/unpaired", tag = "dev",
    responses((status = 200, body = Vec<UnpairedCharger>)))]
pub async fn unpaired_chargers(State(state): State<AppState>) -> ApiResult<ApiJson<Vec<UnpairedCharger>>> {
    let found = state.db.run(|conn| Ok(catalogue::unpaired(conn, 25)?)).await?;
    Ok(ApiJson(
        found.into_iter().map(|(id, model, connector)| UnpairedCharger { id, model, connector }).collect(),
    ))
}

/// Plugs a car in (`plugged: true`, with optional characteristics) or unplugs it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CarRequest {
    pub plugged: bool,
    /// Most current the car accepts per phase (A); default 32.
    pub max_current_a: Option<f64>,
    /// Phases the car charges on; default 1.
    pub phases: Option<u8>,
    /// Battery capacity (kWh); default 77.
    pub capacity_kwh: Option<f64>,
    /// State of charge when plugged in, 0 to 1; default 0.3.
    pub soc: Option<f64>,
    /// Where the car stops charging, 0 to 1; default 1.
    pub target_soc: Option<f64>,
    /// The RFID card that starts the charge; one not on the charger's list is notified as
    /// unknown. Default: one of its cards half of the time.
    #[serde(default)]
    pub card: Option<String>,
}

#[utoipa::path(post, path = "/api/dev/chargers/{id}/car", tag = "dev",
    params(("id" = String, Path, description = "A paired charger's ID")),
    request_body = CarRequest,
    responses((status = 204), (status = 404, body = charge_model::ErrorBody)))]
pub async fn car(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<CarRequest>,
) -> ApiResult<StatusCode> {
    let id = ChargerId::parse(&id).map_err(|_| crate::chargers::access::not_found())?;
    if request.plugged {
        let car = Car {
            max_current_a: request.max_current_a.unwrap_or(32.0).clamp(6.0, 80.0),
            phases: request.phases.unwrap_or(1).clamp(1, 3),
            capacity_wh: request.capacity_kwh.unwrap_or(77.0).clamp(1.0, 300.0) * 1000.0,
            soc: request.soc.unwrap_or(0.3).clamp(0.0, 1.0),
            target_soc: request.target_soc.unwrap_or(1.0).clamp(0.0, 1.0),
        };
        let card = request.card.map(|card| card.trim().to_ascii_uppercase()).filter(|card| !card.is_empty());
        if !state.simulator.plug_car_with(&id, Some(car), card.clone()) {
            return Err(crate::chargers::access::not_found());
        }
        if let Some(card) = card {
            let (charger, code) = (id.clone(), card.clone());
            let known = state
                .db
                .run(move |conn| Ok(crate::chargers::store::card_codes(conn, &charger)?.contains(&code)))
                .await?;
            if !known {
                let event = charge_model::notifications::NotificationEvent::UnknownCard { card };
                crate::notify::emit(&state.notifier, &id, event, crate::notify::Audience::Charger).await;
            }
        }
    } else if let Some(finished) = state.simulator.unplug_car(&id) {
        // Recorded now, or queued and retried if the database refuses: the car is gone either way.
        state.charges.finished(vec![finished]).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A finished charge to record as if it had happened (demos, tests of costs and statistics).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PastChargeRequest {
    /// Unix seconds, in the years 2000 to 2100 (Madrid).
    pub started_at: i64,
    pub minutes: u32,
    /// Constant charging power (W).
    pub power_w: f64,
    /// Unix seconds: the car was plugged in then (at most a day before `started_at`) and
    /// charged under a "ready by" plan. The charge is recorded from plug-in, with what charging
    /// at once from then would have cost (the statistics' "saved by plans").
    #[serde(default)]
    pub plugged_at: Option<i64>,
}

/// Records a finished charge of constant power, priced by the charger's current tariff.
#[utoipa::path(post, path = "/api/dev/chargers/{id}/sessions", tag = "dev",
    params(("id" = String, Path, description = "A paired charger's ID")),
    request_body = PastChargeRequest,
    responses((status = 204), (status = 404, body = charge_model::ErrorBody), (status = 422, body = charge_model::ErrorBody)))]
pub async fn past_charge(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<PastChargeRequest>,
) -> ApiResult<StatusCode> {
    let id = ChargerId::parse(&id).map_err(|_| crate::chargers::access::not_found())?;
    if state.simulator.status(&id).is_none() {
        return Err(crate::chargers::access::not_found());
    }
    let mut errors = charge_model::FieldErrors::new();
    errors.check("minutes", charge_model::validate::in_range(f64::from(request.minutes), 1.0, 48.0 * 60.0));
    errors.check("power_w", charge_model::validate::in_range(request.power_w, 0.0, 50_000.0));
    let started_at = errors.check("started_at", charge_model::madrid::check_instant(request.started_at));
    if let Some(plugged_at) = request.plugged_at
        && !(request.started_at - 86_400..=request.started_at).contains(&plugged_at)
    {
        errors.add("plugged_at", charge_model::Problem::Other("At most a day before started_at.".to_owned()));
    }
    errors.into_result().map_err(crate::error::ApiError::Validation)?;
    let started_at = started_at.unwrap_or_default();
    let finished = crate::simulator::physics::constant_charge(
        &id,
        started_at,
        i64::from(request.minutes),
        request.power_w,
    );
    let plugged_at = request.plugged_at.and_then(|at| chrono::DateTime::from_timestamp(at, 0));
    let finished = crate::simulator::FinishedSession {
        card: state.simulator.swipe(&id),
        started_at: plugged_at.unwrap_or(finished.started_at),
        ..finished
    };
    crate::charges::record_marked(&state.db, vec![(finished, plugged_at.is_some())]).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cuts or restores a charger's connection to the cloud.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConnectionRequest {
    pub online: bool,
}

#[utoipa::path(post, path = "/api/dev/chargers/{id}/connection", tag = "dev",
    params(("id" = String, Path, description = "A paired charger's ID")),
    request_body = ConnectionRequest,
    responses((status = 204), (status = 404, body = charge_model::ErrorBody)))]
pub async fn connection(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<ConnectionRequest>,
) -> ApiResult<StatusCode> {
    let id = ChargerId::parse(&id).map_err(|_| crate::chargers::access::not_found())?;
    state
        .simulator
        .update(&id, |c| c.connected = request.online)
        .ok_or_else(crate::chargers::access::not_found)?;
    Ok(StatusCode::NO_CONTENT)
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
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only emails to this address.
    pub to: Option<String>,
}

/// The emails sent, newest first (at most 100).
#[utoipa::path(get, path = "/api/dev/outbox", tag = "dev", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxMail>)))]
pub async fn outbox(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> ApiResult<ApiJson<Vec<OutboxMail>>> {
    let to = query.to.as_deref().map(Email::fold);
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
