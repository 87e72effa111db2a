//! Server configuration, from flags or `CP_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Configuration of the mock server.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "charge-mock-server", about = "Development backend for Charge Portal")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// SQLite database file; created with its schema when missing.
    #[arg(long, env = "CP_DATABASE", default_value = "charge-portal.sqlite")]
    pub database: PathBuf,

    /// The portal's built files (Trunk's `dist/`), served beside `/api`.
    #[arg(long, env = "CP_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Address the portal is reached at, used in emailed links. Defaults to `http://<addr>`.
    #[arg(long, env = "CP_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// SMTP server URL (`smtps://user:pass@host:465`, `smtp://host:587?tls=required`).
    /// Without it, emails are only stored in the outbox and printed to the log.
    #[arg(long, env = "CP_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender address of emails.
    #[arg(long, env = "CP_MAIL_FROM", default_value = "Charge Portal <no-reply@charge-portal.local>")]
    pub mail_from: String,

    /// Where support requests from the help page are emailed (with a copy to the user).
    #[arg(long, env = "CP_SUPPORT_EMAIL", default_value = "support@charge-portal.local")]
    pub support_email: String,

    /// Serve the development-only endpoints under `/api/dev` (the outbox with every emailed
    /// link, simulator helpers). By default they are on only when the server listens on a
    /// loopback address and sends no real email; `true` refuses to start otherwise.
    #[arg(long, env = "CP_DEV_ENDPOINTS", action = clap::ArgAction::Set)]
    pub dev_endpoints: Option<bool>,

    /// Mark cookies `Secure` (with the `__Host-` prefix). By default they are whenever the
    /// public URL is `https://`, which also turns on HSTS.
    #[arg(long, env = "CP_SECURE_COOKIES", action = clap::ArgAction::Set)]
    pub secure_cookies: Option<bool>,

    /// How long a session lasts, in hours.
    #[arg(long, env = "CP_SESSION_HOURS", default_value_t = 24 * 14)]
    pub session_hours: u64,

    /// A session unused for this many hours ends.
    #[arg(long, env = "CP_SESSION_IDLE_HOURS", default_value_t = 12)]
    pub session_idle_hours: u64,

    /// The heartbeat interval given to OCPP charge points, in seconds: one silent for two
    /// intervals is shown offline.
    #[arg(long, env = "CP_OCPP_HEARTBEAT_SECS", default_value_t = 60)]
    pub ocpp_heartbeat_secs: u64,

    /// The meter values interval asked of OCPP charge points at boot, in seconds.
    #[arg(long, env = "CP_OCPP_METER_INTERVAL_SECS", default_value_t = 10)]
    pub ocpp_meter_interval_secs: u64,

    /// Where OCPP chargers download firmware from when the portal asks for an update
    /// (UpdateFirmware's location); without it, firmware updates of OCPP chargers are refused.
    #[arg(long, env = "CP_OCPP_FIRMWARE_URL")]
    pub ocpp_firmware_url: Option<String>,

    /// Behind a reverse proxy: the request header in which the proxy puts the client's address
    /// (`X-Forwarded-For`, `X-Real-IP`), read for rate limits. Set it only when a proxy always
    /// sets that header; without it, clients are told apart by the TCP peer address.
    #[arg(long, env = "CP_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,

    /// Accounts one client address may register in an hour.
    #[arg(long, env = "CP_REGISTRATIONS_PER_HOUR", default_value_t = 10)]
    pub registrations_per_hour: u32,

    /// Emails with links (confirmation, password reset) one client address may ask for in an hour.
    #[arg(long, env = "CP_EMAIL_LINKS_PER_HOUR", default_value_t = 20)]
    pub email_links_per_hour: u32,

    /// Failed logins allowed per email address within `login_window_secs`.
    #[arg(long, env = "CP_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// Window of the failed-login throttle, in seconds.
    #[arg(long, env = "CP_LOGIN_WINDOW_SECS", default_value_t = 15 * 60)]
    pub login_window_secs: u64,

    /// Simulated batteries fill, and cars come and go, this many times faster (lively demos).
    #[arg(long, env = "CP_TIME_SCALE", default_value_t = 1.0)]
    pub time_scale: f64,

    /// Let simulated cars arrive and leave, and connections drop, by themselves.
    #[arg(long, env = "CP_SIM_RANDOM_EVENTS", default_value_t = true, action = clap::ArgAction::Set)]
    pub sim_random_events: bool,

    /// Seed of the simulator's random generator, for reproducible runs.
    #[arg(long, env = "CP_SIM_SEED")]
    pub sim_seed: Option<u64>,

    /// Serve the local API of each simulated Trydan and Trydan Pro (`GET /RealTimeData`,
    /// `GET /write/<Keyword>=<Value>`) on 127.0.0.1, port BASE + the charger's rank by ID
    /// among the catalogue's Trydans; the ports are logged. Off by default.
    #[arg(long, env = "CP_TRYDAN_LOCAL_PORT", value_name = "BASE", value_parser = clap::value_parser!(u16).range(1024..))]
    pub trydan_local_port: Option<u16>,

    /// Create the demo account (demo@charge-portal.local) with 18 months of charges, once.
    #[arg(long, env = "CP_DEMO_ACCOUNT", default_value_t = false, action = clap::ArgAction::Set)]
    pub demo_account: bool,

    /// Fetch market prices (OMIE, REE/ESIOS) in the background every hour.
    #[arg(long, env = "CP_MARKET_FETCH", default_value_t = true, action = clap::ArgAction::Set)]
    pub market_fetch: bool,

    /// ESIOS API token: the PVPC comes from ESIOS with it, from REE's open data without.
    #[arg(long, env = "CP_ESIOS_TOKEN")]
    pub esios_token: Option<String>,

    /// Base URL of OMIE's files.
    #[arg(long, env = "CP_OMIE_URL", default_value = "https://www.omie.es")]
    pub omie_url: String,

    /// Base URL of REE's open data API.
    #[arg(long, env = "CP_REE_URL", default_value = "https://apidatos.ree.es")]
    pub ree_url: String,

    /// Base URL of the ESIOS API.
    #[arg(long, env = "CP_ESIOS_URL", default_value = "https://api.esios.ree.es")]
    pub esios_url: String,

    /// A JSON file listing the OpenID Connect providers users may sign in with (see the
    /// README): `[{"id", "name", "issuer", "client_id", "client_secret"}]`. None by default.
    #[arg(long, env = "CP_OIDC_PROVIDERS", value_name = "FILE")]
    pub oidc_providers: Option<PathBuf>,

    /// A provider's keys are fetched again for an unknown key id at most this often, in seconds.
    #[arg(long, env = "CP_OIDC_KEYS_REFETCH_SECS", default_value_t = 10, hide = true)]
    pub oidc_keys_refetch_secs: u64,

    /// Providers given in code (tests), besides those of `oidc_providers`.
    #[arg(skip)]
    pub oidc: Vec<crate::oidc::ProviderConfig>,
}

