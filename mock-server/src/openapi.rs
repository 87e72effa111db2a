//! The OpenAPI document of the REST contract, generated from the handlers.

use charge_model::charger::StatusEvent;
use charge_model::notifications::UnreadCount;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, KnownFormat, OneOfBuilder, SchemaFormat};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Schema, Type};
use utoipa::{Modify, OpenApi, PartialSchema as _, ToSchema as _};

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
        (name = "support", description = "Support requests, emailed to the support team"),
        (name = "notifications", description = "What happened to the user's chargers: the bell's list, the unread count and the choice of kinds and channels"),
        (name = "dev", description = "Development-only helpers of the mock server"),
    )
)]
struct ApiDoc;

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::session::COOKIE))),
        );
    }
}

/// The document's fixed parts; the paths are added by the routers.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Name of the session's security scheme.
const SESSION: &str = "session";

/// Operations anyone may call: everything else needs a session (`CurrentUser`).
const PUBLIC_PREFIXES: [&str; 2] = ["/api/auth/", "/api/dev/"];

/// Operations that answer 429 (`Retry-After`) when a limit is reached: attempts counted in
/// `auth::throttle` (logins, registrations, emailed links, password checks, invitations,
/// support requests, addresses tried for a Trydan),
/// and the password hashing of `auth::password` when too many wait for it.
const RATE_LIMITED: [(&str, &str); 10] = [
    ("post", "/api/auth/login"),
    ("post", "/api/auth/register"),
    ("post", "/api/auth/forgot-password"),
    ("post", "/api/auth/resend-confirmation"),
    ("post", "/api/auth/reset-password"),
    ("post", "/api/account/password"),
    ("delete", "/api/account"),
    ("post", "/api/chargers/{id}/shares"),
    ("post", "/api/support"),
    ("post", "/api/chargers/trydan"),
];

/// The answers no handler spells out because the extractors, the body limit or the
/// error type give them, added to the finished document (after the routers' paths):
/// 400, 413, 415 and 422 where a JSON body is read, 400 where a query is read, 404 where a
/// path names something, 401 and the session requirement where `CurrentUser` is extracted,
/// 429 where a limit applies, 500 everywhere. An answer a handler documents is kept.
pub struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                "BadRequest",
                "The request could not be read: malformed JSON, not an object, an unreadable query",
            ),
            ("Unauthenticated", "Not logged in, or the session has ended"),
            ("NotFound", "No such resource, or not one of this user's"),
            ("PayloadTooLarge", "The body is larger than 64 KiB"),
            ("UnsupportedMediaType", "The body is not sent as `Content-Type: application/json`"),
            ("Validation", "Some fields are not valid: `fields` names each with its problem"),
            ("Internal", "Something went wrong on the server"),
        ] {
            components.responses.insert(name.to_owned(), error_answer(description).build().into());
        }
        components.responses.insert(
            "TooManyRequests".to_owned(),
            error_answer("Too many attempts; `Retry-After` says when to try again")
                .header(RETRY_AFTER, retry_after())
                .build()
                .into(),
        );

        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    complete(path, method, operation);
                }
            }
        }
    }
}

const RETRY_AFTER: &str = "Retry-After";

/// Every 429 carries it.
fn retry_after() -> Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0))))
        .description(Some("Seconds to wait before trying again"))
        .build()
}

fn error_answer(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
    )
}

fn complete(path: &str, method: &str, operation: &mut Operation) {
    let parameters = operation.parameters.iter().flatten();
    let located =
        |place: ParameterIn| parameters.clone().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place));
    let mut answers = Vec::new();
    if operation.request_body.is_some() {
        answers.extend([
            ("400", "BadRequest"),
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "Validation"),
        ]);
    }
    if located(ParameterIn::Query) {
        answers.push(("400", "BadRequest"));
    }
    if located(ParameterIn::Path) {
        answers.push(("404", "NotFound"));
    }
    if !PUBLIC_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        answers.push(("401", "Unauthenticated"));
        operation.security = Some(vec![SecurityRequirement::new(SESSION, Vec::<String>::new())]);
    }
    if RATE_LIMITED.contains(&(method, path)) {
        answers.push(("429", "TooManyRequests"));
    }
    answers.push(("500", "Internal"));
    for (status, name) in answers {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
    // A handler's own 429 (with its own description) gets the header too.
    if let Some(RefOr::T(answer)) = operation.responses.responses.get_mut("429") {
        answer.headers.entry(RETRY_AFTER.to_owned()).or_insert_with(|| retry_after().into());
    }
}

/// One sample of a charger's recent power (`GET /api/chargers/{id}/power`): `[unix ms, W]`.
///
/// A named schema rather than the tuple written inline: schemathesis 4.32 refuses a `prefixItems`
/// tuple inline in a response ("Invalid Schema Object"), and reads it fine as a component.
pub struct PowerSample;

impl utoipa::PartialSchema for PowerSample {
    fn schema() -> RefOr<Schema> {
        let field = |kind: Type, format: KnownFormat, description: &str| {
            ObjectBuilder::new()
                .schema_type(kind)
                .format(Some(SchemaFormat::KnownFormat(format)))
                .description(Some(description))
                .build()
        };
        ArrayBuilder::new()
            .prefix_items([
                field(Type::Integer, KnownFormat::Int64, "Unix milliseconds"),
                field(Type::Number, KnownFormat::Float, "Charging power (W)"),
            ])
            .items(ArrayItems::False)
            .description(Some("`[unix ms, W]`"))
            .build()
            .into()
    }
}

impl utoipa::ToSchema for PowerSample {}

/// One Server-Sent Event of `GET /api/events`, as OpenAPI 3.1 describes an event stream: the
/// event's fields, its JSON `data` given by `contentSchema`.
pub struct LiveEvent;

impl utoipa::PartialSchema for LiveEvent {
    fn schema() -> RefOr<Schema> {
        let event = |name: &str, description: &str, data: RefOr<Schema>| {
            let data = ObjectBuilder::new()
                .schema_type(Type::String)
                .content_media_type("application/json")
                .content_schema(Some(data));
            ObjectBuilder::new()
                .description(Some(description))
                .property("event", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([name])))
                .required("event")
                .property("data", data)
                .required("data")
                .build()
        };
        let events = OneOfBuilder::new()
            .item(event("status", "A charger's status", Ref::from_schema_name(StatusEvent::name()).into()))
            .item(event(
                "access",
                "The chargers the user can see have changed: reload the list",
                ObjectBuilder::new().schema_type(Type::Object).build().into(),
            ))
            .item(event(
                "notifications",
                "The user's number of unread notifications changed",
                Ref::from_schema_name(UnreadCount::name()).into(),
            ))
            .build();
        RefOr::T(Schema::OneOf(events))
    }
}

impl utoipa::ToSchema for LiveEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((StatusEvent::name().into(), StatusEvent::schema()));
        StatusEvent::schemas(schemas);
        schemas.push((UnreadCount::name().into(), UnreadCount::schema()));
    }
}
