//! Sharing a charger with viewers and editors; invitations; leaving.

use charge_model::charger::{ChargerId, Role};
use charge_model::sharing::{ReceivedInvitation, RoleRequest, ShareRequest, Sharing};

use super::{ApiError, delete, fetch, fetch_early, fetch_empty, get, json, post, put};

pub async fn sharing(id: &ChargerId) -> Result<Sharing, ApiError> {
    fetch(get(&format!("/api/chargers/{id}/shares")).await).await
}

/// Invites an address to share the charger: it is shared when the person accepts.
pub async fn share(id: &ChargerId, request: &ShareRequest) -> Result<Sharing, ApiError> {
    json(post(&format!("/api/chargers/{id}/shares")).await, request).await
}

pub async fn change_share(id: &ChargerId, user: i64, role: Role) -> Result<Sharing, ApiError> {
    json(put(&format!("/api/chargers/{id}/shares/{user}")).await, &RoleRequest { role }).await
}

/// Stops sharing with `user`; with the user's own ID, leaves a charger shared with them.
pub async fn remove_share(id: &ChargerId, user: i64) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/chargers/{id}/shares/{user}")).await).await
}

pub async fn change_invitation(id: &ChargerId, invitation: i64, role: Role) -> Result<Sharing, ApiError> {
    json(put(&format!("/api/chargers/{id}/invitations/{invitation}")).await, &RoleRequest { role }).await
}

pub async fn revoke_invitation(id: &ChargerId, invitation: i64) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/chargers/{id}/invitations/{invitation}")).await).await
}

/// The invitations waiting for the logged-in user's answer.
pub async fn invitations() -> Result<Vec<ReceivedInvitation>, ApiError> {
    fetch_early("/api/invitations").await
}

pub async fn accept_invitation(invitation: i64) -> Result<(), ApiError> {
    fetch_empty(post(&format!("/api/invitations/{invitation}/accept")).await).await
}

pub async fn decline_invitation(invitation: i64) -> Result<(), ApiError> {
    fetch_empty(delete(&format!("/api/invitations/{invitation}")).await).await
}
