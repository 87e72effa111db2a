//! Sharing a charger: the owner shares it by email as viewer or editor, changes roles,
//! removes people; an address without an account gets an invitation that becomes a share
//! when it registers and confirms. A shared user can leave. Every change reaches the
//! affected user's open live stream at once.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::account::Email;
use charge_model::charger::{ChargerId, Role};
use charge_model::sharing::{Invitation, RoleRequest, Share, ShareRequest, Sharing};
use charge_model::{ErrorBody, FieldErrors, Language, Problem};
use rusqlite::{Connection, OptionalExtension as _, params};

use super::access;
use crate::AppState;
use crate::accounts::store::language_from_db;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::mail;

/// The people a charger is shared with, and the pending invitations (owner only).
#[utoipa::path(get, path = "/api/chargers/{id}/shares", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID")),
    responses((status = 200, body = Sharing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Sharing>> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    Ok(ApiJson(state.db.run(move |conn| sharing_of(conn, &access.charger)).await?))
}

/// Shares the charger with an address: at once if it has a confirmed account, else as an
/// invitation. The person is told by email.
#[utoipa::path(post, path = "/api/chargers/{id}/shares", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = ShareRequest,
    responses(
        (status = 201, body = Sharing),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already shared with this address", body = ErrorBody),
        (status = 422, description = "Invalid address or role, or the owner's own address", body = ErrorBody),
    ))]
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<ShareRequest>,
) -> ApiResult<(StatusCode, ApiJson<Sharing>)> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    let (email, role) = request.validate().map_err(ApiError::Validation)?;
    let now = state.clock.unix();
    let charger = access.charger.clone();
    let address = email.clone();
    let owner_id = user.id;
    let added = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let added = share_with(&tx, &charger, owner_id, &address, role, now)?;
            tx.commit()?;
            Ok(added)
        })
        .await?;
    if let Some(user_id) = added.user_id {
        state.simulator.access_changed(vec![user_id]);
    }
    let link = format!("{}/", state.config.public_url());
    let notice = mail::shared(email.as_str(), added.language, &added.charger_name, &added.owner, role, link);
    state.mailer.send(&state.db, &state.clock, notice).await?;
    let charger = access.charger;
    Ok((StatusCode::CREATED, ApiJson(state.db.run(move |conn| sharing_of(conn, &charger)).await?)))
}

/// Changes the role of a person the charger is shared with (owner only).
#[utoipa::path(put, path = "/api/chargers/{id}/shares/{user}", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID"), ("user" = i64, Path, description = "The person's user ID")),
    request_body = RoleRequest,
    responses((status = 200, body = Sharing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, shared_with)): ApiPath<(String, i64)>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> ApiResult<ApiJson<Sharing>> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    let role = request.validate().map_err(ApiError::Validation)?;
    let charger = access.charger;
    let sharing = state
        .db
        .run(move |conn| {
            let changed = conn.execute(
                "UPDATE shares SET role = ?3 WHERE charger_id = ?1 AND user_id = ?2",
                params![charger.as_str(), shared_with, role.tag()],
            )?;
            if changed == 0 {
                return Err(no_share());
            }
            sharing_of(conn, &charger)
        })
        .await?;
    state.simulator.access_changed(vec![shared_with]);
    Ok(ApiJson(sharing))
}

/// Stops sharing with a person: the owner removes them, or they leave.
#[utoipa::path(delete, path = "/api/chargers/{id}/shares/{user}", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID"), ("user" = i64, Path, description = "The person's user ID (your own to leave)")),
    responses((status = 204, description = "No longer shared"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, shared_with)): ApiPath<(String, i64)>,
) -> ApiResult<StatusCode> {
    let access = access::require(&state, &user, &id, Role::Viewer).await?;
    let leaving = shared_with == user.id && access.role != Role::Owner;
    if !leaving && access.role != Role::Owner {
        return Err(ApiError::Forbidden("Only the charger's owner can do this.".to_owned()));
    }
    let charger = access.charger;
    state
        .db
        .run(move |conn| {
            let removed = conn.execute(
                "DELETE FROM shares WHERE charger_id = ?1 AND user_id = ?2",
                params![charger.as_str(), shared_with],
            )?;
            if removed == 0 { Err(no_share()) } else { Ok(()) }
        })
        .await?;
    state.simulator.access_changed(vec![shared_with]);
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the role a pending invitation will give (owner only).
#[utoipa::path(put, path = "/api/chargers/{id}/invitations/{invitation}", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID"), ("invitation" = i64, Path, description = "The invitation")),
    request_body = RoleRequest,
    responses((status = 200, body = Sharing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_invitation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, invitation)): ApiPath<(String, i64)>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> ApiResult<ApiJson<Sharing>> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    let role = request.validate().map_err(ApiError::Validation)?;
    let charger = access.charger;
    Ok(ApiJson(
        state
            .db
            .run(move |conn| {
                let changed = conn.execute(
                    "UPDATE invitations SET role = ?3 WHERE charger_id = ?1 AND id = ?2",
                    params![charger.as_str(), invitation, role.tag()],
                )?;
                if changed == 0 {
                    return Err(no_invitation());
                }
                sharing_of(conn, &charger)
            })
            .await?,
    ))
}

