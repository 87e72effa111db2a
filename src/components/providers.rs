//! "Continue with …" links of the configured OpenID Connect providers (nothing when none is).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::use_i18n;
use crate::nav;

/// One link per provider, to the server's start of its sign-in; it comes back to the page in
/// `next`, or to the login page with the reason when it fails.
///
/// The links are written as markup rather than a view per link: this is on the login page,
/// whose bundle is near its size budget, and a list of views costs kilobytes there.
#[component]
pub fn ProviderButtons() -> impl IntoView {
    let i18n = use_i18n();
    let links = RwSignal::new(Vec::<(String, String)>::new());
    spawn_local(async move {
        let next = nav::query("next").map(|next| format!("?next={}", nav::encode(&next))).unwrap_or_default();
        let mut found = Vec::new();
        for provider in api::oidc_providers().await.unwrap_or_default() {
            found.push((
                api::url(&format!("/api/auth/oidc/{}/start{next}", provider.id)).await,
                provider.name,
            ));
        }
        links.set(found);
    });
    let markup = move || {
        let continue_with = i18n.t().continue_with;
        links.with(|links| {
            links
                .iter()
                .map(|(href, name)| {
                    // `rel=external`: the router must let the browser go to the server.
                    format!(
                        r#"<a class="button secondary" rel="external" href="{}">{}</a>"#,
                        escape(href),
                        escape(&continue_with(name))
                    )
                })
                .collect::<String>()
        })
    };
    // The divider under the links is the stylesheet's, from `data-or` (nothing when no link).
    view! { <div class="providers" data-or=move || i18n.t().or_with_email inner_html=markup></div> }
}

/// Text for HTML markup: `&`, `<`, `>` and `"` as entities.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
