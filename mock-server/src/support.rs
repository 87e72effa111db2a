//! Support requests from the help page: emailed to the configured support address with the
//! user's account and the chosen charger's details, with a copy to the user in their language.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::ErrorBody;
use charge_model::charger::{ChargerId, ChargerModel};
use charge_model::support::SupportRequest;
use rusqlite::params;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::accounts::store;
use crate::auth::CurrentUser;
use crate::auth::throttle::{self, Bucket, Limit};
use crate::chargers::access;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::link::Kind;
use crate::mail;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send))
}

/// Support requests one account may send in an hour.
pub const REQUESTS_PER_ACCOUNT: Limit = Limit::per_hour(5);

/// Sends a support request: by email to the support address, with the account and the chosen
/// charger's details (ID, model, firmware, online, link), and a copy to the user.
#[utoipa::path(post, path = "/api/support", tag = "support",
    request_body = SupportRequest,
    responses(
        (status = 204, description = "Sent to the support team, and a copy to the user"),
        (status = 404, description = "The charger is not one of this user's", body = ErrorBody),
        (status = 422, description = "Invalid subject, message or charger ID", body = ErrorBody),
        (status = 429, description = "Too many support requests in an hour; see Retry-After", body = ErrorBody),
    ))]
pub async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<SupportRequest>,
) -> ApiResult<StatusCode> {
    let request = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let limit = [Bucket { key: format!("support:{}", user.id), limit: REQUESTS_PER_ACCOUNT }];
    let chosen = request.charger.clone();
    let (account, stored) = state
        .db
        .run(move |conn| {
            let stored = chosen.map(|id| stored_charger(conn, user.id, id)).transpose()?;
            // Counted once the request is sure to be sent: a refused one costs nothing.
            throttle::take(conn, &limit, now)?;
            Ok((store::account(conn, user.id)?, stored))
        })
        .await?;
    let charger = stored.map(|stored| charger_details(&state, stored));
    let details = mail::SupportDetails {
        subject: request.subject,
        message: request.message,
        account_id: account.id,
        email: account.email,
        name: account.profile.name,
        language: account.profile.language,
        charger,
    };
    let to_support = mail::support_request(&state.config.support_email, &details);
    state.mailer.send_to_support(&state.db, &state.clock, to_support).await?;
    let copy = mail::support_copy(&details);
    state.mailer.send(&state.db, &state.clock, copy).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the database knows of a charger the user has access to.
struct StoredCharger {
    id: ChargerId,
    role: charge_model::charger::Role,
    model: ChargerModel,
    name: String,
    firmware: String,
    link: Kind,
}

/// The charger `id` if the user has any role on it; 404 otherwise (someone else's charger
/// is not revealed).
fn stored_charger(conn: &rusqlite::Connection, user_id: i64, id: ChargerId) -> ApiResult<StoredCharger> {
    let role = access::role_of(conn, user_id, &id)?.ok_or_else(access::not_found)?;
    let (model, firmware, link, settings): (String, String, String, Option<String>) = conn.query_row(
        "SELECT model, firmware, link, settings FROM chargers WHERE id = ?1",
        params![id.as_str()],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    Ok(StoredCharger {
        id,
        role,
        model: ChargerModel::from_tag(&model).unwrap_or(ChargerModel::Trydan),
        name: crate::chargers::store::settings_of(settings).name,
        firmware,
        link: Kind::from_tag(&link).unwrap_or(Kind::Simulated),
    })
}

/// The stored charger with what its link knows now.
fn charger_details(state: &AppState, stored: StoredCharger) -> mail::SupportCharger {
    let status = state.links.status(&stored.id);
    let online = status.as_ref().is_some_and(|s| s.online);
    let firmware = status.map(|s| s.firmware).filter(|f| !f.is_empty()).unwrap_or(stored.firmware);
    let link = match stored.link {
        Kind::Simulated => "simulated (the mock server's simulator)".to_owned(),
        Kind::Ocpp => match state.links.ocpp().info(&stored.id, &state.config.ocpp_endpoint()) {
            Some(info) => format!(
                "OCPP 1.6J, charge point {} connector {}, {}{}",
                info.charge_point_id,
                info.connector,
                if info.connected { "connected" } else { "not connected" },
                match (&info.vendor, &info.model) {
                    (Some(vendor), Some(model)) => format!(", reported {vendor} {model}"),
                    _ => String::new(),
                }
            ),
            None => "OCPP 1.6J".to_owned(),
        },
        Kind::Trydan => match state.links.trydan().info(&stored.id) {
            Some(info) => format!(
                "Trydan local API at {}, {}",
                info.address,
                if info.connected { "answering" } else { "not answering" }
            ),
            None => "Trydan local API".to_owned(),
        },
    };
    mail::SupportCharger {
        id: stored.id.to_string(),
        name: stored.name,
        model: stored.model.name(),
        firmware,
        online,
        link,
        role: stored.role.tag(),
    }
}
