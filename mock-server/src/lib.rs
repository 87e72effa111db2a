//! Charge Portal's development backend: the REST API the portal talks to, with
//! accounts and sessions, persisted in SQLite, documented as OpenAPI.

pub mod accounts;
pub mod auth;
pub mod chargers;
pub mod charges;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod dev;
pub mod error;
pub mod events;
pub mod history;
pub mod link;
pub mod mail;
pub mod notify;
pub mod ocpp;
pub mod oidc;
pub mod openapi;
pub mod periodic;
pub mod plans;
pub mod simulator;
pub mod statistics;
pub mod support;
pub mod tariffs;
pub mod trydan;
pub mod web;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

pub use clock::Clock;
pub use config::Config;
use db::Db;
use error::ApiError;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Everything handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub mailer: Arc<mail::Mailer>,
    pub simulator: Arc<simulator::Simulator>,
    /// The one way to talk to a charger, simulated or real, and to its live status.
    pub links: Arc<link::Links>,
    /// Keeps the charges the simulator reports, finished and in progress.
    pub charges: Arc<charges::Charges>,
    /// Tells people what happened to their chargers (the bell, emails).
    pub notifier: Arc<notify::Notifier>,
    /// Sessions that end (logout, password change or reset, account deleted).
    pub session_endings: auth::session::Endings,
    /// The OpenID Connect providers users may sign in with.
    pub oidc: Arc<oidc::Providers>,
    /// Becomes `true` when the server starts shutting down: live streams close.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    /// Opens the database and prepares the services named in `config`.
    pub fn new(config: Config) -> anyhow::Result<AppState> {
        config.dev_endpoints().map_err(anyhow::Error::msg)?;
        charge_model::account::Email::parse(&config.support_email).map_err(|_| {
            anyhow::anyhow!("--support-email {:?} is not an email address", config.support_email)
        })?;
        let db = Db::open(&config.database)?;
        let clock = Clock::default();
        let hub = Arc::new(link::Hub::default());
        let simulator = Arc::new(db.blocking(|conn| {
            simulator::catalogue::ensure(conn)?;
            simulator::Simulator::load(conn, config.simulator(), clock.clone(), hub.sender())
        })?);
        let mailer = Arc::new(mail::Mailer::new(&config.mail_from, config.smtp_url.as_deref())?);
        let notifier = Arc::new(notify::Notifier::new(
            db.clone(),
            clock.clone(),
            mailer.clone(),
            config.public_url(),
            hub.sender(),
        ));
        let charges =
            Arc::new(charges::Charges::open(db.clone(), simulator.clone(), clock.clone(), notifier.clone())?);
        let ocpp = link::ocpp::OcppLink::load(
            db.clone(),
            hub.clone(),
            charges.clone(),
            notifier.clone(),
            clock.clone(),
            config.ocpp(),
        )?;
        let trydan = link::trydan::TrydanLink::load(
            &db,
            hub.clone(),
            clock.clone(),
            trydan::client::PollOptions::default(),
        )?;
        let links = Arc::new(link::Links::new(
            hub,
            simulator.clone(),
            Arc::new(ocpp),
            Arc::new(trydan),
            clock.clone(),
        ));
        let mut providers = config.oidc.clone();
        if let Some(path) = &config.oidc_providers {
            providers.extend(oidc::provider::load(path)?);
        }
        oidc::provider::check(&providers)?;
        let oidc =
            oidc::Providers::new(providers, std::time::Duration::from_secs(config.oidc_keys_refetch_secs));
        Ok(AppState {
            db,
            config: Arc::new(config),
            clock,
            mailer,
            simulator,
            links,
            charges,
            notifier,
            session_endings: auth::session::Endings::default(),
            oidc: Arc::new(oidc),
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
        })
    }

    /// Starts the simulation, the polling of Trydans paired by address, the market price
    /// fetcher, the charging plans' follower and, when asked, the simulated Trydans' local API
    /// (needs a Tokio runtime).
    pub fn start_background_tasks(&self) {
        self.charges.start(self.stopping.subscribe());
        self.links.start();
        tariffs::fetch::start(self.db.clone(), self.clock.clone(), &self.config);
        // Once a simulated minute.
        let minute = std::time::Duration::from_secs_f64(60.0 / self.config.time_scale.clamp(0.01, 10_000.0));
        plans::start(
            self.db.clone(),
            self.links.clone(),
            self.notifier.clone(),
            self.clock.clone(),
            minute,
            self.stopping.subscribe(),
        );
        notify::start(self.notifier.clone(), self.links.clone(), minute, self.stopping.subscribe());
        if let Some(base) = self.config.trydan_local_port {
            match self.db.blocking(|conn| trydan::local::trydan_ids(conn)) {
                Ok(ids) => {
                    let events = self.links.subscribe();
                    trydan::local::start(self.simulator.clone(), base, ids, events, self.stopping.subscribe())
                }
                Err(error) => tracing::error!(%error, "Trydan local API: cannot list the Trydans"),
            }
        }
    }

    /// Once [`serve`] has returned: stops the simulation and saves what must outlive the
    /// process (the charges in progress, resumed at the next start).
    pub async fn shutdown(&self) {
        self.stopping.send_replace(true);
        self.charges.shutdown().await;
        self.links.shutdown().await;
    }
}

/// Serves [`app`] on `listener` (with each request's peer address, for rate limits) until
/// `shutdown` completes; then live streams close and open requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    let stopping = state.stopping.clone();
    let router = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Without Nagle's algorithm: a live stream's event or an OCPP call written while the
    // previous one is unacknowledged would otherwise wait for the peer's delayed ACK (~40 ms).
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "setting TCP_NODELAY");
        }
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            stopping.send_replace(true);
        })
        .await
}

/// The whole application: `/api` (documented at `/api/openapi.json`) and the portal's files.
pub fn app(state: AppState) -> Router {
    let mut api = OpenApiRouter::with_openapi(openapi::base())
        .merge(accounts::router())
        .merge(oidc::router())
        .merge(chargers::router())
        .merge(tariffs::api::router())
        .merge(plans::api::router())
        .merge(statistics::router())
        .merge(history::router())
        .merge(support::router())
        .merge(notify::api::router())
        .routes(utoipa_axum::routes!(events::events));
    if state.config.dev_endpoints() == Ok(true) {
        api = api.merge(dev::router());
    }
    let (api, mut spec) = api.split_for_parts();
    utoipa::Modify::modify(&openapi::CommonAnswers, &mut spec);
    let spec = Arc::new(spec);

    let csp = web::content_security_policy(&state.config.dist);
    let portal = web::portal(&state.config.dist);

    let hsts = state.config.https().then(|| {
        // Only where the portal is reached over HTTPS: a browser then refuses plain HTTP for a year.
        security_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")
    });
    api.route("/ocpp/{charge_point_id}", get(chargers::ocpp::connect))
        .route("/api/openapi.json", get(move || async move { axum::Json(spec.as_ref().clone()) }))
        .route("/api/{*rest}", any(|| async { ApiError::NotFound(charge_model::Reason::NoSuchEndpoint) }))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .fallback_service(portal)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(web::cache_control))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, &csp))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Emailed links carry secrets in their query: never send them on as a referrer.
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(security_header(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(tower::util::option_layer(hsts))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn security_header(name: HeaderName, value: &str) -> SetResponseHeaderLayer<HeaderValue> {
    let value = HeaderValue::from_str(value).expect("header values are ASCII");
    SetResponseHeaderLayer::if_not_present(name, value)
}
