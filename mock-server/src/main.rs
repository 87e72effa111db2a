use anyhow::Context as _;
use charge_mock_server::{AppState, Config};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();
    let config = Config::parse();
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let address = listener.local_addr()?;
    if !config.dist.join("index.html").exists() {
        tracing::warn!(dist = %config.dist.display(), "no built portal here: only /api is served");
    }
    let state = AppState::new(config)?;
    tracing::info!(database = %state.config.database.display(), chargers = state.simulator.len(), "database ready");
    let unpaired = state.db.blocking(|conn| charge_mock_server::simulator::catalogue::unpaired(conn, 2))?;
    println!("Unpaired chargers you can add (more at GET /api/dev/chargers/unpaired):");
    for (id, model, connector) in unpaired {
        let socket = if model == charge_model::charger::ChargerModel::PolePro {
            format!(", connector {connector}")
        } else {
            String::new()
        };
        println!("  {id}  {}{socket}", model.name());
    }
    if state.config.demo_account && charge_mock_server::demo::seed(&state).await? {
        println!(
            "Demo account: {} / {}",
            charge_mock_server::demo::DEMO_EMAIL,
            charge_mock_server::demo::DEMO_PASSWORD
        );
    }
    if state.config.dev_endpoints() == Ok(true) {
        tracing::warn!(
            "DEVELOPMENT ENDPOINTS ARE ON: /api/dev/* lists every emailed link (password resets \
             included) and drives the simulator, for anyone who can reach {address}. They are on \
             only because this address is loopback and no SMTP server is set; `--dev-endpoints \
             false` turns them off."
        );
    }
    state.start_background_tasks();
    println!("Charge Portal mock server listening on http://{address}");
    let served = charge_mock_server::serve(listener, state.clone(), stop_signal()).await;
    // Also when serving failed: the charges in progress are saved before the process ends.
    state.shutdown().await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C (SIGINT) or SIGTERM (what service managers and `kill` send).
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("stopping: closing live streams, finishing open requests");
}
