//! When a charger charges: its two timers, and dynamic power control with the weekday and
//! weekend charging profiles.

use charge_model::charger::{ChargerDetail, ChargerId, Role};
use charge_model::day_ranges::{DAY, Span, format_minute, parse_minute};
use charge_model::dynamic_power::{DynamicPower, ProfileSlot, PvMode, Scheme};
use charge_model::timers::{Timer, Timers};
use charge_model::{FieldErrors, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::charger_frame::{SubpageHeading, WithCharger};
use crate::components::form::{CheckboxField, Form, FormError, Notice, SubmitButton, TextField};
use crate::components::load::Loaded;
use crate::components::plan_card::PlanSection;
use crate::components::ranges_editor::{RangeList, RangesEditor};
use crate::components::time_input::TimeInput;
use crate::format;
use crate::i18n::{I18n, tr, use_i18n};

#[component]
pub fn SchedulePage() -> impl IntoView {
    view! { <WithCharger show=|detail, role| view! { <ScheduleView detail role /> }.into_any() /> }
}

#[component]
fn ScheduleView(detail: ChargerDetail, role: Signal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let name = summary.name.clone();
    let title = Signal::derive(move || (i18n.t().schedule_title)(&name));
    let can_edit = Signal::derive(move || role.get().can_edit());
    let (timers_id, power_id) = (StoredValue::new(summary.id.clone()), StoredValue::new(summary.id.clone()));
    let plan_id = StoredValue::new(summary.id.clone());
    let photovoltaic = detail.features.photovoltaic;
    view! {
        <div class="page narrow schedule-page">
            <SubpageHeading id=summary.id.clone() name=summary.name.clone() title can_edit />
            <fieldset class="settings-sections" disabled=move || !can_edit.get()>
                <Loaded
                    resource=LocalResource::new(move || {
                        let id = timers_id.get_value();
                        async move { api::timers(&id).await }
                    })
                    show=move |timers| view! { <TimersSection id=timers_id.get_value() timers /> }.into_any()
                />
                <Loaded
                    resource=LocalResource::new(move || {
                        let id = plan_id.get_value();
                        async move { api::plan(&id).await }
                    })
                    show=move |plan| view! { <PlanSection id=plan_id.get_value() plan /> }.into_any()
                />
                <Loaded
                    resource=LocalResource::new(move || {
                        let id = power_id.get_value();
                        async move { api::dynamic_power(&id).await }
                    })
                    show=move |power| {
                        view! { <DynamicPowerSection id=power_id.get_value() power photovoltaic /> }.into_any()
                    }
                />
            </fieldset>
        </div>
    }
}

/// Field names for the per-item errors of lists (the server names them by index).
const TIMER_FIELDS: [(&str, &str); 3] = [
    ("timers.0.days", "timers.0.span"),
    ("timers.1.days", "timers.1.span"),
    ("timers.2.days", "timers.2.span"),
];

/// A timer being edited: its fields as the inputs hold them.
#[derive(Clone, Copy)]
struct TimerDraft {
    key: u32,
    enabled: RwSignal<bool>,
    days: [RwSignal<bool>; 7],
    start: RwSignal<String>,
    end: RwSignal<String>,
}

impl TimerDraft {
    fn new(key: u32, timer: &Timer) -> TimerDraft {
        TimerDraft {
            key,
            enabled: RwSignal::new(timer.enabled),
            days: timer.days.map(RwSignal::new),
            start: RwSignal::new(format_minute(timer.span.start)),
            end: RwSignal::new(format_minute(timer.span.end)),
        }
    }

    /// The timer, or `None` when a time cannot be read. "24:00" (or "00:00") as an end means midnight.
    fn read(&self) -> Option<Timer> {
        let start = parse_minute(&self.start.get_untracked())?;
        let end = match parse_minute(&self.end.get_untracked())? {
            0 => DAY,
            end => end,
        };
        Some(Timer {
            enabled: self.enabled.get_untracked(),
            days: self.days.map(|day| day.get_untracked()),
            span: Span { start, end },
        })
    }
}

fn weekday_names(i18n: I18n) -> [&'static str; 7] {
    i18n.t().weekdays_short
}

#[component]
fn TimersSection(id: ChargerId, timers: Timers) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("timers");
    let next_key = StoredValue::new(timers.timers.len() as u32);
    let drafts = RwSignal::new(
        timers.timers.iter().enumerate().map(|(i, t)| TimerDraft::new(i as u32, t)).collect::<Vec<_>>(),
    );
    let done = RwSignal::new(false);
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let timer = Timer { enabled: true, days: [true; 7], span: Span { start: 60, end: 7 * 60 } };
        drafts.update(|d| d.push(TimerDraft::new(key, &timer)));
        // A third is refused here as the server would.
        let count = drafts.with_untracked(Vec::len);
        let candidate = Timers { timers: vec![timer; count] };
        match candidate.validate() {
            Err(errors) if errors.get("timers").is_some() => {
                drafts.update(|d| {
                    d.pop();
                });
                let mut only = FieldErrors::new();
                only.add("timers", Problem::TooManyTimers);
                form.show_field_errors(only);
            }
            _ => form.show_field_errors(FieldErrors::new()),
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let list = drafts.get_untracked();
        let mut unreadable = FieldErrors::new();
        let timers: Vec<Timer> = list
            .iter()
            .enumerate()
            .filter_map(|(index, draft)| {
                let timer = draft.read();
                if timer.is_none() {
                    unreadable.add(
                        &format!("timers.{index}.span"),
                        Problem::Other(i18n.t().time_format.to_owned()),
                    );
                }
                timer
            })
            .collect();
        let request = Timers { timers };
        let checked = if unreadable.is_empty() { request.validate() } else { Err(unreadable) };
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::save_timers(&id, &request).await },
            move |_| done.set(true),
        );
    };
    let all_error = form.field_error("timers");
    view! {
        <section class="card" aria-labelledby="timers-title">
            <h2 id="timers-title">{tr(|t| t.timers_title)}</h2>
            <p>{tr(|t| t.timers_intro)}</p>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <For each=move || drafts.get().into_iter().enumerate() key=|(_, d)| d.key let((index, draft))>
                    <TimerEditor form index draft on_remove=Callback::new(move |()| {
                        drafts.update(|d| d.retain(|x| x.key != draft.key));
                    }) />
                </For>
                {move || drafts.with(Vec::is_empty).then(|| view! { <p class="muted">{tr(|t| t.timers_none)}</p> })}
                <p class="field-error" id="timers-all-error" aria-live="polite">{move || all_error.get()}</p>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=add aria-describedby="timers-all-error">
                        {tr(|t| t.add_timer)}
                    </button>
                </div>
                <Notice message=Signal::derive(move || done.get().then(|| i18n.t().settings_saved.to_owned())) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

#[component]
fn TimerEditor(form: Form, index: usize, draft: TimerDraft, on_remove: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let (days_field, span_field) = TIMER_FIELDS[index.min(2)];
    let days_error = form.field_error(days_field);
    let span_error = form.field_error(span_field);
    let number = index + 1;
    let id = |part: &str| format!("timer-{}-{part}", draft.key);
    view! {
        <fieldset class="timer" aria-describedby=id("errors")>
            <legend>{move || (i18n.t().timer_n)(number)}</legend>
            <div class="field checkbox">
                <input id=id("enabled") type="checkbox" bind:checked=draft.enabled />
                <label for=id("enabled")>{tr(|t| t.timer_enabled)}</label>
            </div>
            <div class="weekdays" role="group" aria-label=tr(|t| t.days)>
                {(0..7)
                    .map(|day| {
                        let check_id = format!("timer-{}-day-{day}", draft.key);
                        let label_for = check_id.clone();
                        view! {
                            <label class="weekday" for=label_for>
                                <input id=check_id type="checkbox" bind:checked=draft.days[day] />
                                <span>{move || weekday_names(i18n)[day]}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row">
                <div class="field">
                    <label for=id("start")>{tr(|t| t.from_time)}</label>
                    <TimeInput id=id("start") value=draft.start />
                </div>
                <div class="field">
                    <label for=id("end")>{tr(|t| t.to_time)}</label>
                    <TimeInput id=id("end") value=draft.end />
                </div>
            </div>
            <p class="hint">{tr(|t| t.timer_overnight_hint)}</p>
            <div id=id("errors") aria-live="polite">
                <p class="field-error">{move || days_error.get()}</p>
                <p class="field-error">{move || span_error.get()}</p>
            </div>
            <button type="button" class="button link danger" on:click=move |_| on_remove.run(())>
                {move || (i18n.t().remove_timer)(number)}
            </button>
        </fieldset>
    }
}

#[component]
fn DynamicPowerSection(id: ChargerId, power: DynamicPower, photovoltaic: bool) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("dynamic");
    let enabled = RwSignal::new(power.enabled);
    let scheme = RwSignal::new(power.scheme);
    let language = i18n.language();
    let contracted = RwSignal::new(format::number_field(&power.contracted_kw.to_string(), language));
    let pv_mode = RwSignal::new(power.pv_mode);
    let list = |slots: &[ProfileSlot]| {
        RangeList::new(
            slots.iter().map(|slot| (slot.span, format::number_field(&slot.max_kw.to_string(), language))),
        )
    };
    let weekdays = list(&power.weekdays);
    let weekends = list(&power.weekends);
    let done = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let mut unreadable = FieldErrors::new();
        let contracted_kw = format::read_number(&contracted.get_untracked()).unwrap_or(f64::NAN);
        let mut read = |field: &str, list: RangeList| {
            let slots: Option<Vec<ProfileSlot>> = list.read().and_then(|rows| {
                rows.into_iter()
                    .map(|(span, kw)| Some(ProfileSlot { span, max_kw: format::read_number(&kw)? }))
                    .collect()
            });
            if slots.is_none() {
                unreadable.add(field, Problem::Other(i18n.t().slot_format.to_owned()));
            }
            slots.unwrap_or_default()
        };
        let request = DynamicPower {
            enabled: enabled.get_untracked(),
            scheme: scheme.get_untracked(),
            contracted_kw,
            pv_mode: pv_mode.get_untracked(),
            weekdays: read("weekdays", weekdays),
            weekends: read("weekends", weekends),
        };
        let checked = if unreadable.is_empty() { request.validate() } else { Err(unreadable) };
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::save_dynamic_power(&id, &request).await },
            move |_| done.set(true),
        );
    };
    view! {
        <section class="card" aria-labelledby="dynamic-title">
            <h2 id="dynamic-title">{tr(|t| t.dynamic_title)}</h2>
            <p>{tr(|t| t.dynamic_intro)}</p>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <CheckboxField form name="enabled" label=tr(|t| t.dynamic_enabled) checked=enabled hint=tr(|t| t.dynamic_enabled_hint) />
                <fieldset class="radio-group stacked">
                    <legend>{tr(|t| t.scheme)}</legend>
                    <Choice group="scheme" value=scheme choice=Scheme::Standard label=tr(|t| t.scheme_standard) />
                    <Choice group="scheme" value=scheme choice=Scheme::Alternative label=tr(|t| t.scheme_alternative) />
                </fieldset>
                <TextField form name="contracted_kw" label=tr(|t| t.contracted_power) value=contracted decimal=true />
                {photovoltaic.then(|| view! {
                    <fieldset class="radio-group stacked">
                        <legend>{tr(|t| t.pv_mode)}</legend>
                        <Choice group="pv" value=pv_mode choice=PvMode::PvPlusMinimum label=tr(|t| t.pv_plus_minimum) />
                        <Choice group="pv" value=pv_mode choice=PvMode::PvOnly label=tr(|t| t.pv_only) />
                        <Choice group="pv" value=pv_mode choice=PvMode::MaximumPower label=tr(|t| t.pv_maximum) />
                    </fieldset>
                })}
                <RangesEditor form field="weekdays" legend=tr(|t| t.profile_weekdays) list=weekdays
                    value_header=|t| t.max_kw value_label=|t| t.slot_kw add_label=|t| t.add_slot new_value="4.6" />
                <RangesEditor form field="weekends" legend=tr(|t| t.profile_weekends) list=weekends
                    value_header=|t| t.max_kw value_label=|t| t.slot_kw add_label=|t| t.add_slot new_value="4.6" />
                <Notice message=Signal::derive(move || done.get().then(|| i18n.t().settings_saved.to_owned())) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

#[component]
fn Choice<T: Copy + PartialEq + Send + Sync + 'static>(
    group: &'static str,
    value: RwSignal<T>,
    choice: T,
    #[prop(into)] label: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <label class="radio">
            <input type="radio" name=group prop:checked=move || value.get() == choice on:change=move |_| value.set(choice) />
            {label}
        </label>
    }
}