impl Config {
    /// A configuration for tests: in-memory-like temporary database path chosen by the caller.
    pub fn for_tests(database: PathBuf) -> Config {
        Config {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            database,
            dist: PathBuf::from("dist"),
            public_url: Some("http://portal.test".to_owned()),
            smtp_url: None,
            mail_from: "Charge Portal <no-reply@charge-portal.local>".to_owned(),
            support_email: "support@charge-portal.local".to_owned(),
            dev_endpoints: None,
            secure_cookies: None,
            client_ip_header: None,
            registrations_per_hour: 10,
            email_links_per_hour: 20,
            session_hours: 24,
            session_idle_hours: 12,
            ocpp_heartbeat_secs: 60,
            ocpp_firmware_url: None,
            ocpp_meter_interval_secs: 10,
            login_max_failures: 5,
            login_window_secs: 15 * 60,
            time_scale: 1.0,
            sim_random_events: false,
            sim_seed: Some(7),
            trydan_local_port: None,
            demo_account: false,
            market_fetch: false,
            esios_token: None,
            omie_url: "http://127.0.0.1:9".to_owned(),
            ree_url: "http://127.0.0.1:9".to_owned(),
            esios_url: "http://127.0.0.1:9".to_owned(),
            oidc_providers: None,
            oidc_keys_refetch_secs: 0,
            oidc: Vec::new(),
        }
    }

    /// Base URL of emailed links, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }

    /// The URL OCPP charge points connect to (followed by `/<charge point ID>`): the public
    /// URL's `ws://` or `wss://` twin.
    pub fn ocpp_endpoint(&self) -> String {
        let url = self.public_url();
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let scheme = if self.https() { "wss" } else { "ws" };
        format!("{scheme}://{rest}/ocpp")
    }

