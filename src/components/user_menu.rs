//! The logged-in user's menu in the header (app bundle only: it follows the router).

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api;
use crate::i18n::tr;
use crate::nav;
use crate::session::use_session;

/// A disclosure button opening the account links; Escape and clicks outside close it.
#[component]
pub fn UserMenu() -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let keydown = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    });
    // A click outside closes it, and so does following one of its links (the route's change
    // alone did not: the header is outside the routes).
    let click = window_event_listener(ev::click, move |ev| {
        let target = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let closest =
            |selector: &str| target.as_ref().and_then(|e| e.closest(selector).ok().flatten()).is_some();
        if !closest(".user-menu") || closest(".user-menu a") {
            open.set(false);
        }
    });
    on_cleanup(move || {
        keydown.remove();
        click.remove();
    });

    let log_out = move |_| {
        spawn_local(async move {
            // Even if the server cannot be reached, the portal forgets the user.
            let _ = api::logout().await;
            nav::go("/login");
        });
    };
    let label =
        move || session.account().map(|a| if a.profile.name.is_empty() { a.email } else { a.profile.name });
    view! {
        <div class="user-menu">
            <button
                type="button"
                class="user-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="user-menu-items"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="visually-hidden">{tr(|t| t.account_menu)} ": "</span>
                <span class="avatar" aria-hidden="true">
                    {move || label().and_then(|l| l.chars().next()).map(|c| c.to_uppercase().to_string())}
                </span>
                <span class="user-name">{label}</span>
            </button>
            <ul id="user-menu-items" class="menu" hidden=move || !open.get()>
                <li>
                    <A href="/profile">{tr(|t| t.profile)}</A>
                </li>
                <li>
                    <A href="/help">{tr(|t| t.nav_help)}</A>
                </li>
                <li>
                    <button type="button" on:click=log_out>
                        {tr(|t| t.log_out)}
                    </button>
                </li>
            </ul>
        </div>
    }
}

/// The main navigation of a logged-in user.
#[component]
pub fn MainNav() -> impl IntoView {
    view! {
        <nav class="main-nav" aria-label=tr(|t| t.nav_main)>
            <A href="/" exact=true>{tr(|t| t.nav_chargers)}</A>
            // ECharts starts loading with the click, before the page is made.
            <span class="nav-item" on:click=|_| { crate::charts::echarts::start_loading(); }>
                <A href="/statistics">{tr(|t| t.nav_statistics)}</A>
            </span>
            <A href="/history">{tr(|t| t.nav_history)}</A>
        </nav>
    }
}
