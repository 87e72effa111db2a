//! Deploy-time configuration, read from `/config.json` beside `index.html`, so that the
//! same build can talk to a backend on another address without rebuilding.

use std::cell::RefCell;

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
struct PortalConfig {
    /// Base URL of the REST API, without a trailing slash; empty for the portal's own origin.
    #[serde(default)]
    api_base: String,
}

thread_local! {
    static API_BASE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The API base URL; `/config.json` is fetched on first use. A missing or broken file
/// means the same origin. The app's `index.html` starts that request before the wasm runs
/// (see [`crate::api::early`]).
pub async fn api_base() -> String {
    if let Some(base) = API_BASE.with(|b| b.borrow().clone()) {
        return base;
    }
    let base = match crate::api::early::api_base().await {
        Some(base) => base,
        None => {
            let config = match gloo_net::http::Request::get("/config.json").send().await {
                Ok(response) if response.ok() => response.json::<PortalConfig>().await.unwrap_or_default(),
                _ => PortalConfig::default(),
            };
            config.api_base
        }
    };
    let base = base.trim_end_matches('/').to_owned();
    API_BASE.with(|b| *b.borrow_mut() = Some(base.clone()));
    base
}
