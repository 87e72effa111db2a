//! Files the portal loads by path that the build renames by their content (the ECharts bundle,
//! the cover pictures: `tools/hash-assets.mjs`), so that browsers may keep them for a year.
//! `index.html` maps each path to its name with `<meta name="asset:/path" content="/name">`.

use charge_model::charger::Cover;

/// The served name of the file at `path` (as in the source tree: `/covers/garage.svg`);
/// `path` itself when the build did not rename it.
pub fn asset(path: &str) -> String {
    let selector = format!("meta[name=\"asset:{path}\"]");
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(&selector).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_else(|| path.to_owned())
}

/// A cover picture's URL.
pub fn cover(cover: Cover) -> String {
    asset(&format!("/covers/{}.svg", cover.tag()))
}
