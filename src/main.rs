//! Charge Portal's app bundle. This file only mounts it; the router is in `routes.rs`.
//!
//! The routes live in this binary rather than in the library because the pages other than
//! the charger list are split into modules loaded when first opened (wasm-split, run by
//! `tools/post-build.mjs`), and the split points must be in the crate that is linked.

mod routes;

fn main() {
    console_error_panic_hook::set_once();
    // The first paint waits for the session, which index.html's boot script asked for while the
    // wasm downloaded: the header and the page are drawn once, for the right user, instead of
    // logged out and then redrawn (a layout shift of the whole page). Leptos's executor starts
    // with the mount, so this first await is wasm-bindgen's own.
    wasm_bindgen_futures::spawn_local(async {
        let account = charge_portal::api::session().await.ok().flatten();
        leptos::mount::mount_to_body(move || leptos::view! { <routes::App account /> });
    });
}
