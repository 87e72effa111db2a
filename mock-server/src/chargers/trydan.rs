//! Trydans on the server's network: pairing one by its address. The server first reads its
//! local API once, so that an address where no Trydan answers is refused, field by field.

use axum::extract::State;
use axum::http::StatusCode;
use charge_model::charger::{ChargerSettings, ChargerSummary, DisplayLanguage};
use std::net::IpAddr;

use charge_model::link::{TrydanAddress, TrydanPairRequest};
use charge_model::{ErrorBody, Problem};

use super::{store, summary};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::auth::throttle::{self, Bucket, Limit};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::link::ocpp::store as ocpp_store;
use crate::link::trydan::{TrydanLink, store as trydan_store};

/// Addresses a user may try in an hour (each is a request from the server to that host).
const PROBES_PER_USER: Limit = Limit::per_hour(20);

/// Whether every address the host resolves to is on a local network (private, link-local or
/// loopback): a Trydan's local API answers there, and the server is not to be used to reach
/// hosts elsewhere.
async fn on_local_network(address: &TrydanAddress) -> bool {
    let Ok(resolved) = tokio::net::lookup_host(address.to_string()).await else { return false };
    let resolved: Vec<std::net::SocketAddr> = resolved.collect();
    !resolved.is_empty() && resolved.iter().all(|socket| is_local(socket.ip()))
}

fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_local(IpAddr::V4(v4)),
            // Loopback, unique local (fc00::/7) and link-local (fe80::/10).
            None => {
                v6.is_loopback()
                    || (v6.segments()[0] & 0xfe00) == 0xfc00
                    || (v6.segments()[0] & 0xffc0) == 0xfe80
            }
        },
    }
}

/// Pairs a V2C Trydan on the server's network by its IP address or host name (with a port
/// when not 80). The server reads `GET /RealTimeData` there once (2 s at most) and refuses
/// the address when no Trydan answers; then it reads the charger every second. Its RFID list
/// and charge history are not available through that API.
#[utoipa::path(post, path = "/api/chargers/trydan", tag = "chargers",
    request_body = TrydanPairRequest,
    responses(
        (status = 201, body = ChargerSummary),
        (status = 409, description = "This address is already one of the user's chargers", body = ErrorBody),
        (status = 422, description = "Invalid fields, an address outside the local network, or no Trydan answers there", body = ErrorBody),
    ))]
pub async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<TrydanPairRequest>,
) -> ApiResult<(StatusCode, ApiJson<ChargerSummary>)> {
    let (address, name) = request.validate().map_err(ApiError::Validation)?;
    // Each probe asks a host on the server's network: counted, and only on that network.
    let (now, limit) =
        (state.clock.unix(), [Bucket { key: format!("trydan:{}", user.id), limit: PROBES_PER_USER }]);
    state
        .db
        .run(move |conn| {
            throttle::check(conn, &limit, now)?;
            throttle::record(conn, &limit, now)
        })
        .await?;
    if !on_local_network(&address).await {
        tracing::info!(%address, "Trydan pairing: not an address of the local network");
        return Err(ApiError::field("address", Problem::InvalidTrydanAddress));
    }
    let first = TrydanLink::probe(&address).await.map_err(|error| {
        tracing::info!(%address, %error, "Trydan pairing: no Trydan answers");
        ApiError::field("address", Problem::NoTrydanAtAddress)
    })?;
    let now = state.clock.unix();
    let firmware = first.firmware_version.clone().unwrap_or_default();
    let stored = address.clone();
    let (charger, listed, phases) = state
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
            trydan_store::pair(conn, user.id, &stored, &charger, &settings, &firmware, now)?;
            let listed = store::listed_one(conn, user.id, &charger)?;
            Ok((charger, listed, settings.supply.phases()))
        })
        .await?;
    state.links.paired_trydan(&charger, &address, phases, first);
    state.links.access_changed(vec![user.id]);
    let status = state.links.status(&charger);
    tracing::info!(charger = %charger, %address, "Trydan paired by address");
    Ok((StatusCode::CREATED, ApiJson(summary(listed, status))))
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn only_local_network_addresses_are_asked() {
        for local in [
            "192.168.1.20",
            "10.0.0.7",
            "172.16.5.4",
            "127.0.0.1",
            "169.254.3.3",
            "::1",
            "fd12::1",
            "fe80::2",
            "::ffff:192.168.1.9",
        ] {
            assert!(is_local(local.parse().unwrap()), "{local}");
        }
        for public in ["8.8.8.8", "172.32.0.1", "100.64.0.1", "2001:db8::1", "::ffff:8.8.8.8", "0.0.0.0"] {
            assert!(!is_local(public.parse().unwrap()), "{public}");
        }
    }
}
