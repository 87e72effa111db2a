//! Fetches today's and tomorrow's market prices in the background, at start-up and then every
//! hour: OMIE's daily `marginalpdbc` file, and the PVPC from ESIOS (with a token) or REE's open
//! data. A day already stored in full is not fetched again. When a source cannot be reached or
//! answers with something unreadable, the reason is logged at warn and the server keeps what
//! it has (requests time out after 10 s).

use std::time::Duration as StdDuration;

use charge_model::madrid;
use charge_model::tariff::Market;
use chrono::{Duration, NaiveDate};

use super::{MarketPrice, ParseError, esios, omie, ree, store};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;

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
    /// No answer: the name did not resolve, the connection failed, the time ran out…
    #[error("request failed: {}", chain(.0))]
    Http(#[from] reqwest::Error),
    #[error("the source answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the answer is larger than {} MiB", MAX_ANSWER_BYTES >> 20)]
    TooLarge,
    #[error("unreadable answer: {0}")]
    Parse(#[from] ParseError),
    /// The answer was readable but had nothing for the day asked for.
    #[error("no prices for {0} in the answer")]
    NoPrices(NaiveDate),
}

/// An error with its causes, which is where reqwest says what actually went wrong.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// How long a request to a source may take, connecting included.
pub const TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// The HTTP client the fetcher uses, with [`TIMEOUT`].
pub fn client() -> Result<reqwest::Client, FetchError> {
    client_with_timeout(TIMEOUT)
}

/// An HTTP client giving up after `timeout`.
pub fn client_with_timeout(timeout: StdDuration) -> Result<reqwest::Client, FetchError> {
    Ok(reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("charge-portal-mock-server/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// One market's prices for one Madrid day, from its source, with the source's name (`omie`,
/// `esios` or `ree`). Only the periods of that day are kept; none is an error.
pub async fn fetch_day(
    client: &reqwest::Client,
    sources: &Sources,
    market: Market,
    date: NaiveDate,
) -> Result<(&'static str, Vec<MarketPrice>), FetchError> {
    let (source, mut prices) = fetch_answer(client, sources, market, date).await?;
    let (from, to) = (madrid::day_start(date), madrid::day_start(date + Duration::days(1)));
    prices.retain(|price| price.start >= from && price.start < to);
    if prices.is_empty() {
        return Err(FetchError::NoPrices(date));
    }
    Ok((source, prices))
}

/// What the market's source answers for the day, read.
async fn fetch_answer(
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

/// The most a source's answer may be: a day's file is a few tens of kilobytes.
const MAX_ANSWER_BYTES: usize = 4 << 20;

/// The body of a successful answer, up to [`MAX_ANSWER_BYTES`].
async fn get(request: reqwest::RequestBuilder) -> Result<Vec<u8>, FetchError> {
    let mut response = request.send().await?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Fetches and stores what is missing of today and tomorrow (Madrid) for both markets.
pub async fn refresh(db: &Db, clock: &Clock, client: &reqwest::Client, sources: &Sources) {
    let today = madrid::local(clock.now()).date();
    refresh_days(db, clock, client, sources, &[today, today + Duration::days(1)]).await;
}

/// Fetches and stores both markets' prices for each day not already stored in full. Returns
/// how many periods were stored. Failures are logged, never raised: what is stored stays.
pub async fn refresh_days(
    db: &Db,
    clock: &Clock,
    client: &reqwest::Client,
    sources: &Sources,
    dates: &[NaiveDate],
) -> usize {
    let mut stored = 0;
    for &date in dates {
        for market in [Market::Omie, Market::Pvpc] {
            let (from, to) = (madrid::day_start(date), madrid::day_start(date + Duration::days(1)));
            match db.run(move |conn| store::covered(conn, market, from, to)).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(market = market.tag(), %date, %error, "market prices: cannot read what is stored");
                    continue;
                }
            }
            match fetch_day(client, sources, market, date).await {
                Ok((source, prices)) => {
                    let now = clock.unix();
                    match db.run(move |conn| store::save(conn, market, source, &prices, now)).await {
                        Ok(count) => {
                            stored += count;
                            tracing::info!(market = market.tag(), %date, count, source, "market prices stored");
                        }
                        Err(error) => {
                            tracing::warn!(market = market.tag(), %date, %error, "market prices: cannot store them")
                        }
                    }
                }
                // Tomorrow's prices appear in the afternoon; unreachable sources are the norm offline.
                Err(error) => tracing::warn!(
                    market = market.tag(),
                    %date,
                    %error,
                    "market prices not fetched; keeping what is stored"
                ),
            }
        }
    }
    stored
}

/// Refreshes at start-up and then every hour, unless `--market-fetch false`.
pub fn start(db: Db, clock: Clock, config: &Config) {
    if !config.market_fetch {
        return;
    }
    let client = match client() {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!(%error, "market prices will not be fetched: no HTTP client");
            return;
        }
    };
    let sources = Sources::from_config(config);
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(StdDuration::from_secs(3600));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The first tick is immediate.
            interval.tick().await;
            refresh(&db, &clock, &client, &sources).await;
        }
    });
}
