//! A time of day typed as a 24-hour `HH:MM`.
//!
//! A native `<input type=time>` is drawn in the browser's locale, not the page's language: an
//! English Chromium shows an all-day range as "12:00 AM → 12:00 AM", and it cannot show the
//! end of the day as "24:00". A text field shows exactly what the portal writes elsewhere.

use charge_model::day_ranges::{format_minute, parse_minute};
use leptos::prelude::*;

#[component]
pub fn TimeInput(
    /// The text in the field; "07:30", "24:00".
    value: RwSignal<String>,
    /// The field's id, for a visible `<label for>`.
    #[prop(optional, into)]
    id: Option<String>,
    /// The field's name for screen readers when it has no visible label.
    #[prop(optional, into)]
    label: Option<Signal<String>>,
) -> impl IntoView {
    // "7:30" becomes "07:30" when the field is left; what cannot be read stays as typed, for
    // the form to point at.
    let tidy = move |_| {
        if let Some(minute) = parse_minute(&value.get_untracked()) {
            value.set(format_minute(minute));
        }
    };
    view! {
        <input
            type="text"
            class="time-input"
            id=id
            aria-label=move || label.map(|label| label.get())
            placeholder="HH:MM"
            maxlength="5"
            autocomplete="off"
            spellcheck="false"
            bind:value=value
            on:blur=tidy
        />
    }
}
