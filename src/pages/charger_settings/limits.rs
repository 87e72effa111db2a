//! Current limits (6–32 A), the supply, and the contracted-power calculator of V2C's guide.

use charge_model::charger::{MAX_CURRENT_A, MIN_CURRENT_A, Supply, max_current_for};
use charge_model::{FieldErrors, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{Saved, saved_notice};
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextField};
use crate::format;
use crate::i18n::{tr, use_i18n};

#[component]
pub fn Limits(saved: Saved) -> impl IntoView {
    let form = Form::new("limits");
    let start = saved.get();
    let min = RwSignal::new(start.min_current_a.to_string());
    let max = RwSignal::new(start.max_current_a.to_string());
    let supply = RwSignal::new(start.supply);
    let done = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let mut errors = FieldErrors::new();
        let out_of_range =
            || Problem::OutOfRange { min: f64::from(MIN_CURRENT_A), max: f64::from(MAX_CURRENT_A) };
        let min_a =
            min.get_untracked().trim().parse::<u8>().map_err(|_| errors.add("min_current_a", out_of_range()));
        let max_a =
            max.get_untracked().trim().parse::<u8>().map_err(|_| errors.add("max_current_a", out_of_range()));
        saved.save(
            form,
            errors,
            |s| {
                s.min_current_a = min_a.unwrap_or(s.min_current_a);
                s.max_current_a = max_a.unwrap_or(s.max_current_a);
                s.supply = supply.get_untracked();
            },
            move || done.set(true),
        );
    };
    view! {
        <section class="card" aria-labelledby="limits-title">
            <h2 id="limits-title">{tr(|t| t.limits_title)}</h2>
            <p>{tr(|t| t.limits_intro)}</p>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <fieldset class="radio-group">
                    <legend>{tr(|t| t.supply)}</legend>
                    <SupplyChoice supply choice=Supply::SinglePhase label=tr(|t| t.single_phase) />
                    <SupplyChoice supply choice=Supply::ThreePhase label=tr(|t| t.three_phase) />
                </fieldset>
                <div class="row">
                    <TextField form name="min_current_a" label=tr(|t| t.min_current) value=min kind="number" />
                    <TextField form name="max_current_a" label=tr(|t| t.max_current) value=max kind="number" />
                </div>
                <p class="warning" role="note">{tr(|t| t.wiring_warning)}</p>
                <Calculator supply max />
                <Notice message=saved_notice(done) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

#[component]
fn SupplyChoice(
    supply: RwSignal<Supply>,
    choice: Supply,
    #[prop(into)] label: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <label class="radio">
            <input
                type="radio"
                name="supply"
                prop:checked=move || supply.get() == choice
                on:change=move |_| supply.set(choice)
            />
            {label}
        </label>
    }
}

/// Contracted power (kW) → the highest current it allows, with a button to use it as maximum.
#[component]
fn Calculator(supply: RwSignal<Supply>, max: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let contracted = RwSignal::new(String::new());
    let result = Memo::new(move |_| {
        let kw = format::read_number(&contracted.get()).filter(|kw| *kw > 0.0 && *kw < 1000.0)?;
        Some(max_current_for(kw, supply.get()))
    });
    let usable = move || {
        result.get().map(|amps| (amps.floor() as u8).min(MAX_CURRENT_A)).filter(|a| *a >= MIN_CURRENT_A)
    };
    view! {
        <div class="calculator">
            <h3>{tr(|t| t.calculator_title)}</h3>
            <div class="field">
                <label for="contracted-power">{tr(|t| t.contracted_power)}</label>
                <input
                    id="contracted-power"
                    type="text"
                    inputmode="decimal"
                    aria-describedby="contracted-power-result"
                    bind:value=contracted
                />
            </div>
            <p id="contracted-power-result" class="calculator-result" aria-live="polite">
                {move || {
                    let t = i18n.t();
                    match (result.get(), usable()) {
                        (None, _) => t.calculator_prompt.to_owned(),
                        (Some(amps), Some(use_a)) => {
                            (t.calculator_result)(&format::decimal(amps, 1, i18n.language()), use_a)
                        }
                        (Some(amps), None) => (t.calculator_too_low)(&format::decimal(amps, 1, i18n.language())),
                    }
                }}
            </p>
            {move || {
                usable()
                    .map(|amps| {
                        view! {
                            <button type="button" class="button secondary" on:click=move |_| max.set(amps.to_string())>
                                {move || (i18n.t().calculator_use)(amps)}
                            </button>
                        }
                    })
            }}
        </div>
    }
}
