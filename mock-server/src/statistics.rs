//! Statistics of the charges a user can see: totals over a period of Madrid days, by day,
//! week or month, per charger. Energy and cost come from each charge's stored quarter-hours,
//! so a charge across midnight counts on both days, and costs add up exactly before one
//! rounding per figure. A charger shared with the user counts only from when it was shared.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use charge_model::charger::Role;
use charge_model::sessions::{PricedSlice, Totals};
use charge_model::statistics::{Bucket, BucketSize, ChargerTotals, MAX_DAYS, PlanSavings, Statistics};
use charge_model::tariff::round_pico_to_cents;
use charge_model::{ErrorBody, FieldErrors, Problem, madrid};
use chrono::{DateTime, Duration, NaiveDate};
use rusqlite::{Connection, params};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::chargers::access;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(statistics))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// First day, `YYYY-MM-DD` (Madrid).
    #[param(required = true, format = Date)]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[param(required = true, format = Date)]
    pub to: Option<String>,
    /// `day`, `week` or `month` (default `day`).
    #[param(value_type = Option<charge_model::statistics::BucketSize>, inline)]
    pub bucket: Option<String>,
    /// One charger's ID; all the user can see without it.
    pub charger: Option<String>,
}

#[utoipa::path(get, path = "/api/statistics", tag = "statistics", params(StatisticsQuery),
    responses((status = 200, body = Statistics), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn statistics(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<StatisticsQuery>,
) -> ApiResult<ApiJson<Statistics>> {
    let mut errors = FieldErrors::new();
    let date =
        |text: &Option<String>| text.as_deref().and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
    let (from, to) = (date(&query.from), date(&query.to));
    if from.is_none() {
        errors.add("from", Problem::InvalidDate);
    }
    if to.is_none() {
        errors.add("to", Problem::InvalidDate);
    }
    let from = from.and_then(|day| errors.check("from", madrid::check_day(day)));
    let to = to.and_then(|day| errors.check("to", madrid::check_day(day)));
    if let (Some(from), Some(to)) = (from, to)
        && !(0..MAX_DAYS).contains(&(to - from).num_days())
    {
        errors.add("to", Problem::PeriodTooLong { max_days: MAX_DAYS as u32 });
    }
    let bucket = BucketSize::from_tag(query.bucket.as_deref().unwrap_or("day"));
    if bucket.is_none() {
        errors.add("bucket", Problem::NotOneOf("day, week, month".to_owned()));
    }
    errors.into_result().map_err(ApiError::Validation)?;
    let (from, to, bucket) =
        (from.unwrap_or_default(), to.unwrap_or_default(), bucket.unwrap_or(BucketSize::Day));
    if let Some(charger) = &query.charger {
        access::require(&state, &user, charger, Role::Viewer).await?;
    }
    let (user_id, only) = (user.id, query.charger.clone());
    Ok(ApiJson(state.db.run(move |conn| compute(conn, user_id, only.as_deref(), from, to, bucket)).await?))
}

/// A charger the user sees, since when (unix s) its charges count for them, and their role.
pub(crate) struct Visible {
    pub id: String,
    pub name: String,
    pub since: i64,
    pub role: Role,
}

pub(crate) fn visible(conn: &Connection, user_id: i64) -> ApiResult<Vec<Visible>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, settings, 0, 'owner' FROM chargers WHERE owner_id = ?1
         UNION ALL
         SELECT c.id, c.settings, s.shared_at, s.role FROM shares s JOIN chargers c ON c.id = s.charger_id WHERE s.user_id = ?1",
    )?;
    let rows = statement.query_map([user_id], |row| {
        let settings: Option<String> = row.get(1)?;
        let name = crate::chargers::store::settings_of(settings).name;
        // The least role if the stored one is unknown: it shows the least.
        let role = Role::from_tag(&row.get::<_, String>(3)?).unwrap_or(Role::Viewer);
        Ok(Visible { id: row.get(0)?, name, since: row.get(2)?, role })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Sums before rounding: mWh, seconds, pico-euros, sessions.
#[derive(Default, Clone, Copy)]
struct Sums {
    mwh: i64,
    seconds: i64,
    pico: i128,
    sessions: i64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.mwh += other.mwh;
        self.seconds += other.seconds;
        self.pico += other.pico;
        self.sessions += other.sessions;
    }

    fn totals(self) -> Totals {
        Totals {
            energy_wh: (self.mwh + 500).div_euclid(1000),
            charging_seconds: self.seconds,
            cost_cents: round_pico_to_cents(self.pico),
            sessions: self.sessions,
        }
    }
}

pub fn compute(
    conn: &Connection,
    user_id: i64,
    only: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    bucket: BucketSize,
) -> ApiResult<Statistics> {
    let chargers: Vec<Visible> =
        visible(conn, user_id)?.into_iter().filter(|c| only.is_none_or(|id| id == c.id)).collect();
    let (start, end) =
        (madrid::day_start(from).timestamp(), madrid::day_start(to + Duration::days(1)).timestamp());
    // Bucket starts of the period, in order, so that empty ones are shown too.
    let mut starts = Vec::new();
    let mut day = bucket.start_of(from);
    while day <= to {
        starts.push(day);
        day = bucket.next(day);
    }
    let mut sums: HashMap<(NaiveDate, usize), Sums> = HashMap::new();
    let bucket_of = |unix: i64| {
        DateTime::from_timestamp(unix, 0).map(|at| bucket.start_of(madrid::local(at).date())).unwrap_or(from)
    };
    let mut statement = conn.prepare_cached(
        "SELECT started_at, ended_at, quarters FROM charge_sessions
         WHERE charger_id = ?1 AND started_at >= ?2 AND ended_at > ?3 AND started_at < ?4",
    )?;
    for (index, charger) in chargers.iter().enumerate() {
        let rows = statement.query_map(params![charger.id, charger.since, start, end], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (started, ended, quarters) = row?;
            if (start..end).contains(&started) {
                sums.entry((bucket_of(started), index)).or_default().sessions += 1;
            }
            let slices: Vec<PricedSlice> = serde_json::from_str(&quarters).unwrap_or_default();
            for slice in slices.iter().filter(|s| (start..end).contains(&s.start)) {
                let seconds = if slice.energy_mwh > 0 {
                    (slice.start + 900).min(ended) - slice.start.max(started)
                } else {
                    0
                };
                let entry = sums.entry((bucket_of(slice.start), index)).or_default();
                entry.add(Sums {
                    mwh: slice.energy_mwh,
                    seconds: seconds.max(0),
                    pico: i128::from(slice.cost_pico),
                    sessions: 0,
                });
            }
        }
    }
    let plans = plan_savings(conn, &chargers, start, end)?;
    let mut per_charger = vec![Sums::default(); chargers.len()];
    let mut total = Sums::default();
    let buckets = starts
        .into_iter()
        .map(|bucket_start| {
            let mut bucket_sums = Sums::default();
            let mut by_charger = BTreeMap::new();
            for (index, charger) in chargers.iter().enumerate() {
                if let Some(found) = sums.get(&(bucket_start, index)) {
                    bucket_sums.add(*found);
                    per_charger[index].add(*found);
                    by_charger.insert(charger.id.clone(), found.totals());
                }
            }
            total.add(bucket_sums);
            Bucket { start: bucket_start, totals: bucket_sums.totals(), by_charger }
        })
        .collect();
    Ok(Statistics {
        from,
        to,
        bucket,
        totals: total.totals(),
        chargers: chargers
            .iter()
            .zip(per_charger)
            .map(|(c, sums)| ChargerTotals { id: c.id.clone(), name: c.name.clone(), totals: sums.totals() })
            .collect(),
        buckets,
        plans,
    })
}

/// What plans saved on the charges that started in `[start, end)` (see [`PlanSavings`]), and
/// whether one of the chargers has a plan now.
fn plan_savings(conn: &Connection, chargers: &[Visible], start: i64, end: i64) -> ApiResult<PlanSavings> {
    let mut statement = conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(cost_cents), 0), COALESCE(SUM(at_once_cents), 0) FROM charge_sessions
         WHERE charger_id = ?1 AND started_at >= ?2 AND started_at >= ?3 AND started_at < ?4
           AND at_once_cents IS NOT NULL",
    )?;
    let mut savings = PlanSavings::default();
    for charger in chargers {
        let (charges, cost, at_once): (i64, i64, i64) = statement
            .query_row(params![charger.id, charger.since, start, end], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        savings.charges += charges;
        savings.cost_cents += cost;
        savings.at_once_cents += at_once;
    }
    savings.saved_cents = savings.at_once_cents - savings.cost_cents;
    let ids: Vec<&str> = chargers.iter().map(|charger| charger.id.as_str()).collect();
    savings.active = crate::plans::any_plan(conn, &ids)?;
    Ok(savings)
}
