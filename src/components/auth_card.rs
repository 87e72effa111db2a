use leptos::prelude::*;

/// The centred card of the logged-out pages (login, registration, recovery).
#[component]
pub fn AuthCard(
    /// The page heading.
    #[prop(into)]
    title: Signal<&'static str>,
    /// A line under the heading.
    #[prop(optional, into)]
    intro: Option<Signal<&'static str>>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="auth-card" aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            {intro.map(|intro| view! { <p class="intro">{intro}</p> })}
            {children()}
        </section>
    }
}
