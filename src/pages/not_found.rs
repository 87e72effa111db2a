use leptos::prelude::*;

use crate::components::title::use_title;
use crate::i18n::tr;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    use_title(tr(|t| t.not_found_title));
    view! {
        <div class="page narrow">
            <h1>{tr(|t| t.not_found_title)}</h1>
            <p>{tr(|t| t.not_found_body)}</p>
            <a href="/">{tr(|t| t.go_home)}</a>
        </div>
    }
}
