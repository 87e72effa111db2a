//! A page whose code is in a split wasm module (wasm-split, `tools/split-wasm.mjs`): both
//! bundles show such pages the same way.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use crate::components::load::LoadingNote;
use crate::i18n::tr;

/// "Loading…" while the module downloads (the page then shows its own until its data is
/// there), a message if the download fails (opening the page again retries), the page once
/// the module is there; at once when it already was.
///
/// `preload` downloads and instantiates the module; `page` is the split function's call that
/// draws the page.
///
/// Not a `Suspense` around a `Suspend`: with it, a page under a charger lost what the user
/// had typed when the charger reloaded on a live change of role (the boundary drew the page
/// anew), and the reads a page started were not aborted when it was left. Here the page is
/// set up as the router sets up any route, once its module is there.
pub fn split_page<P, V>(
    preload: impl Fn() -> P,
    page: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView
where
    P: Future<Output = Result<(), SplitLoaderError>> + 'static,
    V: Future<Output = Result<AnyView, SplitLoaderError>>,
{
    // `Some(loaded)` once the module's download ended.
    let state = RwSignal::new(now(preload()).map(|result| result.is_ok()));
    if state.get_untracked().is_none() {
        let loading = preload();
        spawn_local(async move {
            let loaded = loading.await.is_ok();
            // The page may have been left meanwhile.
            let _ = state.try_set(Some(loaded));
        });
    }
    move || match state.get() {
        // In the page's column, where the page will be, rather than at the window's edge.
        None => view! { <div class="page"><LoadingNote /></div> }.into_any(),
        Some(true) => match untrack(|| now(page())) {
            Some(Ok(view)) => view,
            _ => load_failed(),
        },
        Some(false) => load_failed(),
    }
}

fn load_failed() -> AnyView {
    view! {
        <div class="page">
            <p class="error" role="alert">{tr(|t| t.page_load_failed)}</p>
        </div>
    }
    .into_any()
}

/// Polls `future` once: its output if it is ready at once (a split module already loaded).
fn now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}
