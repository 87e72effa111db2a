//! Charge Portal's public bundle: the logged-out pages only, without the router, which alone
//! would be half of this bundle's size. The server serves it for the paths of [`PublicPage`];
//! links between them are ordinary page loads of this same small, cached bundle.
//!
//! The login page is in the main module, which is all the login page downloads. The other
//! pages are split into a module of their own (wasm-split, run by `tools/post-build.mjs`),
//! which index.html starts downloading beside the main module when the address is theirs.

use charge_model::pages::PublicPage;
use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

use charge_portal::components::header::{LoggedOutLinks, SiteHeader};
use charge_portal::components::split::split_page;
use charge_portal::i18n::I18n;
use charge_portal::pages::login::LoginPage;
use charge_portal::pages::not_found::NotFoundPage;
use charge_portal::public::public_page;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(PublicApp);
}

#[component]
fn PublicApp() -> impl IntoView {
    provide_context(I18n::from_browser());
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let page = match PublicPage::from_path(path.trim_end_matches('/')) {
        Some(PublicPage::Login) => LoginPage().into_any(),
        page => split_page(preload_other_pages, move || other_pages(page)).into_any(),
    };
    view! {
        <SiteHeader>
            <LoggedOutLinks />
        </SiteHeader>
        <main id="main" tabindex="-1">
            {page}
        </main>
    }
}

/// The logged-out pages other than login, in one split module (`None`: "not found", for
/// an address the server would not send here).
#[wasm_split(other_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_other_pages))]
fn other_pages(page: Option<PublicPage>) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Some(page) => public_page(page),
        None => NotFoundPage().into_any(),
    })
}
