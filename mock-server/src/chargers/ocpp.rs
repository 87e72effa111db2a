//! OCPP chargers: pairing one by its charge point ID (with a password shown once), a new
//! password, and the WebSocket endpoint `/ocpp/{chargePointId}` the charger connects to.
//!
//! The endpoint refuses at the handshake (401) a charge point that is unknown, not paired or
//! without its password (HTTP Basic, OCPP security profile 1; profile 2 is the same over
//! `wss://`, the TLS ending at the reverse proxy in front of the server).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use charge_model::ErrorBody;
use charge_model::charger::{ChargerSettings, DisplayLanguage, Role};
use charge_model::link::{ChargePointId, OcppCredentials, OcppPairRequest, OcppPairing};
use futures_util::{SinkExt as _, StreamExt as _};
use rand::Rng as _;

use super::{access, store, summary};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult};
use crate::link::ocpp::store as ocpp_store;

/// The read buffer of a charge point's WebSocket. OCPP-J frames are small; a larger frame
/// grows the buffer as needed. tungstenite's default (128 KiB, zero-filled at the first read)
/// would keep 128 KiB resident per connected charge point.
const READ_BUFFER: usize = 4 * 1024;

/// Letters and digits of generated passwords (no 0/O, 1/I/l): easy to type into a charger.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// A new charge point password (24 characters, about 140 bits; OCPP allows 16 to 40) and
/// the hash kept of it.
fn new_password() -> (String, Vec<u8>) {
    let mut rng = rand::rng();
    let password: String = (0..24).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    let hash = crate::auth::token::hash(&password);
    (password, hash)
}

/// Pairs an OCPP 1.6J charger by the charge point ID set in its OCPP settings; answers what to
/// enter in the charger, with its password shown this once.
#[utoipa::path(post, path = "/api/chargers/ocpp", tag = "chargers",
    request_body = OcppPairRequest,
    responses(
        (status = 201, body = OcppPairing),
        (status = 409, description = "This charge point ID is already paired", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<OcppPairRequest>,
) -> ApiResult<(StatusCode, ApiJson<OcppPairing>)> {
    let (identity, name) = request.validate().map_err(ApiError::Validation)?;
    let (password, hash) = new_password();
    let now = state.clock.unix();
    let stored = identity.clone();
    let (charger, listed) = state
        .db
        .run(move |conn| {
            let language = crate::accounts::store::account(conn, user.id)?.profile.language;
            let settings = ChargerSettings {
                name,
                display_language: DisplayLanguage::from(language),
                ..ChargerSettings::default()
            };
            let charger = loop {
                let candidate = crate::simulator::catalogue::random_id(&mut rand::rng());
                if ocpp_store::id_free(conn, &candidate)? {
                    break candidate;
                }
            };
            ocpp_store::pair(conn, user.id, &stored, &charger, &settings, &hash, now)?;
            let listed = store::listed_one(conn, user.id, &charger)?;
            Ok((charger, listed))
        })
        .await?;
    state.links.paired_ocpp(&identity, &charger);
    state.links.access_changed(vec![user.id]);
    let status = state.links.status(&charger);
    let credentials = OcppCredentials {
        endpoint: state.config.ocpp_endpoint(),
        charge_point_id: identity.to_string(),
        password,
    };
    Ok((StatusCode::CREATED, ApiJson(OcppPairing { charger: summary(listed, status), credentials })))
}

/// Makes a new password for an OCPP charger (owner only), shown this once; the old one stops
/// working and the charger's connection is closed until it logs in with the new one.
#[utoipa::path(post, path = "/api/chargers/{id}/ocpp/password", tag = "chargers",
    params(("id" = String, Path, description = "The charger's ID")),
    responses(
        (status = 200, body = OcppCredentials),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Not an OCPP charger of this user", body = ErrorBody),
    ))]
pub async fn new_password_for(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<OcppCredentials>> {
    let access = access::require(&state, &user, &id, Role::Owner).await?;
    let (password, hash) = new_password();
    let charger = access.charger.clone();
    let identity = state
        .db
        .run(move |conn| {
            let identity = ocpp_store::identity_of(conn, &charger)?.ok_or_else(access::not_found)?;
            ocpp_store::set_password(conn, &identity, &hash)?;
            Ok(identity)
        })
        .await?;
    state.links.ocpp().disconnect(&identity);
    Ok(ApiJson(OcppCredentials {
        endpoint: state.config.ocpp_endpoint(),
        charge_point_id: identity,
        password,
    }))
}

/// The password of an HTTP Basic `Authorization` header whose user is `identity`.
fn basic_password(headers: &HeaderMap, identity: &str) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    (user == identity).then(|| password.to_owned())
}

fn refused() -> Response {
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Basic realm=\"OCPP\", charset=\"UTF-8\"")])
        .into_response()
}

/// `GET /ocpp/{chargePointId}`: the WebSocket of a paired charge point (subprotocol `ocpp1.6`).
pub async fn connect(
    State(state): State<AppState>,
    Path(identity): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Ok(identity) = ChargePointId::parse(&identity) else { return refused() };
    let Some(password) = basic_password(&headers, identity.as_str()) else { return refused() };
    match state.links.ocpp().authenticate(identity.as_str(), &password).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(charge_point = %identity, "OCPP handshake refused: unknown or wrong password");
            return refused();
        }
        Err(error) => return error.into_response(),
    }
    let link = state.links.ocpp().clone();
    upgrade
        .protocols(["ocpp1.6"])
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| link.serve(identity.to_string(), Box::pin(text_frames(socket))))
}

/// The socket as a stream of text frames and a sink for them (OCPP-J uses text frames only;
/// pings are answered by axum).
fn text_frames(
    socket: WebSocket,
) -> impl futures_util::Stream<Item = Result<String, axum::Error>> + futures_util::Sink<String> {
    socket.with(|text: String| async move { Ok::<_, axum::Error>(Message::Text(text.into())) }).filter_map(
        |message| async move {
            match message {
                Ok(Message::Text(text)) => Some(Ok(text.to_string())),
                Ok(_) => None,
                Err(error) => Some(Err(error)),
            }
        },
    )
}
