//! Sharing a charger: the owner invites an address as viewer or editor; the person logged
//! in with that address accepts or declines in the portal, and only then is the charger
//! shared. Sharing answers the same whether or not the address has an account, and never
//! shows the name behind it before the person accepts. The owner changes roles, removes
//! people, changes or revokes invitations; a shared user can leave. Every change reaches
//! the affected user's open live stream at once.

use crate::notify::{self, Audience};
use axum::extract::State;
use axum::http::StatusCode;
use charge_model::account::Email;
use charge_model::charger::{ChargerId, Role};
use charge_model::notifications::NotificationEvent;
use charge_model::sharing::{Invitation, ReceivedInvitation, RoleRequest, Share, ShareRequest, Sharing};
use charge_model::{ErrorBody, FieldErrors, Language, Problem};
use rusqlite::{Connection, OptionalExtension as _, params};

use super::access;
use crate::AppState;
use crate::accounts::store::language_from_db;
use crate::auth::CurrentUser;
use crate::auth::throttle::{self, Bucket, Limit};
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

/// Invites an address to share the charger. The person is told by email and, if they are
/// logged in, in the portal at once; the share takes effect when they accept.
#[utoipa::path(post, path = "/api/chargers/{id}/shares", tag = "sharing",
    params(("id" = String, Path, description = "The charger's ID")),
    request_body = ShareRequest,
    responses(
        (status = 201, body = Sharing),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already shared with or invited at this address", body = ErrorBody),
        (status = 422, description = "Invalid address or role, or the owner's own address", body = ErrorBody),
        (status = 429, description = "Too many invitations in an hour; see Retry-After", body = ErrorBody),
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
    let limit = [Bucket { key: format!("share:{owner_id}"), limit: INVITATIONS_PER_OWNER }];
    let invited = state
        .db
        .run(move |conn| {
            throttle::check(conn, &limit, now)?;
            let tx = conn.transaction()?;
            let invited = invite(&tx, &charger, owner_id, &address, role, now)?;
            throttle::record(&tx, &limit, now)?;
            tx.commit()?;
            Ok(invited)
        })
        .await?;
    if let Some(user_id) = invited.user_id {
        state.links.access_changed(vec![user_id]);
        let event = NotificationEvent::Shared { by: invited.owner.clone(), role };
        notify::emit(&state.notifier, &access.charger, event, Audience::InPortal(user_id)).await;
    }
    let link = format!("{}/", state.config.public_url());
    let notice =
        mail::shared(email.as_str(), invited.language, &invited.charger_name, &invited.owner, role, link);
    state.mailer.send(&state.db, &state.clock, notice).await?;
    let charger = access.charger;
    Ok((StatusCode::CREATED, ApiJson(state.db.run(move |conn| sharing_of(conn, &charger)).await?)))
}

/// Invitations one owner may send in an hour.
const INVITATIONS_PER_OWNER: Limit = Limit::per_hour(30);

/// The invitations waiting for the logged-in user's answer.
#[utoipa::path(get, path = "/api/invitations", tag = "sharing",
    responses((status = 200, body = Vec<ReceivedInvitation>), (status = 401, body = ErrorBody)))]
