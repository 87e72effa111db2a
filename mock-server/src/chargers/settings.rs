//! A charger's details and settings.

use axum::extract::State;
use charge_model::ErrorBody;
use charge_model::charger::{ChargerDetail, ChargerSettings, Role};

use super::{access, store, summary};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::link::Command;

/// Everything about a charger: summary with live status, settings, and the model's features.
#[utoipa::path(get, path = "/api/chargers/{id}", tag = "chargers",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = ChargerDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<ChargerDetail>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    Ok(ApiJson(load_detail(&state, access).await?))
}

async fn load_detail(state: &AppState, access: access::Access) -> ApiResult<ChargerDetail> {
    let id = access.charger.clone();
    let (listed, settings) = state
        .db
        .run(move |conn| Ok((store::listed_one(conn, access.user_id, &id)?, store::settings(conn, &id)?)))
        .await?;
    let status = state.links.status(&listed.id);
    let features = listed.model.features();
    let ocpp = state.links.ocpp().info(&listed.id, &state.config.ocpp_endpoint());
    let trydan = state.links.trydan().info(&listed.id);
    Ok(ChargerDetail { summary: summary(listed, status), settings, features, ocpp, trydan })
}

/// Replaces the settings (editors and owner). The charging current is brought inside new limits.
#[utoipa::path(put, path = "/api/chargers/{id}/settings", tag = "chargers",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = ChargerSettings,
    responses(
        (status = 200, body = ChargerDetail),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Invalid fields; nothing changed", body = ErrorBody),
    ))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(settings): ApiJson<ChargerSettings>,
) -> ApiResult<ApiJson<ChargerDetail>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let settings = settings.validate().map_err(ApiError::Validation)?;
    let charger = access.charger.clone();
    let (min, max, phases) = (settings.min_current_a, settings.max_current_a, settings.supply.phases());
    let stored = charger.clone();
    let before = state.db.run(move |conn| store::settings(conn, &stored)).await?;
    let live = state.links.status(&charger).map(|status| status.intensity_a);
    let current = live.unwrap_or(min).clamp(min, max);
    let persist = move |conn: &mut rusqlite::Connection| {
        let tx = conn.transaction()?;
        store::save_settings(&tx, &charger, &settings)?;
        store::set_intensity(&tx, &charger, current)?;
        tx.commit()?;
        Ok(())
    };
    let command = Command::Limits { min, max, phases, current };
    let undo = Command::Limits {
        min: before.min_current_a,
        max: before.max_current_a,
        phases: before.supply.phases(),
        current: live.unwrap_or(before.min_current_a),
    };
    state.links.apply(&state.db, &access.charger, command, Some(undo), persist).await?;
    Ok(ApiJson(load_detail(&state, access).await?))
}
