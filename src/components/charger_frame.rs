//! The frame of every page under `/chargers/:id`: the charger's detail loaded (and loaded
//! again when access changes), "not found", the load error, and the sub-pages' heading.

use charge_model::charger::{ChargerDetail, ChargerId, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::load::{ApiErrorNote, LoadingNote};
use crate::components::title::{use_dynamic_title, use_title};
use crate::i18n::tr;
use crate::live::use_live;

/// Loads a charger's detail for a page under `/chargers/:id`, with the common
/// "not found" and error states; `show` renders the loaded detail with the user's role.
///
/// The detail is loaded again whenever the chargers the user can see change (`access`
/// events). A new role reaches the page already shown through the role signal, so the page
/// keeps its state; a charger no longer visible turns the page to "not found". The view is
/// replaced only when what the page is about changes, and synchronously, so that the old
/// view's effects go with the values they read. (Not a `<Transition>`: its re-run disposes
/// of the old view's values at once but keeps the view and its effects until the reload
/// resolves, and the next live status then made them read disposed values.)
#[component]
pub fn WithCharger(show: fn(ChargerDetail, Signal<Role>) -> AnyView) -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|raw| ChargerId::parse(&raw).ok())));
    let detail = LocalResource::new(move || {
        let id = id.get();
        live.access_version();
        async move {
            let Some(id) = id else { return Ok(None) };
            let found = api::found(api::charger(&id).await);
            if let Ok(Some(detail)) = &found {
                live.apply(&detail.summary.id, detail.summary.status.clone());
            }
            found
        }
    });
    // What the page is about; `None` until the first answer.
    let shown = Memo::new(move |before: Option<&Option<Shown>>| {
        let before = before.and_then(Option::as_ref);
        id.with(|id| {
            detail.with(|loaded| loaded.as_ref().map(|loaded| Shown::of(loaded, before, id.as_ref())))
        })
    });
    let role = Memo::new(move |before: Option<&Role>| {
        detail.with(|loaded| match loaded {
            Some(Ok(Some(detail))) => detail.summary.role,
            _ => before.copied().unwrap_or(Role::Viewer),
        })
    });
    move || match shown.get() {
        None => view! { <LoadingNote /> }.into_any(),
        // The detail as loaded now: later loads reach the view through `role`.
        Some(Shown::Charger { .. }) => match detail.get_untracked() {
            Some(Ok(Some(detail))) => show(detail, role.into()),
            _ => ().into_any(),
        },
        Some(Shown::Missing { unshared }) => view! { <ChargerNotFound unshared /> }.into_any(),
        Some(Shown::Failed) => match detail.get_untracked() {
            Some(Err(error)) => view! { <ChargerLoadError error /> }.into_any(),
            _ => ().into_any(),
        },
    }
}

/// What a page under `/chargers/:id` shows.
#[derive(Clone, PartialEq)]
enum Shown {
    Charger {
        id: ChargerId,
        owner: bool,
    },
    /// Not among the user's chargers; `unshared` when the page showed it until a change of
    /// access (someone else's charger: its owner stopped sharing it, or removed it).
    Missing {
        unshared: bool,
    },
    Failed,
}

impl Shown {
    /// What to show for `loaded`, the detail of the charger `id` of the route, after `before`.
    fn of(
        loaded: &Result<Option<ChargerDetail>, ApiError>,
        before: Option<&Shown>,
        id: Option<&ChargerId>,
    ) -> Shown {
        match loaded {
            Ok(Some(detail)) => {
                Shown::Charger { id: detail.summary.id.clone(), owner: detail.summary.role.is_owner() }
            }
            Ok(None) => Shown::Missing {
                unshared: matches!(before, Some(Shown::Charger { id: was, owner: false }) if Some(was) == id),
            },
            Err(_) => Shown::Failed,
        }
    }
}

/// The top of a charger's sub-page (settings, schedule, tariff): the way back, the title
/// (also the document's), and the read-only note for a viewer.
#[component]
pub fn SubpageHeading(
    id: ChargerId,
    /// The charger's name, as it is now (it can change on the page).
    #[prop(into)]
    name: Signal<String>,
    /// The page's title.
    #[prop(into)]
    title: Signal<String>,
    /// Whether the user may change what the page shows (it follows a change of role).
    #[prop(into)]
    can_edit: Signal<bool>,
) -> impl IntoView {
    use_dynamic_title(move || title.get());
    view! {
        <nav class="breadcrumbs" aria-label=tr(|t| t.breadcrumbs)>
            <a href="/">{tr(|t| t.chargers_title)}</a>
            " / "
            <a href=format!("/chargers/{id}")>{name}</a>
        </nav>
        <h1>{title}</h1>
        {move || (!can_edit.get()).then(|| view! { <p class="note">{tr(|t| t.settings_read_only)}</p> })}
    }
}

/// The page of a charger the user cannot see; `unshared` when it was shown until its owner
/// stopped sharing it.
#[component]
fn ChargerNotFound(unshared: bool) -> impl IntoView {
    use_title(tr(|t| t.charger_not_found_title));
    let body = if unshared { tr(|t| t.charger_unshared_body) } else { tr(|t| t.charger_not_found_body) };
    view! {
        <div class="page narrow">
            <h1>{tr(|t| t.charger_not_found_title)}</h1>
            <p>{body}</p>
            <a href="/">{tr(|t| t.back_to_chargers)}</a>
        </div>
    }
}

#[component]
fn ChargerLoadError(error: ApiError) -> impl IntoView {
    view! {
        <div class="page narrow">
            <ApiErrorNote error=Some(error) />
        </div>
    }
}
