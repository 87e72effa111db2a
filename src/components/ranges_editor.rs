//! The editor of a day's ranges with a value each (charging-profile slots with their most
//! power, tariff ranges with their price): rows of from, to and value, added and removed;
//! the list's error (an uncovered or overlapping range) is shown under it.

use charge_model::day_ranges::{DAY, Span, format_minute, parse_minute};
use leptos::prelude::*;

use crate::components::form::Form;
use crate::components::time_input::TimeInput;
use crate::i18n::{Texts, tr, use_i18n};

/// A range being edited: the inputs' texts.
#[derive(Clone, Copy)]
pub struct RangeDraft {
    key: u32,
    start: RwSignal<String>,
    end: RwSignal<String>,
    pub value: RwSignal<String>,
}

/// The drafts of one editor, with the keys that tell rows apart.
#[derive(Clone, Copy)]
pub struct RangeList {
    rows: RwSignal<Vec<RangeDraft>>,
    keys: StoredValue<u32>,
}

impl RangeList {
    /// A list of `(span, value text)` rows.
    pub fn new(rows: impl IntoIterator<Item = (Span, String)>) -> RangeList {
        let list = RangeList { rows: RwSignal::new(Vec::new()), keys: StoredValue::new(0) };
        for (span, value) in rows {
            list.push(span, value);
        }
        list
    }

    fn push(&self, span: Span, value: String) {
        let key = self.keys.get_value();
        self.keys.set_value(key + 1);
        let draft = RangeDraft {
            key,
            start: RwSignal::new(format_minute(span.start)),
            end: RwSignal::new(format_minute(span.end)),
            value: RwSignal::new(value),
        };
        self.rows.update(|rows| rows.push(draft));
    }

    /// Each row's span and value text; `None` when a time cannot be read. An end of
    /// "24:00" (or "00:00") is midnight at the end of the day.
    pub fn read(&self) -> Option<Vec<(Span, String)>> {
        self.rows
            .get_untracked()
            .iter()
            .map(|row| {
                let start = parse_minute(&row.start.get_untracked())?;
                let end = match parse_minute(&row.end.get_untracked())? {
                    0 => DAY,
                    end => end,
                };
                Some((Span { start, end }, row.value.get_untracked()))
            })
            .collect()
    }
}

/// A row's text of the current language, from the legend and the row number.
pub type RowText = fn(&str, usize) -> String;

/// The editor of one list. `value_header` heads the value column; `value_label` names a
/// row's value input for screen readers (legend, row number).
#[component]
pub fn RangesEditor(
    form: Form,
    /// The field the server names the list by (`weekdays`, `ranges`, `days.3`…).
    field: &'static str,
    #[prop(into)] legend: Signal<&'static str>,
    list: RangeList,
    value_header: fn(&'static Texts) -> &'static str,
    value_label: fn(&'static Texts) -> RowText,
    /// The text of the button that adds a row, from the legend.
    add_label: fn(&'static Texts) -> fn(&str) -> String,
    /// The value text of a new row.
    new_value: &'static str,
    /// Minutes the arrow keys move a time by (see [`TimeInput`]); 0: not at all.
    #[prop(optional)]
    step: u16,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = form.field_error(field);
    let error_id = format!("{}-error", field.replace('.', "-"));
    let described = error_id.clone();
    let rows = list.rows;
    view! {
        <fieldset class="profile" class:invalid=move || error.with(Option::is_some) aria-describedby=described>
            <legend>{legend}</legend>
            <div class="table-scroll">
                <table class="data-table slots">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.from_time)}</th>
                            <th scope="col">{tr(|t| t.to_time)}</th>
                            <th scope="col">{move || value_header(i18n.t())}</th>
                            <th scope="col"><span class="visually-hidden">{tr(|t| t.actions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get().into_iter().enumerate() key=|(_, row)| row.key let((index, row))>
                            <tr>
                                <td>
                                    <TimeInput value=row.start step label=Signal::derive(move || (i18n.t().slot_from)(legend.get(), index + 1)) />
                                </td>
                                <td>
                                    <TimeInput value=row.end step label=Signal::derive(move || (i18n.t().slot_to)(legend.get(), index + 1)) />
                                </td>
                                <td>
                                    <input
                                        type="text"
                                        inputmode="decimal"
                                        aria-label=move || value_label(i18n.t())(legend.get(), index + 1)
                                        bind:value=row.value
                                    />
                                </td>
                                <td class="row-actions">
                                    <button
                                        type="button"
                                        class="button link danger"
                                        aria-label=move || (i18n.t().remove_slot)(legend.get(), index + 1)
                                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))
                                    >
                                        {tr(|t| t.remove)}
                                    </button>
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
            <button
                type="button"
                class="button secondary"
                on:click=move |_| list.push(Span { start: 0, end: DAY }, new_value.to_owned())
            >
                {move || add_label(i18n.t())(legend.get())}
            </button>
        </fieldset>
    }
}