/// Revokes a pending invitation (owner only).
#[utoipa::path(delete, path = "/api/chargers/{id}/invitations/{invitation}", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID"), ("invitation" = i64, Path, description = "The invitation")),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, invitation)): ApiPath<(String, i64)>,
) -> ApiResult<StatusCode> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    let charger = access.charger;
    state
        .db
        .run(move |conn| {
            let removed = conn.execute(
                "DELETE FROM invitations WHERE charger_id = ?1 AND id = ?2",
                params![charger.as_str(), invitation],
            )?;
            if removed == 0 { Err(no_invitation()) } else { Ok(()) }
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns the invitations to a newly confirmed address into shares.
pub fn accept_invitations(conn: &Connection, user_id: i64, now: i64) -> ApiResult<()> {
    let email: String =
        conn.query_row("SELECT email FROM users WHERE id = ?1", [user_id], |row| row.get(0))?;
    conn.execute(
        "INSERT OR IGNORE INTO shares (charger_id, user_id, role, shared_at)
         SELECT charger_id, ?1, role, ?3 FROM invitations WHERE email = ?2",
        params![user_id, email, now],
    )?;
    conn.execute("DELETE FROM invitations WHERE email = ?1", [email])?;
    Ok(())
}

fn no_share() -> ApiError {
    ApiError::NotFound("This charger is not shared with that person.".to_owned())
}

fn no_invitation() -> ApiError {
    ApiError::NotFound("No such invitation.".to_owned())
}

/// What sharing needs to tell the person.
struct Added {
    /// The person's account, when the share took effect at once.
    user_id: Option<i64>,
    language: Language,
    charger_name: String,
    owner: String,
}

fn share_with(
    conn: &Connection,
    charger: &ChargerId,
    owner_id: i64,
    email: &Email,
    role: Role,
    now: i64,
) -> ApiResult<Added> {
    let (owner_email, owner_name, owner_language): (String, String, String) =
        conn.query_row("SELECT email, name, language FROM users WHERE id = ?1", [owner_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    if owner_email == email.as_str() {
        return Err(ApiError::field("email", Problem::OwnCharger));
    }
    let settings: Option<String> =
        conn.query_row("SELECT settings FROM chargers WHERE id = ?1", [charger.as_str()], |row| row.get(0))?;
    let charger_name = settings
        .and_then(|json| serde_json::from_str::<charge_model::charger::ChargerSettings>(&json).ok())
        .map(|settings| settings.name)
        .unwrap_or_else(|| charger.to_string());
    let owner = if owner_name.is_empty() { owner_email } else { owner_name };
    let account: Option<(i64, bool, String)> = conn
        .query_row(
            "SELECT id, confirmed_at IS NOT NULL, language FROM users WHERE email = ?1",
            [email.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let language =
        account.as_ref().map_or_else(|| language_from_db(&owner_language), |a| language_from_db(&a.2));
    let duplicate = |sql: &str, key: &dyn rusqlite::ToSql| -> ApiResult<bool> {
        Ok(conn.query_row(sql, params![charger.as_str(), key], |_| Ok(())).optional()?.is_some())
    };
    let user_id = match account {
        Some((user_id, true, _)) => {
            if duplicate("SELECT 1 FROM shares WHERE charger_id = ?1 AND user_id = ?2", &user_id)? {
                return Err(already_shared());
            }
            conn.execute(
                "INSERT INTO shares (charger_id, user_id, role, shared_at) VALUES (?1, ?2, ?3, ?4)",
                params![charger.as_str(), user_id, role.tag(), now],
            )?;
            Some(user_id)
        }
        _ => {
            if duplicate("SELECT 1 FROM invitations WHERE charger_id = ?1 AND email = ?2", &email.as_str())? {
                return Err(already_shared());
            }
            conn.execute(
                "INSERT INTO invitations (charger_id, email, role, invited_at) VALUES (?1, ?2, ?3, ?4)",
                params![charger.as_str(), email.as_str(), role.tag(), now],
            )?;
            None
        }
    };
    Ok(Added { user_id, language, charger_name, owner })
}

fn already_shared() -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add("email", Problem::AlreadyShared);
    ApiError::Taken(errors)
}

/// The shares and invitations of a charger, by address.
pub fn sharing_of(conn: &Connection, charger: &ChargerId) -> ApiResult<Sharing> {
    let role = |tag: String| Role::from_tag(&tag).unwrap_or(Role::Viewer);
    let mut statement = conn.prepare_cached(
        "SELECT u.id, u.email, u.name, s.role FROM shares s JOIN users u ON u.id = s.user_id
         WHERE s.charger_id = ?1 ORDER BY u.email",
    )?;
    let shares = statement
        .query_map([charger.as_str()], |row| {
            Ok(Share { user_id: row.get(0)?, email: row.get(1)?, name: row.get(2)?, role: role(row.get(3)?) })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut statement =
        conn.prepare_cached("SELECT id, email, role FROM invitations WHERE charger_id = ?1 ORDER BY email")?;
    let invitations = statement
        .query_map([charger.as_str()], |row| {
            Ok(Invitation { id: row.get(0)?, email: row.get(1)?, role: role(row.get(2)?) })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sharing { shares, invitations })
}
