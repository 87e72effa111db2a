use leptos::prelude::*;

use crate::components::title::use_title;
use crate::i18n::tr;

/// The start page of a logged-in user: their chargers.
#[component]
pub fn ChargersPage() -> impl IntoView {
    use_title(tr(|t| t.chargers_title));
    view! {
        <div class="page">
            <h1>{tr(|t| t.chargers_title)}</h1>
            <p class="empty">{tr(|t| t.chargers_empty)}</p>
        </div>
    }
}
