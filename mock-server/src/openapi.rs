//! The OpenAPI document of the REST contract, generated from the handlers.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Charge Portal API",
        description = "REST contract between the Charge Portal and its backend. Every error has the \
                       `ErrorBody` shape; validation errors name each field. Sessions are an HttpOnly \
                       cookie set by `POST /api/auth/login`."
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "auth", description = "Registration, confirmation, login, password recovery"),
        (name = "account", description = "The logged-in user's own account"),
        (name = "chargers", description = "Pairing, the list, details, settings and the live event stream"),
        (name = "control", description = "Lock, pause, charging current and the charger's operations"),
        (name = "cards", description = "RFID cards and e-Keys"),
        (name = "sharing", description = "Sharing a charger with viewers and editors, invitations"),
        (name = "schedule", description = "Timers, dynamic power control and charging profiles"),
        (name = "tariff", description = "The energy tariff and what each charge cost"),
        (name = "prices", description = "Market prices (OMIE, PVPC) for the tariff chart"),
        (name = "statistics", description = "Totals of charges by day, week or month"),
        (name = "dev", description = "Development-only helpers of the mock server"),
    )
)]
struct ApiDoc;

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::session::COOKIE))),
        );
    }
}

/// The document's fixed parts; the paths are added by the routers.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
