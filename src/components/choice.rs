//! A row of mutually exclusive choices that act at once (radio buttons drawn as a segmented
//! control): the statistics' period and metric. Arrow keys move between them, as radios do.

use leptos::prelude::*;

use crate::i18n::{Text, use_i18n};

#[component]
pub fn ChoiceGroup<T>(
    /// The group's name, also its radios' `name`.
    name: &'static str,
    legend: Text,
    options: Vec<(T, Text)>,
    #[prop(into)] value: Signal<T>,
    on_choose: impl Fn(T) + Copy + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <fieldset class="choice-group">
            <legend>{move || legend(i18n.t())}</legend>
            <div class="choices">
                {options
                    .into_iter()
                    .map(|(option, label)| {
                        view! {
                            <label class="choice" class:chosen=move || value.get() == option>
                                <input
                                    type="radio"
                                    name=name
                                    prop:checked=move || value.get() == option
                                    on:change=move |_| on_choose(option)
                                />
                                <span>{move || label(i18n.t())}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}
