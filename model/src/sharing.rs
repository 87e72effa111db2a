//! Sharing a charger with other people, as viewer or editor.

use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::charger::Role;
use crate::{FieldErrors, Problem};

/// `POST /api/chargers/{id}/shares`: share by email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = shareable_role))]
    pub role: Role,
}

impl ShareRequest {
    /// A valid address and a role that can be given (viewer or editor).
    pub fn validate(&self) -> Result<(Email, Role), FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&self.email));
        errors.check("role", shareable(self.role));
        errors.into_result()?;
        Ok((email.expect("checked"), self.role))
    }
}

/// `PUT /api/chargers/{id}/shares/{user}` and `…/invitations/{invitation}`: a new role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = shareable_role))]
    pub role: Role,
}

impl RoleRequest {
    pub fn validate(&self) -> Result<Role, FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("role", shareable(self.role));
        errors.into_result().map(|()| self.role)
    }
}

/// The roles [`shareable`] accepts, as the OpenAPI document shows them.
#[cfg(feature = "openapi")]
fn shareable_role() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some([Role::Viewer.tag(), Role::Editor.tag()]))
        .description(Some("`viewer` or `editor`: a charger has exactly one owner."))
        .build()
}

/// There is exactly one owner: the role cannot be given away.
fn shareable(role: Role) -> Result<Role, Problem> {
    match role {
        Role::Viewer | Role::Editor => Ok(role),
        Role::Owner => Err(Problem::OwnerRole),
    }
}

/// A person who accepted a share of the charger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    pub user_id: i64,
    pub email: String,
    /// The person's name, empty when they have not given one.
    pub name: String,
    pub role: Role,
}

/// A share waiting for the person at its address to accept it (logged in as that address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub role: Role,
}

/// An invitation the logged-in user has received and not yet accepted or declined
/// (`GET /api/invitations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedInvitation {
    pub id: i64,
    pub charger_id: crate::charger::ChargerId,
    pub charger_name: String,
    /// Who shares it: the owner's name, or their address when they have not given one.
    pub owner: String,
    pub role: Role,
}

/// `GET /api/chargers/{id}/shares`, and the answer to a new share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sharing {
    pub shares: Vec<Share>,
    pub invitations: Vec<Invitation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_role_cannot_be_shared() {
        let request = ShareRequest { email: "Bea@Example.com".to_owned(), role: Role::Editor };
        assert_eq!(request.validate().unwrap().0.as_str(), "bea@example.com");
        let owner = ShareRequest { role: Role::Owner, ..request.clone() };
        assert_eq!(owner.validate().unwrap_err().get("role"), Some(&Problem::OwnerRole));
        let bad = ShareRequest { email: "bea".to_owned(), ..request };
        assert_eq!(bad.validate().unwrap_err().get("email"), Some(&Problem::InvalidEmail));
        assert!(RoleRequest { role: Role::Owner }.validate().is_err());
        assert_eq!(RoleRequest { role: Role::Viewer }.validate(), Ok(Role::Viewer));
    }
}