    /// How the server drives OCPP charge points.
    pub fn ocpp(&self) -> crate::link::ocpp::Options {
        crate::link::ocpp::Options {
            heartbeat: Duration::from_secs(self.ocpp_heartbeat_secs.clamp(1, 86_400)),
            meter_interval: Duration::from_secs(self.ocpp_meter_interval_secs.clamp(1, 3_600)),
            firmware_url: self.ocpp_firmware_url.clone(),
        }
    }

    pub fn simulator(&self) -> crate::simulator::SimOptions {
        crate::simulator::SimOptions {
            time_scale: self.time_scale.clamp(0.01, 10_000.0),
            random_events: self.sim_random_events,
            seed: self.sim_seed,
            tick: Duration::from_secs(1),
        }
    }

    /// Whether `/api/dev/*` is served: never where it could be reached from another machine
    /// (it hands out every emailed link) nor beside real email; an explicit `true` that
    /// cannot be honoured is an error, so that nobody believes they are on when they are not.
    pub fn dev_endpoints(&self) -> Result<bool, String> {
        let loopback = self.addr.ip().is_loopback();
        let smtp = self.smtp_url.is_some();
        match self.dev_endpoints {
            Some(false) => Ok(false),
            None => Ok(loopback && !smtp),
            Some(true) if !loopback => Err(format!(
                "--dev-endpoints true needs a loopback --addr (127.0.0.1 or ::1), not {}: the \
                 development endpoints hand anyone every emailed link, password resets included",
                self.addr
            )),
            Some(true) if smtp => Err("--dev-endpoints true cannot be combined with --smtp-url: \
                 the development outbox would hold the links of real emails"
                .to_owned()),
            Some(true) => Ok(true),
        }
    }

    /// Whether the portal is reached over HTTPS (its public URL says so).
    pub fn https(&self) -> bool {
        self.public_url().get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    }

    /// Whether cookies are `Secure` (and the session cookie `__Host-` prefixed).
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.https())
    }

    pub fn session_idle_secs(&self) -> i64 {
        (self.session_idle_hours.max(1) * 3600) as i64
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_hours * 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    fn config(addr: &str, smtp: bool, flag: Option<bool>) -> Config {
        let mut config = Config::for_tests("unused.sqlite".into());
        config.addr = addr.parse().unwrap();
        config.smtp_url = smtp.then(|| "smtp://127.0.0.1:25".to_owned());
        config.dev_endpoints = flag;
        config
    }

    #[test]
    fn dev_endpoints_are_on_by_default_only_on_loopback_without_smtp() {
        assert_eq!(config("127.0.0.1:8080", false, None).dev_endpoints(), Ok(true));
        assert_eq!(config("[::1]:8080", false, None).dev_endpoints(), Ok(true));
        assert_eq!(config("0.0.0.0:8080", false, None).dev_endpoints(), Ok(false));
        assert_eq!(config("192.0.2.7:8080", false, None).dev_endpoints(), Ok(false));
        assert_eq!(config("127.0.0.1:8080", true, None).dev_endpoints(), Ok(false));
        assert_eq!(config("127.0.0.1:8080", false, Some(false)).dev_endpoints(), Ok(false));
    }

    #[test]
    fn an_https_public_url_makes_cookies_secure_unless_told_otherwise() {
        let mut config = config("127.0.0.1:8080", false, None);
        config.public_url = Some("HTTPS://portal.example.com/".to_owned());
        assert!(config.https() && config.secure_cookies());
        config.secure_cookies = Some(false);
        assert!(!config.secure_cookies());
        config.public_url = Some("http://127.0.0.1:8080".to_owned());
        config.secure_cookies = None;
        assert!(!config.https() && !config.secure_cookies());
    }

    #[test]
    fn asking_for_dev_endpoints_where_they_would_be_exposed_is_an_error() {
        assert!(config("0.0.0.0:8080", false, Some(true)).dev_endpoints().is_err());
        assert!(config("[::]:8080", false, Some(true)).dev_endpoints().is_err());
        assert!(config("127.0.0.1:8080", true, Some(true)).dev_endpoints().is_err());
        assert_eq!(config("127.0.0.1:8080", false, Some(true)).dev_endpoints(), Ok(true));
    }
}
