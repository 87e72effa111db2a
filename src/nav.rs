//! Navigation for the logged-out pages, which also run in the small public bundle that
//! has no router: the URL's query, and whole-page moves to another page.

/// A parameter of the current URL's query.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Loads another page of the portal (a full navigation: it may belong to the other bundle).
pub fn go(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

/// Like [`go`], without leaving the current page in the history (redirects).
pub fn replace(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(path);
    }
}

/// Encodes a value for a URL query.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// The current path with its query, to come back to after logging in.
pub fn here() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!("{}{}", location.pathname().ok()?, location.search().ok()?))
        })
        .unwrap_or_else(|| "/".to_owned())
}
