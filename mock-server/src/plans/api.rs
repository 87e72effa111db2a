//! `GET`/`PUT`/`DELETE /api/chargers/{id}/plan`: a charger's "ready by" plan.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::charger::Role;
use charge_model::habits::{self, Habits};
use charge_model::plan::{ChargingPlan, PlanGoal};
use charge_model::{ErrorBody, Reason};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Stored;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::chargers::access;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(plan, save_plan, delete_plan)).routes(routes!(habits))
}

/// The charger's plan as it stands now: the quarter-hours chosen with their energy and
/// price, the expected cost beside the cost of charging at once, or why it cannot be met.
#[utoipa::path(get, path = "/api/chargers/{id}/plan", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = ChargingPlan), (status = 404, description = "No such charger, or no plan", body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<ChargingPlan>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    let status = state.links.status(&access.charger);
    let now = state.clock.unix();
    let answer = state
        .db
        .run(move |conn| {
            let stored =
                super::load(conn, &access.charger)?.ok_or(ApiError::NotFound(Reason::NoSuchResource))?;
            Ok(super::compute(conn, &access.charger, &stored, status.as_ref(), now)?.0)
        })
        .await?;
    Ok(ApiJson(answer))
}

/// Sets the charger's plan: ready by a departure (once, within 7 days, or every chosen
/// weekday at a local time) with 1 Wh to 200 kWh. The charger follows it from now: paused
/// outside the chosen quarter-hours, charging inside them. A plan that cannot be met is kept
/// (the charger then charges at once) and its answer says why.
#[utoipa::path(put, path = "/api/chargers/{id}/plan", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = PlanGoal,
    responses((status = 200, body = ChargingPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "Departure past or beyond 7 days, no weekday, energy 0 or above 200 kWh", body = ErrorBody)))]
pub async fn save_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(goal): ApiJson<PlanGoal>,
) -> ApiResult<ApiJson<ChargingPlan>> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let now = state.clock.unix();
    goal.validate(now).map_err(ApiError::Validation)?;
    let status = state.links.status(&access.charger);
    let stored = Stored::new(goal, now, super::session_wh(status.as_ref())).ok_or_else(|| {
        let mut errors = charge_model::FieldErrors::new();
        errors.add(
            "departure",
            charge_model::Problem::DepartureWindow { max_days: charge_model::plan::MAX_DEPARTURE_DAYS },
        );
        ApiError::Validation(errors)
    })?;
    let charger = access.charger.clone();
    state.db.run(move |conn| super::save(conn, &charger, &stored, now)).await?;
    // The charger starts following at once; if it cannot now (offline), it will next minute.
    if let Err(error) =
        super::follow_one(&state.db, &state.links, &state.notifier, &state.clock, &access.charger).await
    {
        tracing::info!(%error, charger = %access.charger, "a new plan is not followed yet");
    }
    let (charger, now) = (access.charger.clone(), state.clock.unix());
    let status = state.links.status(&charger);
    let answer = state
        .db
        .run(move |conn| {
            let stored = super::load(conn, &charger)?.ok_or(ApiError::NotFound(Reason::NoSuchResource))?;
            Ok(super::compute(conn, &charger, &stored, status.as_ref(), now)?.0)
        })
        .await?;
    Ok(ApiJson(answer))
}

/// Deletes the charger's plan; a charger it paused is resumed.
#[utoipa::path(delete, path = "/api/chargers/{id}/plan", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 204, description = "No plan any more"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let access = access::require(&state, &user, &id, Role::Editor).await?;
    let charger = access.charger.clone();
    let had = state.db.run(move |conn| super::delete(conn, &charger)).await?;
    if had && state.links.status(&access.charger).is_some_and(|live| live.online && live.paused) {
        let charger = access.charger.clone();
        let persist = move |conn: &mut rusqlite::Connection| {
            crate::chargers::store::set_flags(conn, &charger, crate::chargers::store::Flag::Paused, false)
        };
        // The plan is gone either way; a charger that cannot be resumed now is resumed by hand.
        let resumed = state
            .links
            .apply(&state.db, &access.charger, crate::link::Command::Pause(false), None, persist)
            .await;
        if let Err(error) = resumed {
            tracing::info!(%error, charger = %access.charger, "a charger paused by its deleted plan was not resumed");
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The plans the charger's own history proposes: the charges that ended in the last 8 weeks,
/// split into weekdays and weekends by the day they ended; for a group of at least 5, the
/// median plug-in time, unplug (departure) time and energy. Accepting one is a `PUT` of the
/// repeating goal it gives (departure on the group's days, the median energy). A charger
/// shared with the user counts from when it was shared.
#[utoipa::path(get, path = "/api/chargers/{id}/plan/habits", tag = "schedule",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = Habits), (status = 404, body = ErrorBody)))]
pub async fn habits(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Habits>> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    let now = state.clock.unix();
    let since = now - i64::from(habits::WINDOW_DAYS) * 86_400;
    let charges = state
        .db
        .run(move |conn| {
            // As in the history: a charger shared with the user counts from when it was shared.
            let shared_since = crate::statistics::visible(conn, access.user_id)?
                .into_iter()
                .find(|visible| visible.id == access.charger.as_str())
                .map_or(0, |visible| visible.since);
            let mut charges = crate::charges::store::past_charges(conn, &access.charger, since)?;
            charges.retain(|charge| charge.plugged_in >= shared_since);
            Ok(charges)
        })
        .await?;
    Ok(ApiJson(habits::habits(&charges, now)))
}
