//! The site header shared by both bundles: brand, navigation slot, language picker.

use charge_model::Language;
use leptos::ev;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};

/// The header; `nav` is the main navigation and `children` go at its end (user menu, login links).
#[component]
pub fn SiteHeader(
    /// The main navigation, when there is one.
    #[prop(optional)]
    nav: Option<Children>,
    children: Children,
) -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="skip-link" href="#main">{tr(|t| t.skip_to_content)}</a>
            <a href="/" class="brand">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M13 2 4 14h7l-1 8 9-12h-7z" />
                </svg>
                <span>{tr(|t| t.app_name)}</span>
            </a>
            {nav.map(|nav| nav())}
            <div class="header-tools">
                <LanguagePicker />
                {children()}
            </div>
        </header>
    }
}

/// The links of a logged-out visitor.
#[component]
pub fn LoggedOutLinks() -> impl IntoView {
    view! {
        <a href="/login" class="button link">{tr(|t| t.log_in)}</a>
        <a href="/register" class="button secondary">{tr(|t| t.register)}</a>
    }
}

/// Switches the portal's language (the app also saves it in a logged-in user's profile).
#[component]
fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: ev::Event| {
        if let Some(language) = Language::from_tag(&event_target_value(&ev)) {
            i18n.pick(language);
        }
    };
    view! {
        <label class="visually-hidden" for="language-picker">{tr(|t| t.language)}</label>
        <select id="language-picker" class="language-picker" on:change=on_change>
            {Language::ALL
                .into_iter()
                .map(|language| {
                    view! {
                        <option value=language.tag() selected=move || i18n.language() == language>
                            {language.native_name()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
