use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Keeps the document title as "<page> · Charge Portal", following the language.
pub fn use_title(page: impl Fn() -> &'static str + 'static) {
    use_dynamic_title(move || page().to_owned());
}

/// [`use_title`] for a title made at run time (a charger's name).
pub fn use_dynamic_title(page: impl Fn() -> String + 'static) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let title = format!("{} · {}", page(), i18n.t().app_name);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
    });
}
