//! A time of day typed as a 24-hour `HH:MM`.
//!
//! A native `<input type=time>` is drawn in the browser's locale, not the page's language: an
//! English Chromium shows an all-day range as "12:00 AM → 12:00 AM", and it cannot show the
//! end of the day as "24:00". A text field shows exactly what the portal writes elsewhere.

use charge_model::day_ranges::{DAY, format_minute, parse_minute};
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
    /// Minutes the arrow keys move the time by, to the next multiple (15 for tariff ranges,
    /// whose boundaries lie on quarter-hours); 0 leaves the arrow keys alone.
    #[prop(optional)]
    step: u16,
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
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let up = match ev.key().as_str() {
                    "ArrowUp" => true,
                    "ArrowDown" => false,
                    _ => return,
                };
                if step == 0 {
                    return;
                }
                ev.prevent_default();
                let minute = parse_minute(&value.get_untracked()).unwrap_or(0);
                value.set(format_minute(stepped(minute, step, up)));
            }
        />
    }
}

/// `minute` moved to the next multiple of `step` up or down, within 00:00–24:00.
fn stepped(minute: u16, step: u16, up: bool) -> u16 {
    if up {
        (minute / step + 1).saturating_mul(step).min(DAY)
    } else {
        minute.saturating_sub(1) / step * step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrow_keys_move_to_the_next_quarter_hour() {
        assert_eq!(stepped(22 * 60 + 10, 15, true), 22 * 60 + 15);
        assert_eq!(stepped(22 * 60 + 10, 15, false), 22 * 60);
        assert_eq!(stepped(22 * 60, 15, false), 21 * 60 + 45);
        assert_eq!(stepped(DAY, 15, true), DAY);
        assert_eq!(stepped(0, 15, false), 0);
    }
}
