//! Charge Portal: the web portal for home EV chargers (Leptos, client-side rendered).
//!
//! Two bundles are built from this library: the app (`main.rs` and its `routes.rs`: every
//! page, with the router, most of them in split modules) and the small public bundle
//! (`bin/public.rs`) for the logged-out pages.

pub mod api;
pub mod assets;
pub mod charts;
pub mod clock;
pub mod components;
pub mod config;
pub mod format;
pub mod i18n;
pub mod live;
pub mod nav;
pub mod pages;
pub mod public;
pub mod session;
