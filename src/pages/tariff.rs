//! A charger's tariff: the kind and its prices, a chart of today's and tomorrow's prices,
//! and the cheapest window for a typical charge, with one click to set a timer to it.

use charge_model::charger::{ChargerDetail, ChargerId, Role};
use charge_model::day_ranges::{DAY, Span, format_minute};
use charge_model::madrid;
use charge_model::prices::PricePoint;
use charge_model::tariff::{Period as Period20td, Price, PricedSpan, Tariff};
use charge_model::timers::{Timer, Timers};
use charge_model::tolls;
use charge_model::{FieldErrors, Problem};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::charts::prices::{Bar, PriceChart};
use crate::clock::now;
use crate::components::charger_frame::{SubpageHeading, WithCharger};
use crate::components::cost::CostNote;
use crate::components::form::{Form, FormError, Notice, SelectField, SubmitButton, TextField};
use crate::components::load::{ApiErrorNote, Loaded};
use crate::components::ranges_editor::{RangeList, RangesEditor};
use crate::format;
use crate::i18n::{I18n, TARIFF_KINDS, tariff_kind, tariff_kind_name, tr, use_i18n};

#[component]
pub fn TariffPage() -> impl IntoView {
    view! { <WithCharger show=|detail, role| view! { <TariffView detail role /> }.into_any() /> }
}

#[component]
fn TariffView(detail: ChargerDetail, role: Signal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let name = summary.name.clone();
    let title = Signal::derive(move || (i18n.t().tariff_title)(&name));
    let can_edit = Signal::derive(move || role.get().can_edit());
    // `loaded` renders the editor once; `current` follows each save, for the chart.
    let current = RwSignal::new(Tariff::default());
    let id = StoredValue::new(summary.id.clone());
    let loaded = LocalResource::new(move || {
        let id = id.get_value();
        async move {
            let result = api::tariff(&id).await;
            if let Ok(tariff) = &result {
                current.set(tariff.clone());
            }
            result
        }
    });
    view! {
        <div class="page narrow tariff-page">
            <SubpageHeading id=summary.id.clone() name=summary.name.clone() title can_edit />
            <Loaded resource=loaded show=move |tariff| view! {
                <fieldset class="settings-sections" disabled=move || !can_edit.get()>
                    <TariffEditor id=id.get_value() tariff current />
                </fieldset>
                <Prices id=id.get_value() current can_edit />
            }.into_any() />
        </div>
    }
}

/// Field names of the per-day range lists (the server names them `days.0`…).
const DAY_FIELDS: [&str; 7] = ["days.0", "days.1", "days.2", "days.3", "days.4", "days.5", "days.6"];

fn price_text(tariff: &Tariff, pick: fn(&Tariff) -> Option<Price>) -> String {
    pick(tariff).map(|p| p.euros(4)).unwrap_or_else(|| "0.0000".to_owned())
}

