//! How the server reaches a charger that is not simulated: OCPP 1.6J chargers pair by the
//! charge point ID set in their OCPP settings, with a password the server makes; a V2C Trydan
//! on the server's network pairs by its address, and the server polls its local HTTP API.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use serde::{Deserialize, Serialize};

use crate::charger::{ChargerSummary, NAME_MAX};
use crate::validate::required_text;
use crate::{FieldErrors, Problem};

/// The identity a charge point connects with (the last segment of its OCPP URL). Case is kept:
/// OCPP identities are compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChargePointId(String);

impl ChargePointId {
    /// Longest identity accepted (OCPP 1.6's `chargeBoxIdentity` is at most 48 characters).
    pub const MAX: usize = 48;

    /// Accepts 1 to 48 letters, digits and `.`, `-`, `_`, `:` (characters that need no
    /// escaping in a URL path); surrounding spaces are ignored.
    pub fn parse(raw: &str) -> Result<ChargePointId, Problem> {
        let id = raw.trim();
        if id.is_empty() {
            return Err(Problem::Required);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':');
        if id.len() > Self::MAX || !id.chars().all(allowed) {
            return Err(Problem::InvalidChargePointId);
        }
        Ok(ChargePointId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChargePointId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /api/chargers/ocpp`: pair an OCPP 1.6J charger by its charge point ID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OcppPairRequest {
    /// The ID set in the charger's OCPP settings: 1 to 48 letters, digits, `.`, `-`, `_`, `:`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 48))]
    pub charge_point_id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
}

impl OcppPairRequest {
    pub fn validate(&self) -> Result<(ChargePointId, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = errors.check("charge_point_id", ChargePointId::parse(&self.charge_point_id));
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        errors.into_result()?;
        Ok((id.expect("checked"), name.expect("checked").to_owned()))
    }
}

/// What to type into the charger's OCPP settings. The password is shown this once: the
/// server keeps only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OcppCredentials {
    /// The management system's URL (`ws://` or `wss://`), without the charge point ID.
    pub endpoint: String,
    pub charge_point_id: String,
    /// For HTTP Basic authentication (OCPP security profile 1 or 2), user = the charge point ID.
    pub password: String,
}

/// The answer to pairing an OCPP charger: the portal charger of its first connector, and
/// what to enter in the charger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OcppPairing {
    pub charger: ChargerSummary,
    #[serde(flatten)]
    pub credentials: OcppCredentials,
}

/// What the portal shows of an OCPP charger's link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OcppInfo {
    pub endpoint: String,
    pub charge_point_id: String,
    /// The connector this portal charger stands for (a charger with two has two portal chargers).
    pub connector: u32,
    /// Whether the charge point's WebSocket is open now.
    pub connected: bool,
    /// From its last BootNotification; `None` until it has connected once.
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub serial: Option<String>,
    /// When it last booted (unix milliseconds).
    pub booted_at_ms: Option<i64>,
}

/// Where a Trydan's local HTTP API answers: an IPv4 or IPv6 address or a host name, and a port
/// (80 unless given). Kept as `host:port` (`[v6]:port`), the form stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrydanAddress {
    /// An IP address (IPv6 without brackets) or a lower-case host name.
    host: String,
    port: u16,
}

impl TrydanAddress {
    /// Longest address accepted (a host name is at most 253 characters, plus a port).
    pub const MAX: usize = 260;
    /// The port of a Trydan's local API.
    pub const DEFAULT_PORT: u16 = 80;

    /// Accepts `192.168.1.20`, `192.168.1.20:8080`, `fe80::1`, `[fe80::1]:8080`, `trydan.local`
    /// or `trydan.local:8080`; surrounding spaces are ignored. Refuses URLs (`http://…`), paths,
    /// user names and port 0.
    pub fn parse(raw: &str) -> Result<TrydanAddress, Problem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Problem::Required);
        }
        if raw.len() > Self::MAX {
            return Err(Problem::InvalidTrydanAddress);
        }
        let ip = |ip: IpAddr| TrydanAddress { host: ip.to_string(), port: Self::DEFAULT_PORT };
        if let Ok(socket) = raw.parse::<SocketAddr>() {
            if socket.port() == 0 {
                return Err(Problem::InvalidTrydanAddress);
            }
            return Ok(TrydanAddress { host: socket.ip().to_string(), port: socket.port() });
        }
        if let Ok(address) = raw.parse::<IpAddr>() {
            return Ok(ip(address));
        }
        if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
            && let Ok(v6) = inner.parse::<Ipv6Addr>()
        {
            return Ok(ip(IpAddr::V6(v6)));
        }
        let (host, port) = match raw.rsplit_once(':') {
            Some((host, port)) => (host, Self::parse_port(port)?),
            None => (raw, Self::DEFAULT_PORT),
        };
        if !Self::is_host_name(host) {
            return Err(Problem::InvalidTrydanAddress);
        }
        Ok(TrydanAddress { host: host.to_ascii_lowercase(), port })
    }

    fn parse_port(text: &str) -> Result<u16, Problem> {
        if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::InvalidTrydanAddress);
        }
        text.parse::<u16>().ok().filter(|port| *port > 0).ok_or(Problem::InvalidTrydanAddress)
    }

    /// A DNS host name: dot-separated labels of letters, digits and inner hyphens, 1 to 63
    /// characters each, at most 253 in all, not all digits (that would be a bad IPv4 address).
    fn is_host_name(host: &str) -> bool {
        let host = host.strip_suffix('.').unwrap_or(host);
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(label_ok)
            && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    }

    /// The IP address or host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl std::fmt::Display for TrydanAddress {
    /// `host:port`, with an IPv6 address in brackets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `POST /api/chargers/trydan`: pair a V2C Trydan on the server's network by its address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrydanPairRequest {
    /// The Trydan's IP address or host name on the server's network, with an optional port
    /// (`192.168.1.20`, `192.168.1.20:8080`, `[fe80::1]:80`, `trydan.local`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 260))]
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub name: String,
}

