//! Fetches today's and tomorrow's market prices in the background, every hour: OMIE's daily
//! `marginalpdbc` file, and the PVPC from ESIOS (with a token) or REE's open data. When a
//! source cannot be reached the failure is logged and the server keeps what it has.

use std::time::Duration as StdDuration;

use charge_model::madrid;
use charge_model::tariff::Market;
use chrono::{Duration, NaiveDate};

use super::{MarketPrice, ParseError, esios, omie, ree, store};
use crate::AppState;
use crate::config::Config;

/// Where the prices come from (overridable for tests and mirrors).
#[derive(Debug, Clone)]
pub struct Sources {
    pub omie_url: String,
    pub ree_url: String,
    pub esios_url: String,
    pub esios_token: Option<String>,
}

impl Sources {
    pub fn from_config(config: &Config) -> Sources {
        Sources {
            omie_url: config.omie_url.trim_end_matches('/').to_owned(),
            ree_url: config.ree_url.trim_end_matches('/').to_owned(),
            esios_url: config.esios_url.trim_end_matches('/').to_owned(),
            esios_token: config.esios_token.clone().filter(|t| !t.trim().is_empty()),
        }
    }
}

/// Why a day's prices could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the source answered {0}")]
    Status(reqwest::StatusCode),
    #[error("unreadable file: {0}")]
    Parse(#[from] ParseError),
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(StdDuration::from_secs(10))
        .user_agent("charge-portal-mock-server")
        .build()
        .unwrap_or_default()
}

/// One market's prices for one Madrid day, from its source; returns the source's name too.
pub async fn fetch_day(
    client: &reqwest::Client,
    sources: &Sources,
    market: Market,
    date: NaiveDate,
) -> Result<(&'static str, Vec<MarketPrice>), FetchError> {
    match market {
        Market::Omie => {
            let name = format!("marginalpdbc_{}.1", date.format("%Y%m%d"));
            let url =
                format!("{}/es/file-download?parents%5B0%5D=marginalpdbc&filename={name}", sources.omie_url);
            Ok(("omie", omie::parse_marginalpdbc(&get(client.get(url)).await?)?))
        }
        Market::Pvpc => {
            let (from, to) = (format!("{date}T00:00"), format!("{date}T23:59"));
            match &sources.esios_token {
                Some(token) => {
                    let url =
                        format!("{}/indicators/1001?start_date={from}&end_date={to}", sources.esios_url);
                    let request = client
                        .get(url)
                        .header("x-api-key", token)
                        .header("Accept", "application/json; application/vnd.esios-api-v1+json");
                    Ok(("esios", esios::parse_indicator(&get(request).await?)?))
                }
                None => {
                    let url = format!(
                        "{}/es/datos/mercados/precios-mercados-tiempo-real?start_date={from}&end_date={to}&time_trunc=hour",
                        sources.ree_url
                    );
                    Ok(("ree", ree::parse_apidatos(&get(client.get(url)).await?, ree::PVPC)?))
                }
            }
        }
    }
}

async fn get(request: reqwest::RequestBuilder) -> Result<Vec<u8>, FetchError> {
    let response = request.send().await?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status()));
    }
    Ok(response.bytes().await?.to_vec())
}

/// Fetches and stores what is missing of today and tomorrow (Madrid) for both markets.
pub async fn refresh(state: &AppState, client: &reqwest::Client, sources: &Sources) {
    let today = madrid::local(state.clock.now()).date();
    for date in [today, today + Duration::days(1)] {
        for market in [Market::Omie, Market::Pvpc] {
            let (from, to) = (madrid::day_start(date), madrid::day_start(date + Duration::days(1)));
            match state.db.run(move |conn| store::covered(conn, market, from, to)).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(%error, "reading stored prices");
                    continue;
                }
            }
            match fetch_day(client, sources, market, date).await {
                Ok((source, prices)) => {
                    let now = state.clock.unix();
                    match state.db.run(move |conn| store::save(conn, market, source, &prices, now)).await {
                        Ok(count) => {
                            tracing::info!(market = market.tag(), %date, count, source, "market prices stored")
                        }
                        Err(error) => tracing::warn!(%error, "storing market prices"),
                    }
                }
                // Tomorrow's prices appear in the afternoon; unreachable sources are the norm offline.
                Err(error) => {
                    tracing::warn!(market = market.tag(), %date, %error, "market prices not fetched; keeping what is stored")
                }
            }
        }
    }
}

/// Refreshes at start-up and then every hour.
pub fn start(state: AppState) {
    if !state.config.market_fetch {
        return;
    }
    tokio::spawn(async move {
        let client = client();
        let sources = Sources::from_config(&state.config);
        let mut interval = tokio::time::interval(StdDuration::from_secs(3600));
        loop {
            interval.tick().await;
            refresh(&state, &client, &sources).await;
        }
    });
}