#[component]
fn TariffEditor(id: ChargerId, tariff: Tariff, current: RwSignal<Tariff>) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("tariff");
    // Prices show the decimal separator of the user's language, as they are typed.
    let language = i18n.language();
    let field = move |plain: String| format::number_field(&plain, language);
    let kind = RwSignal::new(tariff_kind(&tariff));
    let flat = RwSignal::new(field(price_text(&tariff, |t| match t {
        Tariff::Flat { price } => Some(*price),
        _ => Some(Price(150_000)),
    })));
    let list =
        |ranges: &[PricedSpan]| RangeList::new(ranges.iter().map(|r| (r.span, field(r.price.euros(4)))));
    let whole_day = [PricedSpan { span: Span { start: 0, end: DAY }, price: Price(150_000) }];
    let ranges = match &tariff {
        Tariff::TimeRanges { ranges } => list(ranges),
        _ => list(&whole_day),
    };
    let days: [RangeList; 7] = std::array::from_fn(|day| match &tariff {
        Tariff::DayTimeRanges { days } if days.len() == 7 => list(&days[day]),
        _ => list(&whole_day),
    });
    // Overrides keep all 6 decimals the regulated values have; empty is "the regulated value".
    let typed = |price: &Option<Price>| price.map(|p| p.euros(6)).unwrap_or_default();
    let (margin, p1, p2, p3) = match &tariff {
        Tariff::Indexed { margin, p1, p2, p3 } => (margin.euros(4), typed(p1), typed(p2), typed(p3)),
        _ => ("0.0100".to_owned(), String::new(), String::new(), String::new()),
    };
    let (margin, p1, p2, p3) = (
        RwSignal::new(field(margin)),
        RwSignal::new(field(p1)),
        RwSignal::new(field(p2)),
        RwSignal::new(field(p3)),
    );
    let done = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let mut errors = FieldErrors::new();
        let mut read_price = |field: &str, text: RwSignal<String>| {
            errors.check(field, Price::parse(&text.get_untracked())).unwrap_or_default()
        };
        // An empty override is the regulated value.
        let filled = |text: RwSignal<String>| !text.get_untracked().trim().is_empty();
        // `None` when a time or a price cannot be read.
        let read_ranges = |list: RangeList| -> Option<Vec<PricedSpan>> {
            list.read()?
                .into_iter()
                .map(|(span, price)| Some(PricedSpan { span, price: Price::parse(&price).ok()? }))
                .collect()
        };
        let mut unreadable = Vec::new();
        let request = match kind.get_untracked() {
            "flat" => Tariff::Flat { price: read_price("price", flat) },
            "time_ranges" => Tariff::TimeRanges {
                ranges: read_ranges(ranges).unwrap_or_else(|| {
                    unreadable.push("ranges");
                    Vec::new()
                }),
            },
            "day_time_ranges" => Tariff::DayTimeRanges {
                days: days
                    .iter()
                    .enumerate()
                    .map(|(day, ranges)| {
                        read_ranges(*ranges).unwrap_or_else(|| {
                            unreadable.push(DAY_FIELDS[day]);
                            Vec::new()
                        })
                    })
                    .collect(),
            },
            "indexed" => {
                let margin = read_price("margin", margin);
                let p1 = filled(p1).then(|| read_price("p1", p1));
                let p2 = filled(p2).then(|| read_price("p2", p2));
                let p3 = filled(p3).then(|| read_price("p3", p3));
                Tariff::Indexed { margin, p1, p2, p3 }
            }
            "pvpc" => Tariff::Pvpc,
            _ => Tariff::OmieSpot,
        };
        for field in unreadable {
            errors.add(field, Problem::Other(i18n.t().range_format.to_owned()));
        }
        let checked = if errors.is_empty() { request.validate() } else { Err(errors) };
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::save_tariff(&id, &request).await },
            move |tariff| {
                current.set(tariff);
                done.set(true);
            },
        );
    };
    let options = Signal::derive(move || {
        TARIFF_KINDS.iter().map(|&k| (k, tariff_kind_name(k, i18n).to_owned())).collect::<Vec<_>>()
    });
    view! {
        <section class="card" aria-labelledby="tariff-title">
            <h2 id="tariff-title">{tr(|t| t.tariff_section)}</h2>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <SelectField form name="kind" label=tr(|t| t.tariff_kind) options value=kind />
                <p class="hint">{move || kind_hint(kind.get(), i18n)}</p>
                {move || match kind.get() {
                    "flat" => view! { <TextField form name="price" label=tr(|t| t.price_eur_kwh) value=flat decimal=true /> }.into_any(),
                    "time_ranges" => view! {
                        <RangesEditor form field="ranges" legend=tr(|t| t.price_ranges) list=ranges step=15
                            value_header=|t| t.price_eur_kwh value_label=|t| t.range_price add_label=|t| t.add_range new_value="0.1500" />
                    }.into_any(),
                    "day_time_ranges" => (0..7)
                        .map(|day| {
                            let legend = Signal::derive(move || i18n.t().weekdays_long[day]);
                            view! {
                                <RangesEditor form field=DAY_FIELDS[day] legend list=days[day] step=15
                                    value_header=|t| t.price_eur_kwh value_label=|t| t.range_price add_label=|t| t.add_range new_value="0.1500" />
                            }
                        })
                        .collect_view()
                        .into_any(),
                    "indexed" => view! {
                        <TextField form name="margin" label=tr(|t| t.margin) value=margin decimal=true />
                        <fieldset class="tolls-override">
                            <legend>{tr(|t| t.tolls_override)} <span class="optional">" (" {tr(|t| t.optional)} ")"</span></legend>
                            <p class="hint">{move || regulated_today(i18n)}</p>
                            <div class="row">
                                <TextField form name="p1" label=tr(|t| t.tolls_p1) value=p1 decimal=true optional=true />
                                <TextField form name="p2" label=tr(|t| t.tolls_p2) value=p2 decimal=true optional=true />
                            </div>
                            <div class="row">
                                <TextField form name="p3" label=tr(|t| t.tolls_p3) value=p3 decimal=true optional=true />
                            </div>
                        </fieldset>
                    }.into_any(),
                    _ => ().into_any(),
                }}
                <Notice message=Signal::derive(move || done.get().then(|| i18n.t().tariff_saved.to_owned())) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
            <CostNote />
        </section>
    }
}