pub async fn received(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<ReceivedInvitation>>> {
    Ok(ApiJson(state.db.run(move |conn| received_by(conn, user.id)).await?))
}

/// Accepts an invitation: the charger is shared with the logged-in user, with its role.
#[utoipa::path(post, path = "/api/invitations/{invitation}/accept", tag = "sharing",
    params(("invitation" = i64, Path, description = "The invitation")),
    responses((status = 204, description = "Shared"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(invitation): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let now = state.clock.unix();
    let (owner, charger, by) = state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let (charger, role, owner) = own_invitation(&tx, user.id, invitation)?;
            let by: String = tx.query_row(
                "SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = ?1",
                [user.id],
                |row| row.get(0),
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO shares (charger_id, user_id, role, shared_at) VALUES (?1, ?2, ?3, ?4)",
                params![charger, user.id, role, now],
            )?;
            tx.execute("DELETE FROM invitations WHERE id = ?1", [invitation])?;
            tx.commit()?;
            Ok((owner, charger, by))
        })
        .await?;
    // The owner's open sharing list shows the person now.
    state.links.access_changed([Some(user.id), owner].into_iter().flatten().collect());
    if let (Some(owner), Ok(charger)) = (owner, ChargerId::parse(&charger)) {
        let event = NotificationEvent::ShareAccepted { by };
        notify::emit(&state.notifier, &charger, event, Audience::User(owner)).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Declines an invitation: it is gone, and the charger is not shared.
#[utoipa::path(delete, path = "/api/invitations/{invitation}", tag = "sharing",
    params(("invitation" = i64, Path, description = "The invitation")),
    responses((status = 204, description = "Declined"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(invitation): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let owner = state
        .db
        .run(move |conn| {
            let (_, _, owner) = own_invitation(conn, user.id, invitation)?;
            conn.execute("DELETE FROM invitations WHERE id = ?1", [invitation])?;
            Ok(owner)
        })
        .await?;
    state.links.access_changed([Some(user.id), owner].into_iter().flatten().collect());
    Ok(StatusCode::NO_CONTENT)
}

/// The charger, role and charger's owner of an invitation to `user_id`'s address, or 404.
fn own_invitation(
    conn: &Connection,
    user_id: i64,
    invitation: i64,
) -> ApiResult<(String, String, Option<i64>)> {
    conn.query_row(
        "SELECT i.charger_id, i.role, c.owner_id FROM invitations i JOIN users u ON u.email = i.email
         JOIN chargers c ON c.id = i.charger_id
         WHERE i.id = ?1 AND u.id = ?2",
        params![invitation, user_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .optional()?
    .ok_or_else(no_invitation)
}

fn received_by(conn: &Connection, user_id: i64) -> ApiResult<Vec<ReceivedInvitation>> {
    let mut statement = conn.prepare_cached(
        "SELECT i.id, i.charger_id, c.settings, COALESCE(NULLIF(o.name, ''), o.email), i.role
         FROM invitations i JOIN users u ON u.email = i.email
         JOIN chargers c ON c.id = i.charger_id JOIN users o ON o.id = c.owner_id
         WHERE u.id = ?1 ORDER BY i.invited_at, i.id",
    )?;
    let rows = statement
        .query_map([user_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, charger, settings, owner, role)| {
            let charger_id = ChargerId::parse(&charger).ok()?;
            Some(ReceivedInvitation {
                id,
                charger_name: charger_name(settings, &charger_id),
                charger_id,
                owner,
                role: Role::from_tag(&role).unwrap_or(Role::Viewer),
            })
        })
        .collect())
}

/// A charger's name, or its ID when it has none.
fn charger_name(settings: Option<String>, charger: &ChargerId) -> String {
    let name = super::store::settings_of(settings).name;
    if name.is_empty() { charger.to_string() } else { name }
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
    state.links.access_changed(vec![shared_with]);
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
        return Err(ApiError::Forbidden(charge_model::Reason::OwnerOnly));
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
    state.links.access_changed(vec![shared_with]);
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

fn no_share() -> ApiError {
    ApiError::NotFound(charge_model::Reason::NoSuchShare)
}

fn no_invitation() -> ApiError {
    ApiError::NotFound(charge_model::Reason::NoSuchInvitation)
}

/// What inviting needs to tell the person.
struct Invited {
    /// The person's account, when the address has one (their portal shows the invitation).
    user_id: Option<i64>,
    language: Language,
    charger_name: String,
    owner: String,
}

fn invite(
    conn: &Connection,
    charger: &ChargerId,
    owner_id: i64,
    email: &Email,
    role: Role,
    now: i64,
) -> ApiResult<Invited> {
    let (owner_email, owner_name, owner_language): (String, String, String) =
        conn.query_row("SELECT email, name, language FROM users WHERE id = ?1", [owner_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    if owner_email == email.as_str() {
        return Err(ApiError::field("email", Problem::OwnCharger));
    }
    let settings: Option<String> =
        conn.query_row("SELECT settings FROM chargers WHERE id = ?1", [charger.as_str()], |row| row.get(0))?;
    let charger_name = charger_name(settings, charger);
    let owner = if owner_name.is_empty() { owner_email } else { owner_name };
    let account: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, language FROM users WHERE email = ?1 AND confirmed_at IS NOT NULL",
            [email.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let language = language_from_db(account.as_ref().map_or(&owner_language, |a| &a.1));
    // Already shared (the owner sees that person in the list) or already invited.
    let shared: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM shares s JOIN users u ON u.id = s.user_id
                        WHERE s.charger_id = ?1 AND u.email = ?2)
             OR EXISTS (SELECT 1 FROM invitations WHERE charger_id = ?1 AND email = ?2)",
        params![charger.as_str(), email.as_str()],
        |row| row.get(0),
    )?;
    if shared {
        return Err(already_shared());
    }
    conn.execute(
        "INSERT INTO invitations (charger_id, email, role, invited_at) VALUES (?1, ?2, ?3, ?4)",
        params![charger.as_str(), email.as_str(), role.tag(), now],
    )?;
    Ok(Invited { user_id: account.map(|a| a.0), language, charger_name, owner })
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
