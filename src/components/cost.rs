//! A charge's cost in the user's money format, marked when market prices were estimated.

use charge_model::tariff::Cost;
use leptos::prelude::*;

use crate::format;
use crate::i18n::{tr, use_i18n};

/// The cost, with its "estimated" badge.
#[component]
pub fn CostText(cost: Cost) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || format::money(cost.cents, i18n.language())}
        {cost.estimated.then(|| view! {
            " " <span class="badge" title=move || i18n.t().estimated_hint>{tr(|t| t.estimated)}</span>
        })}
    }
}

/// What a cost includes, under every place that shows costs: energy only.
#[component]
pub fn CostNote() -> impl IntoView {
    view! { <p class="hint cost-note" role="note">{tr(|t| t.cost_note)}</p> }
}

/// The cost as a table cell.
#[component]
pub fn CostCell(cost: Cost) -> impl IntoView {
    view! { <td class="number"><CostText cost /></td> }
}