/// The regulated tolls and charges in force today, as the override's hint names them.
fn regulated_today(i18n: I18n) -> String {
    let today = madrid::local(now()).date();
    let value =
        |period| format::number_field(&tolls::energy_term(today, period).price.euros(6), i18n.language());
    let hint = (i18n.t().tolls_override_hint)(
        &value(Period20td::P1),
        &value(Period20td::P2),
        &value(Period20td::P3),
    );
    if tolls::energy_term(today, Period20td::P1).estimated {
        format!("{hint} {}", i18n.t().tolls_unconfirmed)
    } else {
        hint
    }
}

fn kind_hint(kind: &str, i18n: I18n) -> &'static str {
    let t = i18n.t();
    match kind {
        "flat" => t.tariff_flat_hint,
        "time_ranges" => t.tariff_time_ranges_hint,
        "day_time_ranges" => t.tariff_day_time_ranges_hint,
        "indexed" => t.tariff_indexed_hint,
        "pvpc" => t.tariff_pvpc_hint,
        _ => t.tariff_omie_hint,
    }
}

/// One priced period of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Period {
    start: i64,
    minutes: u16,
    price: Price,
    estimated: bool,
}

/// Today's and tomorrow's prices under `tariff`, from the market when it follows one.
fn periods(tariff: &Tariff, market: &[PricePoint], first_day: NaiveDate) -> Vec<Period> {
    if tariff.market().is_some() {
        return market
            .iter()
            .map(|point| {
                let at = DateTime::from_timestamp(point.start, 0).unwrap_or_default();
                Period {
                    start: point.start,
                    minutes: point.minutes,
                    price: tariff.price_at(at, Some(point.price)),
                    estimated: point.estimated,
                }
            })
            .collect();
    }
    let start = madrid::day_start(first_day);
    let end = madrid::day_start(first_day + Duration::days(2));
    let mut at = start;
    let mut list = Vec::new();
    while at < end {
        list.push(Period {
            start: at.timestamp(),
            minutes: 60,
            price: tariff.price_at(at, None),
            estimated: false,
        });
        at += Duration::hours(1);
    }
    list
}

/// The cheapest run of whole periods lasting `hours`, starting from now: (first, last
/// index inclusive, average price in µ€/kWh).
fn cheapest_window(periods: &[Period], hours: u32, from: i64) -> Option<(usize, usize, i64)> {
    let needed = i64::from(hours) * 60;
    let mut best: Option<(usize, usize, i64)> = None;
    for first in 0..periods.len() {
        if periods[first].start + i64::from(periods[first].minutes) * 60 <= from {
            continue;
        }
        let (mut minutes, mut weighted, mut last) = (0_i64, 0_i64, first);
        while last < periods.len() && minutes < needed {
            let m = i64::from(periods[last].minutes);
            minutes += m;
            weighted += periods[last].price.0 * m;
            last += 1;
        }
        if minutes < needed {
            break;
        }
        let average = weighted / minutes;
        if best.is_none_or(|b| average < b.2) {
            best = Some((first, last - 1, average));
        }
    }
    best
}

