//! The schedule page's "Ready by" card: a charger's charging plan, its form, and the plan
//! as a chart of the chosen quarter-hours with their prices and what it costs.

use charge_model::charger::ChargerId;
use charge_model::day_ranges::{format_minute, parse_minute};
use charge_model::habits::{DayGroup, Habit, Habits};
use charge_model::madrid;
use charge_model::plan::{ChargingPlan, PlanError, PlanGoal, Repeat};
use charge_model::{FieldErrors, Problem};
use chrono::{Duration, NaiveDateTime, NaiveTime};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::cost::CostNote;
use crate::components::form::{Form, FormError, SubmitButton, TextField};
use crate::components::load::Loaded;
use crate::components::time_input::TimeInput;
use crate::format;
use crate::i18n::{I18n, tr, use_i18n};

/// How a departure is written in a `datetime-local` input.
const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// The "Ready by" card for a charger and its plan as loaded (`None`: no plan).
#[component]
pub fn PlanSection(id: ChargerId, plan: Option<ChargingPlan>) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("plan");
    let goal = plan.as_ref().map(|plan| plan.goal);
    let current = RwSignal::new(plan);
    let repeat = goal.and_then(|goal| goal.repeat);
    let repeating = RwSignal::new(repeat.is_some());
    let now = crate::clock::now();
    let departure =
        goal.and_then(|goal| goal.departure).and_then(|at| chrono::DateTime::from_timestamp(at, 0));
    // Tomorrow at 07:30 when there is no departure yet.
    let tomorrow = (madrid::local(now).date() + Duration::days(1))
        .and_time(NaiveTime::from_hms_opt(7, 30, 0).unwrap_or_default());
    let departure_text =
        RwSignal::new(departure.map_or(tomorrow, madrid::local).format(LOCAL_FORMAT).to_string());
    let days = repeat.map_or([true, true, true, true, true, false, false], |r| r.days).map(RwSignal::new);
    let time = RwSignal::new(format_minute(repeat.map_or(450, |r| r.minute)));
    let language = i18n.language();
    let energy = RwSignal::new(format::number_field(
        &goal.map_or(20.0, |goal| f64::from(goal.energy_wh) / 1000.0).to_string(),
        language,
    ));
    let delete_id = StoredValue::new(id.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut unreadable = FieldErrors::new();
        let energy_wh = match format::read_number(&energy.get_untracked()) {
            Some(kwh) if (0.0..=1.0e6).contains(&kwh) => (kwh * 1000.0).round() as u32,
            _ => {
                unreadable.add("energy_wh", Problem::Other(i18n.t().plan_energy_format.to_owned()));
                0
            }
        };
        let (departure, repeat) = if repeating.get_untracked() {
            let minute = parse_minute(&time.get_untracked());
            if minute.is_none() {
                unreadable.add("repeat.minute", Problem::Other(i18n.t().time_format.to_owned()));
            }
            (None, Some(Repeat { days: days.map(|day| day.get_untracked()), minute: minute.unwrap_or(0) }))
        } else {
            let local = NaiveDateTime::parse_from_str(&departure_text.get_untracked(), LOCAL_FORMAT).ok();
            if local.is_none() {
                unreadable.add("departure", Problem::Other(i18n.t().plan_date_format.to_owned()));
            }
            (local.map(|local| madrid::instant(local).timestamp()), None)
        };
        let goal = PlanGoal { departure, repeat, energy_wh };
        let checked = if unreadable.is_empty() {
            goal.validate(crate::clock::now().timestamp())
        } else {
            Err(unreadable)
        };
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::save_plan(&id, &goal).await },
            move |plan| current.set(Some(plan)),
        );
    };
    let delete_form = Form::new("plan-delete");
    let on_delete = move |ev: SubmitEvent| {
        ev.prevent_default();
        let id = delete_id.get_value();
        delete_form.submit(
            Ok(()),
            move || async move { api::delete_plan(&id).await },
            move |()| current.set(None),
        );
    };
    // Accepting a habit saves its plan and shows it in the form too.
    let on_accept = Callback::new(move |plan: ChargingPlan| {
        if let Some(repeat) = plan.goal.repeat {
            repeating.set(true);
            days.iter().zip(repeat.days).for_each(|(day, on)| day.set(on));
            time.set(format_minute(repeat.minute));
        }
        energy.set(format::number_field(
            &(f64::from(plan.goal.energy_wh) / 1000.0).to_string(),
            i18n.language(),
        ));
        current.set(Some(plan));
    });
    let habits_id = delete_id.get_value();
    let days_error = form.field_error("repeat.days");
    let minute_error = form.field_error("repeat.minute");
    view! {
        <section class="card" aria-labelledby="plan-title">
            <h2 id="plan-title">{tr(|t| t.plan_title)}</h2>
            <p>{tr(|t| t.plan_intro)}</p>
            <HabitsPanel id=habits_id on_accept />
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <fieldset class="radio-group">
                    <legend>{tr(|t| t.plan_kind)}</legend>
                    <label class="radio">
                        <input type="radio" name="plan-kind" prop:checked=move || !repeating.get() on:change=move |_| repeating.set(false) />
                        {tr(|t| t.plan_once)}
                    </label>
                    <label class="radio">
                        <input type="radio" name="plan-kind" prop:checked=move || repeating.get() on:change=move |_| repeating.set(true) />
                        {tr(|t| t.plan_repeat)}
                    </label>
                </fieldset>
                {move || if repeating.get() {
                    view! {
                        <div class="weekdays" role="group" aria-label=tr(|t| t.days)>
                            {(0..7)
                                .map(|day| {
                                    let check_id = format!("plan-day-{day}");
                                    let label_for = check_id.clone();
                                    view! {
                                        <label class="weekday" for=label_for>
                                            <input id=check_id type="checkbox" bind:checked=days[day] />
                                            <span>{move || i18n.t().weekdays_short[day]}</span>
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <p class="field-error" aria-live="polite">{move || days_error.get()}</p>
                        <div class="field">
                            <label for="plan-time">{tr(|t| t.plan_departure_time)}</label>
                            <TimeInput id="plan-time" value=time />
                            <p class="field-error" aria-live="polite">{move || minute_error.get()}</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <TextField form name="departure" label=tr(|t| t.plan_departure) value=departure_text kind="datetime-local" />
                    }
                    .into_any()
                }}
                <TextField form name="energy_wh" label=tr(|t| t.plan_energy) value=energy decimal=true />
                <SubmitButton form label=tr(|t| t.plan_save) pending_label=tr(|t| t.saving) />
            </form>
            // Worded and formatted in the language of the moment: drawn again when it changes.
            {move || match (i18n.language(), current.get()).1 {
                None => view! { <p class="muted">{tr(|t| t.plan_none)}</p> }.into_any(),
                Some(plan) => view! {
                    <PlanView plan />
                    <form on:submit=on_delete novalidate>
                        <FormError form=delete_form />
                        <SubmitButton form=delete_form label=tr(|t| t.plan_delete) pending_label=tr(|t| t.saving) />
                    </form>
                }
                .into_any(),
            }}
        </section>
    }
}

/// The plans the charger's own history proposes, each with the rule that found it; accepting
/// one saves it as the charger's repeating plan (`on_accept` gets the answer).
#[component]
fn HabitsPanel(id: ChargerId, on_accept: Callback<ChargingPlan>) -> impl IntoView {
    let charger = StoredValue::new(id);
    let resource = LocalResource::new(move || {
        let id = charger.get_value();
        async move { api::habits(&id).await }
    });
    view! {
        <section class="habits" aria-labelledby="habits-title">
            <h3 id="habits-title">{tr(|t| t.habits_title)}</h3>
            <Loaded
                resource
                show=move |habits: Habits| {
                    let (weeks, least) = (habits.window_days / 7, habits.min_charges);
                    habits
                        .habits
                        .into_iter()
                        .map(|habit| view! { <HabitProposal id=charger.get_value() habit weeks least on_accept /> })
                        .collect_view()
                        .into_any()
                }
            />
        </section>
    }
}

/// One group's habit: what is typical and the rule, or why there is no proposal.
#[component]
fn HabitProposal(
    id: ChargerId,
    habit: Habit,
    /// The weeks the rule looks back.
    weeks: u32,
    /// The fewest charges for a proposal.
    least: u32,
    on_accept: Callback<ChargingPlan>,
) -> impl IntoView {
    let i18n = use_i18n();
    let group = match habit.group {
        DayGroup::Weekdays => 0,
        DayGroup::Weekends => 1,
    };
    let form = Form::new(match habit.group {
        DayGroup::Weekdays => "habit-weekdays",
        DayGroup::Weekends => "habit-weekends",
    });
    let (Some(typical), Some(goal)) = (habit.typical, habit.goal()) else {
        let text = move || (i18n.t().habits_too_few)(i18n.t().habits_on[group], habit.charges, weeks, least);
        return view! { <p class="muted habit">{text}</p> }.into_any();
    };
    let energy = move || format::kwh(f64::from(typical.energy_wh), i18n.language());
    let departure = format_minute(typical.departure_minute);
    let departure_text = departure.clone();
    let typical_text = move || {
        (i18n.t().habits_typical)(
            i18n.t().habits_on[group],
            &format_minute(typical.plug_in_minute),
            &departure_text,
            &energy(),
        )
    };
    let rule = move || (i18n.t().habits_rule)(weeks, habit.charges, i18n.t().habits_in[group], least);
    let accept = move || (i18n.t().habits_accept)(i18n.t().habits_in[group], &departure, &energy());
    let pending = form.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let id = id.clone();
        form.submit(
            Ok(()),
            move || async move { api::save_plan(&id, &goal).await },
            move |plan| on_accept.run(plan),
        );
    };
    view! {
        <form class="habit" on:submit=on_submit novalidate>
            <p><strong>{typical_text}</strong></p>
            <p class="muted habit-rule">{rule}</p>
            <FormError form />
            <button type="submit" class="button" disabled=pending aria-busy=move || pending.get().to_string()>
                {accept}
            </button>
        </form>
    }
    .into_any()
}

/// Why a plan cannot be met, in the user's language.
fn unmet_text(i18n: I18n, reason: PlanError) -> String {
    let t = i18n.t();
    match reason {
        PlanError::NotEnoughTime { max_wh } => {
            (t.plan_not_enough_time)(&format::kwh(f64::from(max_wh), i18n.language()))
        }
        PlanError::NoPrices { .. } => t.plan_prices_missing.to_owned(),
        PlanError::DepartureInPast | PlanError::HorizonTooLong { .. } | PlanError::DateOutOfRange { .. } => {
            t.plan_departure_passed.to_owned()
        }
    }
}

/// A plan as it stands: what it is for, its chart and costs, or why it cannot be met.
#[component]
fn PlanView(plan: ChargingPlan) -> impl IntoView {
    let i18n = use_i18n();
    let language = i18n.language();
    let by = (i18n.t().plan_by)(
        &format::kwh(f64::from(plan.goal.energy_wh), language),
        &format::date_time(plan.departure, language),
    );
    let body = match (plan.plan, plan.unmet) {
        (Some(chosen), _) => {
            let costs = (i18n.t().plan_costs)(
                &format::money(chosen.cost.cents, language),
                &format::money(chosen.at_once.cents, language),
            );
            let highest = chosen.quarters.iter().map(|q| q.price.0.abs()).max().unwrap_or(1).max(1);
            let width = (chosen.quarters.len().max(1) * 12) as u32;
            let bars = chosen
                .quarters
                .iter()
                .enumerate()
                .map(|(index, quarter)| {
                    let height = (quarter.price.0.max(0) as f64 / highest as f64 * 90.0).max(2.0);
                    view! {
                        <rect class="plan-bar" x=(index * 12 + 1).to_string() y=format!("{:.1}", 100.0 - height)
                            width="10" height=format!("{height:.1}") />
                    }
                })
                .collect_view();
            let rows = chosen
                .quarters
                .iter()
                .map(|quarter| {
                    let text = format!(
                        "{}–{} · {} · {}",
                        format::clock(quarter.start),
                        format::clock_end(quarter.start + 900),
                        format::price(quarter.price, language),
                        format::kwh(quarter.energy_mwh as f64 / 1000.0, language),
                    );
                    view! { <li>{text}</li> }
                })
                .collect_view();
            view! {
                <p class="plan-costs">{costs}</p>
                <CostNote />
                <figure class="plan-chart">
                    <svg role="img" aria-label=tr(|t| t.plan_chart) viewBox=format!("0 0 {width} 100")
                        preserveAspectRatio="none" width="100%" height="120">
                        {bars}
                    </svg>
                    <figcaption>{tr(|t| t.plan_chart)}</figcaption>
                    <ol class="plan-quarters">{rows}</ol>
                </figure>
            }
            .into_any()
        }
        (None, Some(reason)) => {
            view! { <p class="form-error" role="alert">{unmet_text(i18n, reason)}</p> }.into_any()
        }
        (None, None) => ().into_any(),
    };
    view! {
        <div class="plan" data-testid="plan">
            <p><strong>{by}</strong></p>
            {body}
        </div>
    }
}
