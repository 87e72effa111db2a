//! Who may do what with a charger. No access at all answers 404, so that the existence of
//! someone else's charger is not revealed; too little access answers 403 naming the role needed.

use charge_model::Reason;
use charge_model::charger::{ChargerId, Role};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};

/// A user's access to one charger, checked.
#[derive(Debug, Clone)]
pub struct Access {
    pub charger: ChargerId,
    pub role: Role,
    pub user_id: i64,
}

/// The user's role on a charger, if any.
pub fn role_of(conn: &Connection, user_id: i64, charger: &ChargerId) -> ApiResult<Option<Role>> {
    let role: Option<String> = conn
        .query_row(
            "SELECT CASE WHEN c.owner_id = ?2 THEN 'owner' ELSE s.role END
             FROM chargers c LEFT JOIN shares s ON s.charger_id = c.id AND s.user_id = ?2
             WHERE c.id = ?1 AND (c.owner_id = ?2 OR s.user_id IS NOT NULL)",
            params![charger.as_str(), user_id],
            |row| row.get(0),
        )
        .optional()?;
    Ok(role.as_deref().and_then(Role::from_tag))
}

pub fn not_found() -> ApiError {
    ApiError::NotFound(Reason::NoSuchCharger)
}

/// Checks that `user` has at least the role `needed` on the charger named in the path.
pub async fn require(state: &AppState, user: &CurrentUser, raw_id: &str, needed: Role) -> ApiResult<Access> {
    let charger = ChargerId::parse(raw_id).map_err(|_| not_found())?;
    let user_id = user.id;
    let lookup = charger.clone();
    let role = state.db.run(move |conn| role_of(conn, user_id, &lookup)).await?.ok_or_else(not_found)?;
    if role < needed {
        // Below editor there is only viewer: the reason names the role.
        return Err(ApiError::Forbidden(match needed {
            Role::Owner => Reason::OwnerOnly,
            _ => Reason::EditorOnly,
        }));
    }
    Ok(Access { charger, role, user_id })
}