impl TrydanPairRequest {
    pub fn validate(&self) -> Result<(TrydanAddress, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let address = errors.check("address", TrydanAddress::parse(&self.address));
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        errors.into_result()?;
        Ok((address.expect("checked"), name.expect("checked").to_owned()))
    }
}

/// What the portal shows of a Trydan reached through its local HTTP API. That API has no
/// RFID list and no charge history: the portal shows neither for such a charger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrydanInfo {
    /// `host:port` the server reads `GET /RealTimeData` from.
    pub address: String,
    /// Whether the last reads were answered.
    pub connected: bool,
    /// The serial number the charger reports (`ID`), once it has answered.
    pub serial: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_point_ids() {
        assert_eq!(ChargePointId::parse(" TRYDAN-01:a_b.c ").unwrap().as_str(), "TRYDAN-01:a_b.c");
        assert_eq!(ChargePointId::parse("  "), Err(Problem::Required));
        assert_eq!(ChargePointId::parse("a/b"), Err(Problem::InvalidChargePointId));
        assert_eq!(ChargePointId::parse("a b"), Err(Problem::InvalidChargePointId));
        assert_eq!(ChargePointId::parse("ñ"), Err(Problem::InvalidChargePointId));
        assert_eq!(ChargePointId::parse(&"x".repeat(49)), Err(Problem::InvalidChargePointId));
        assert!(ChargePointId::parse(&"x".repeat(48)).is_ok());
    }

    #[test]
    fn trydan_addresses() {
        let shown = |raw: &str| TrydanAddress::parse(raw).map(|a| a.to_string());
        assert_eq!(shown(" 192.168.1.20 "), Ok("192.168.1.20:80".to_owned()));
        assert_eq!(shown("192.168.1.20:8080"), Ok("192.168.1.20:8080".to_owned()));
        assert_eq!(shown("fe80::1"), Ok("[fe80::1]:80".to_owned()));
        assert_eq!(shown("[fe80::1]"), Ok("[fe80::1]:80".to_owned()));
        assert_eq!(shown("[::1]:9000"), Ok("[::1]:9000".to_owned()));
        assert_eq!(shown("Trydan-Garage.local"), Ok("trydan-garage.local:80".to_owned()));
        assert_eq!(shown("trydan:8080"), Ok("trydan:8080".to_owned()));
        let address = TrydanAddress::parse("[::1]:9000").unwrap();
        assert_eq!((address.host(), address.port()), ("::1", 9000));
        assert_eq!(TrydanAddress::parse("  "), Err(Problem::Required));
        for bad in [
            "http://192.168.1.20",
            "192.168.1.20/RealTimeData",
            "300.1.1.1",
            "192.168.1",
            "192.168.1.20:0",
            "192.168.1.20:65536",
            "192.168.1.20:",
            "trydan:-1",
            "user@trydan",
            "-trydan",
            "try dan",
            "trydañ",
            "a..b",
            "fe80::1:99999",
        ] {
            assert_eq!(TrydanAddress::parse(bad), Err(Problem::InvalidTrydanAddress), "{bad}");
        }
        assert_eq!(TrydanAddress::parse(&"a".repeat(64)), Err(Problem::InvalidTrydanAddress));
        assert_eq!(TrydanAddress::parse(&"x".repeat(10_000)), Err(Problem::InvalidTrydanAddress));
    }

    #[test]
    fn a_trydan_pairing_reports_each_field() {
        let request = TrydanPairRequest { address: "nope/".into(), name: " ".into() };
        let errors = request.validate().unwrap_err();
        assert_eq!(errors.get("address"), Some(&Problem::InvalidTrydanAddress));
        assert_eq!(errors.get("name"), Some(&Problem::Required));
    }
}