#[component]
fn Prices(
    id: ChargerId,
    current: RwSignal<Tariff>,
    /// Whether the user may set a timer (it follows a change of role).
    can_edit: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = madrid::local(now()).date();
    let tariff = Memo::new(move |_| current.get());
    let market = Memo::new(move |_| tariff.with(Tariff::market));
    let points = LocalResource::new(move || {
        let market = market.get();
        async move {
            match market {
                Some(market) => api::prices(market, &today.format("%Y-%m-%d").to_string(), 2).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let hours = RwSignal::new("4");
    let timer_set = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    view! {
        <section class="card" aria-labelledby="prices-title">
            <h2 id="prices-title">{tr(|t| t.prices_title)}</h2>
            <Loaded resource=points show=move |points| {
                    let list = tariff.with(|tariff| periods(tariff, &points, today));
                    let estimated = list.iter().any(|p| p.estimated);
                    let hours_n: u32 = hours.get().parse().unwrap_or(4);
                    let window = cheapest_window(&list, hours_n, now().timestamp());
                    let origin = madrid::day_start(today).timestamp();
                    let bars: Vec<Bar> = list
                        .iter()
                        .enumerate()
                        .map(|(index, p)| Bar {
                            from_h: (p.start - origin) as f64 / 3600.0,
                            hours: f64::from(p.minutes) / 60.0,
                            euros_per_kwh: p.price.0 as f64 / 1_000_000.0,
                            estimated: p.estimated,
                            cheapest: window.is_some_and(|(first, last, _)| (first..=last).contains(&index)),
                        })
                        .collect();
                    let language = i18n.language();
                    let day_name = |date: NaiveDate| format::date(date, language);
                    let labels = [day_name(today), day_name(today + Duration::days(1))];
                    let described = (i18n.t().prices_chart_description)(&labels[0], &labels[1]);
                    let window_text = window.map(|(first, last, average)| {
                        let start_local = madrid::local(DateTime::from_timestamp(list[first].start, 0).unwrap_or_default());
                        (i18n.t().cheapest_window)(
                            hours_n,
                            &format::date(start_local.date(), language),
                            &format::clock(list[first].start),
                            &format::clock_end(list[last].start + i64::from(list[last].minutes) * 60),
                            &format::price(Price(average), language),
                        )
                    });
                    let set_timer = move |_| {
                        let Some((first, last, _)) = window else { return };
                        let start = madrid::local(DateTime::from_timestamp(list[first].start, 0).unwrap_or_default());
                        let end = madrid::local(DateTime::from_timestamp(list[last].start + i64::from(list[last].minutes) * 60, 0).unwrap_or_default());
                        let minute = |t: chrono::NaiveDateTime| (t.hour() * 60 + t.minute()) as u16;
                        let mut days = [false; 7];
                        days[madrid::weekday_index(start.weekday())] = true;
                        let end_minute = match minute(end) { 0 => DAY, m => m };
                        let timer = Timer { enabled: true, days, span: Span { start: minute(start), end: end_minute } };
                        let id = id.get_value();
                        error.set(None);
                        spawn_local(async move {
                            let result = async {
                                let mut timers: Timers = api::timers(&id).await?;
                                if timers.timers.is_empty() { timers.timers.push(timer.clone()) } else { timers.timers[0] = timer.clone() }
                                api::save_timers(&id, &timers).await
                            }.await;
                            match result {
                                Ok(_) => timer_set.set(Some((i18n.t().timer_set_to)(&format!("{}–{}", format_minute(timer.span.start), format_minute(timer.span.end))))),
                                Err(failure) => error.set(Some(failure)),
                            }
                        });
                    };
                    view! {
                        <PriceChart bars description=described day_labels=labels />
                        {estimated.then(|| view! { <p class="warning" role="note">{tr(|t| t.prices_estimated)}</p> })}
                        <div class="cheapest">
                            <div class="field">
                                <label for="charge-hours">{tr(|t| t.typical_charge)}</label>
                                <select id="charge-hours" on:change=move |ev| {
                                    let chosen = event_target_value(&ev);
                                    if let Some(h) = ["1", "2", "3", "4", "5", "6", "8"].into_iter().find(|h| *h == chosen) { hours.set(h) }
                                }>
                                    {["1", "2", "3", "4", "5", "6", "8"].into_iter().map(|h| view! {
                                        <option value=h selected=move || hours.get() == h>{move || (i18n.t().hours_n)(h)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <p class="cheapest-window" role="status">{window_text}</p>
                            {move || (can_edit.get() && window.is_some()).then(|| {
                                let set_timer = set_timer.clone();
                                view! {
                                    <button type="button" class="button secondary" on:click=set_timer>{tr(|t| t.set_timer_to_window)}</button>
                                }
                            })}
                        </div>
                    }.into_any()
                } />
            <Notice message=timer_set />
            <ApiErrorNote error />
        </section>
    }
}
