//! Charge Portal's app bundle. This file only mounts it; the router is in `routes.rs`.
//!
//! The routes live in this binary rather than in the library because the pages other than
//! the charger list are split into modules loaded when first opened (wasm-split, run by
//! `tools/post-build.mjs`), and the split points must be in the crate that is linked.

mod routes;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(routes::App);
}
