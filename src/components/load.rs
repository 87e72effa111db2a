//! The one loading pattern: "load → loading → error → content". A page creates a
//! `LocalResource` of an API call (its requests are aborted when the page goes away, see
//! [`crate::api`]) and shows it with [`Loaded`]. Content that edits what it loaded writes to
//! the same resource (`resource.update(…)`, `resource.set(Some(Ok(…)))`), and [`Loaded`]
//! shows the new value.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{tr, use_i18n};

/// What a page loads: the answer of an API call.
pub type Loading<T> = LocalResource<Result<T, ApiError>>;

/// Shows "Loading…" until `resource` first answers, then its error or `show(value)`.
///
/// A reload keeps the content until the new answer is there, then replaces it at once.
/// (Not a `<Transition>`: its re-run disposes of the old content's values at once but keeps
/// that content on screen until the new answer, where anything still reading them panics.)
#[component]
pub fn Loaded<T>(
    /// The loading call.
    resource: Loading<T>,
    /// The content for the loaded value.
    show: impl Fn(T) -> AnyView + Send + Sync + 'static,
    /// The view of an error, when not the usual message.
    #[prop(optional)]
    on_error: Option<Box<dyn Fn(ApiError) -> AnyView + Send + Sync>>,
) -> impl IntoView
where
    T: Clone + 'static,
{
    move || match resource.get() {
        None => view! { <LoadingNote /> }.into_any(),
        Some(Ok(value)) => show(value),
        Some(Err(error)) => match &on_error {
            Some(view) => view(error),
            None => failed(error),
        },
    }
}

/// The error view of [`Loaded`] (not generic: compiled once).
fn failed(error: ApiError) -> AnyView {
    view! { <ApiErrorNote error=Signal::stored(Some(error)) /> }.into_any()
}

/// The paragraph shown while something loads, announced politely.
#[component]
pub fn LoadingNote() -> impl IntoView {
    view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }
}

/// An error message, announced when it appears (empty and hidden without one).
#[component]
pub fn ErrorNote(
    /// The message, already in the user's language.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-error" role="alert">
            {move || message.get().map(|message| view! { <p>{message}</p> })}
        </div>
    }
}

/// An API error in the user's language, as an [`ErrorNote`].
#[component]
pub fn ApiErrorNote(
    /// The error, if any.
    #[prop(into)]
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! { <ErrorNote message=Signal::derive(move || error.with(|e| e.as_ref().map(|e| i18n.error(e)))) /> }
}
