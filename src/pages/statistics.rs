//! Statistics of charges: of every charger the user sees (`/statistics`) or of one
//! (`/chargers/:id/statistics`). Totals (energy, charging time, cost, charges) for a day,
//! week, month, year, all time or chosen days, and an ECharts chart of one metric by day,
//! week or month, stacked by charger in the global view. The choices live in the URL's
//! query, so a reload or a shared link shows the same view.

use std::rc::Rc;
use std::sync::Arc;

use charge_model::Language;
use charge_model::charger::{ChargerDetail, ChargerId};
use charge_model::sessions::Totals;
use charge_model::statistics::{Bucket, BucketSize, MAX_DAYS, Period, PlanSavings, Statistics};
use charming::component::Legend;
use charming::element::{AxisPointer, AxisPointerType};
use charming::series::Bar;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::charts::echarts::{self, BarChart, ChartSpec, EChart};
use crate::clock::today;
use crate::components::charger_frame::{SubpageHeading, WithCharger};
use crate::components::choice::ChoiceGroup;
use crate::components::cost::CostNote;
use crate::components::load::{ErrorNote, LoadingNote};
use crate::components::title::use_title;
use crate::format;
use crate::i18n::{I18n, Text, tr, use_i18n};
use crate::nav;

/// The performance mark set when the first chart is drawn (read by the benchmark).
pub const CHART_DRAWN_MARK: &str = "statistics-chart-drawn";

/// The series colours, one per charger (the first is the portal's green).
const COLOURS: [&str; 6] = ["#0b7a5a", "#1a56db", "#c2570c", "#7c3aed", "#be185d", "#0e7490"];

/// What the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Energy,
    Time,
    Cost,
}

impl Metric {
    const ALL: [Metric; 3] = [Metric::Energy, Metric::Time, Metric::Cost];

    fn tag(self) -> &'static str {
        match self {
            Metric::Energy => "energy",
            Metric::Time => "time",
            Metric::Cost => "cost",
        }
    }

    fn label(self) -> Text {
        match self {
            Metric::Energy => |t| t.charge_energy,
            Metric::Time => |t| t.figure_time,
            Metric::Cost => |t| t.charge_cost,
        }
    }

    /// The plotted value: kWh, hours or euros.
    fn value(self, totals: &Totals) -> f64 {
        match self {
            Metric::Energy => totals.energy_wh as f64 / 1000.0,
            Metric::Time => totals.charging_seconds as f64 / 3600.0,
            Metric::Cost => totals.cost_cents as f64 / 100.0,
        }
    }

    /// A plotted value as the portal writes it.
    fn format(self, value: f64, language: Language) -> String {
        match self {
            Metric::Energy => format!("{} kWh", format::decimal(value, 2, language)),
            Metric::Time => format::hours((value * 3600.0).round() as i64),
            Metric::Cost => format::money((value * 100.0).round() as i64, language),
        }
    }
}

/// The user's choices: the period (placed by `anchor`, or `from..=to` when custom), how it
/// is grouped and what the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice {
    period: Period,
    anchor: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    bucket: BucketSize,
    metric: Metric,
}

impl Choice {
    /// From the URL's query; the current month by day, as energy, where it says nothing.
    fn from_url(today: NaiveDate) -> Choice {
        let date = |name| nav::query(name).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        let period = nav::query("period").and_then(|p| Period::from_tag(&p)).unwrap_or(Period::Month);
        let anchor = date("day").unwrap_or(today);
        let (from, to) = match (date("from"), date("to")) {
            (Some(from), Some(to)) => (from, to),
            _ => Period::Month.days(today, today),
        };
        let mut choice = Choice { period, anchor, from, to, bucket: BucketSize::Day, metric: Metric::Energy };
        let (from, to) = choice.days(today);
        choice.bucket = nav::query("by")
            .and_then(|b| BucketSize::from_tag(&b))
            .unwrap_or_else(|| Period::default_bucket(from, to));
        choice.metric = nav::query("show")
            .and_then(|m| Metric::ALL.into_iter().find(|x| x.tag() == m))
            .unwrap_or(Metric::Energy);
        choice
    }

    fn query(&self) -> String {
        let mut parts = vec![format!("period={}", self.period.tag())];
        match self.period {
            Period::Custom => parts.extend([format!("from={}", self.from), format!("to={}", self.to)]),
            Period::All => {}
            _ => parts.push(format!("day={}", self.anchor)),
        }
        parts.extend([format!("by={}", self.bucket.tag()), format!("show={}", self.metric.tag())]);
        parts.join("&")
    }

    fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self.period {
            Period::Custom => (self.from, self.to),
            period => period.days(self.anchor, today),
        }
    }

    /// Whether the custom days make a period the server accepts.
    fn valid(&self) -> bool {
        self.period != Period::Custom || (0..MAX_DAYS).contains(&(self.to - self.from).num_days())
    }

    /// Another period: placed around the same anchor, grouped as suits its length.
    fn with_period(self, period: Period, today: NaiveDate) -> Choice {
        let mut next = Choice { period, ..self };
        if period == Period::Custom {
            (next.from, next.to) = self.days(today);
            next.to = next.to.min(today).max(next.from);
        }
        let (from, to) = next.days(today);
        next.bucket = Period::default_bucket(from, to);
        next
    }
}

/// `/statistics`: every charger the user sees.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    use_title(tr(|t| t.statistics_title));
    view! {
        <div class="page statistics-page">
            <h1>{tr(|t| t.statistics_title)}</h1>
            <p class="muted">{tr(|t| t.statistics_intro)}</p>
            <StatisticsView charger=None />
        </div>
    }
}

/// `/chargers/:id/statistics`: one charger.
#[component]
pub fn ChargerStatisticsPage() -> impl IntoView {
    view! { <WithCharger show=|detail, _| view! { <ChargerStatisticsView detail /> }.into_any() /> }
}

#[component]
fn ChargerStatisticsView(detail: ChargerDetail) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let name = summary.name.clone();
    let title = Signal::derive(move || (i18n.t().charger_statistics_title)(&name));
    view! {
        <div class="page statistics-page">
            <SubpageHeading id=summary.id.clone() name=summary.name.clone() title can_edit=true />
            <StatisticsView charger=Some(summary.id) />
        </div>
    }
}

#[component]
fn StatisticsView(charger: Option<ChargerId>) -> impl IntoView {
    let i18n = use_i18n();
    let today = today();
    let choice = RwSignal::new(Choice::from_url(today));
    // ECharts loads while the figures are fetched.
    echarts::start_loading();

    // The choices go to the URL (replacing the entry: choosing is not navigating).
    let navigate = use_navigate();
    let path = use_location().pathname;
    Effect::new(move |first: Option<()>| {
        let query = choice.with(Choice::query);
        if first.is_some() {
            navigate(
                &format!("{}?{query}", path.get_untracked()),
                NavigateOptions { replace: true, scroll: false, ..NavigateOptions::default() },
            );
        }
    });

    let request = Memo::new(move |_| {
        let c = choice.get();
        c.valid().then(|| (c.days(today), c.bucket, c.period))
    });
    let global = charger.is_none();
    let statistics = LocalResource::new(move || {
        let charger = charger.clone();
        let request = request.get();
        async move {
            let ((from, to), bucket, period) = request?;
            Some(
                api::statistics(from, to, bucket, charger.as_ref()).await.map(|found| trimmed(found, period)),
            )
        }
    });
    // The latest figures, kept while the next ones load (so the chart changes in place).
    let shown = RwSignal::new(None::<Arc<Statistics>>);
    Effect::new(move |_| {
        if let Some(Some(Ok(found))) = statistics.get() {
            shown.set(Some(Arc::new(found)));
        }
    });
    let error = move || match statistics.get() {
        Some(Some(Err(error))) => Some(i18n.error(&error)),
        _ => None,
    };
    let loading = move || request.get().is_some() && statistics.get().is_none();

    let spec = move || {
        let metric = choice.with(|c| c.metric);
        shown.with(|s| s.as_ref().map(|s| chart_of(s, metric, global, i18n))).unwrap_or_else(empty_chart)
    };
    let label = Signal::derive(move || {
        let c = choice.get();
        shown.with(|s| {
            let total = s.as_ref().map(|s| c.metric.value(&s.totals)).unwrap_or_default();
            (i18n.t().chart_description)(
                c.metric.label()(i18n.t()),
                &period_label(&c, today, i18n),
                &c.metric.format(total, i18n.language()),
            )
        })
    });

    view! {
        <Controls choice today />
        <ErrorNote message=Signal::derive(error) />
        <div class="statistics-body" aria-busy=move || loading().to_string()>
            // The totals and the chart keep their place from the first paint (placeholders,
            // then figures): nothing above the fold moves when the data arrives.
            {move || view! { <TotalsRow totals=shown.with(|s| s.as_ref().map(|s| s.totals)) /> }}
            <CostNote />
            <section class="card chart-card" aria-labelledby="chart-title">
                <h2 id="chart-title">{move || period_label(&choice.get(), today, i18n)}</h2>
                <Show
                    when=move || shown.with(Option::is_some)
                    fallback=|| view! { <div class="chart-placeholder"><LoadingNote /></div> }
                >
                    <EChart spec label drawn=CHART_DRAWN_MARK class="statistics-chart" />
                    <Show when=move || shown.with(|s| s.as_ref().is_some_and(|s| s.totals == Totals::default()))>
                        <p class="muted empty-period">{tr(|t| t.no_charges_in_period)}</p>
                    </Show>
                </Show>
            </section>
            {move || shown.get().filter(|s| s.plans.shown()).map(|s| view! { <Savings plans=s.plans /> })}
            {move || {
                shown
                    .get()
                    .filter(|s| global && s.chargers.len() > 1)
                    .map(|s| view! { <ByCharger statistics=s /> })
            }}
            {move || shown.get().map(|s| view! { <FiguresTable statistics=s bucket=choice.get().bucket /> })}
        </div>
    }
}

/// For "all time", the buckets from the first with a charge (the request goes ten years back).
fn trimmed(mut statistics: Statistics, period: Period) -> Statistics {
    if period == Period::All {
        let first = statistics.buckets.iter().position(|b| b.totals != Totals::default());
        statistics.buckets.drain(..first.unwrap_or(statistics.buckets.len().saturating_sub(1)));
    }
    statistics
}

#[component]
fn Controls(choice: RwSignal<Choice>, today: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let period = Signal::derive(move || choice.get().period);
    let steps = move || !matches!(period.get(), Period::All | Period::Custom);
    let shift = move |steps: i32| choice.update(|c| c.anchor = c.period.shift(c.anchor, steps));
    let at_today = move || choice.with(|c| c.days(today).1 >= today);
    let custom_error = move || (!choice.get().valid()).then(|| i18n.t().problem_custom_days);
    let set_day = move |ev: leptos::ev::Event, to: bool| {
        if let Ok(day) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
            choice.update(|c| if to { c.to = day } else { c.from = day });
        }
    };
    let bucket_options: [(BucketSize, Text); 3] = [
        (BucketSize::Day, |t| t.period_day),
        (BucketSize::Week, |t| t.period_week),
        (BucketSize::Month, |t| t.period_month),
    ];
    view! {
        <section class="card statistics-controls" aria-label=tr(|t| t.filters)>
            <ChoiceGroup
                name="period"
                legend=|t| t.period
                options=vec![
                    (Period::Day, |t| t.period_day),
                    (Period::Week, |t| t.period_week),
                    (Period::Month, |t| t.period_month),
                    (Period::Year, |t| t.period_year),
                    (Period::All, |t| t.period_all),
                    (Period::Custom, |t| t.period_custom),
                ]
                value=period
                on_choose=move |p| choice.update(|c| *c = c.with_period(p, today))
            />
            <Show when=steps>
                <div class="period-steps">
                    <button type="button" class="button secondary icon" aria-label=tr(|t| t.previous_period) on:click=move |_| shift(-1)>
                        "‹"
                    </button>
                    <span class="period-label" aria-live="polite">{move || period_label(&choice.get(), today, i18n)}</span>
                    <button
                        type="button"
                        class="button secondary icon"
                        aria-label=tr(|t| t.next_period)
                        disabled=at_today
                        on:click=move |_| shift(1)
                    >
                        "›"
                    </button>
                </div>
            </Show>
            <Show when=move || period.get() == Period::Custom>
                <div class="custom-days">
                    {[("statistics-from", (|t| t.from_day) as Text, false), ("statistics-to", |t| t.to_day, true)]
                        .into_iter()
                        .map(|(id, label, last)| {
                            view! {
                                <div class="field">
                                    <label for=id>{tr(label)}</label>
                                    <input
                                        id=id
                                        type="date"
                                        prop:value=move || choice.with(|c| if last { c.to } else { c.from }).to_string()
                                        on:change=move |ev| set_day(ev, last)
                                        aria-invalid=move || custom_error().is_some().to_string()
                                        aria-describedby="statistics-days-error"
                                    />
                                </div>
                            }
                        })
                        .collect_view()}
                    <p id="statistics-days-error" class="field-error" role="alert">{custom_error}</p>
                </div>
            </Show>
            <div class="field group-by">
                <label for="statistics-by">{tr(|t| t.group_by)}</label>
                <select
                    id="statistics-by"
                    on:change=move |ev| {
                        if let Some(bucket) = BucketSize::from_tag(&event_target_value(&ev)) {
                            choice.update(|c| c.bucket = bucket);
                        }
                    }
                >
                    {bucket_options
                        .into_iter()
                        .map(|(bucket, label)| {
                            view! {
                                <option value=bucket.tag() selected=move || choice.get().bucket == bucket>
                                    {move || label(i18n.t())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <ChoiceGroup
                name="metric"
                legend=|t| t.chart_shows
                options=Metric::ALL.into_iter().map(|m| (m, m.label())).collect()
                value=Signal::derive(move || choice.get().metric)
                on_choose=move |m| choice.update(|c| c.metric = m)
            />
        </section>
    }
}

/// The period in words: "Wed, 26 Nov 2025", "Week of 24 Nov", "Nov 2025", "2025", …
fn period_label(choice: &Choice, today: NaiveDate, i18n: I18n) -> String {
    let language = i18n.language();
    let (from, to) = choice.days(today);
    match choice.period {
        Period::Day => format::long_date(from, language),
        Period::Week => (i18n.t().week_of)(&format::long_date(from, language)),
        Period::Month => format::month_year(from, language),
        Period::Year => chrono::Datelike::year(&from).to_string(),
        Period::All => i18n.t().period_all.to_owned(),
        Period::Custom => {
            format!("{} – {}", format::long_date(from, language), format::long_date(to, language))
        }
    }
}

/// The period's four totals; dashes until they are known.
#[component]
fn TotalsRow(totals: Option<Totals>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let language = i18n.language();
        view! {
            <dl class="totals" aria-label=tr(|t| t.statistics_title)>
                {figure(|t| t.charge_energy, totals.map(|t| format::kwh(t.energy_wh as f64, language)))}
                {figure(|t| t.figure_time, totals.map(|t| format::hours(t.charging_seconds)))}
                {figure(|t| t.charge_cost, totals.map(|t| format::money(t.cost_cents, language)))}
                {figure(|t| t.total_charges, totals.map(|t| t.sessions.to_string()))}
            </dl>
        }
    }
}

/// One figure of a `dl.totals` card: its label and its value (a dash until it is known).
fn figure(label: Text, value: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="total">
            <dt>{move || label(i18n.t())}</dt>
            <dd>{value.unwrap_or_else(|| "–".to_owned())}</dd>
        </div>
    }
}

/// What plans saved in the period against charging at once from plug-in, below the chart
/// (it is shown only with plans, so above the chart it would push the chart down).
#[component]
fn Savings(plans: PlanSavings) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let language = i18n.language();
        let detail = (i18n.t().saved_by_plans_detail)(
            plans.charges,
            &format::money(plans.cost_cents, language),
            &format::money(plans.at_once_cents, language),
        );
        view! {
            <div class="savings">
                <dl class="totals">
                    {figure(|t| t.saved_by_plans, Some(format::money(plans.saved_cents, language)))}
                </dl>
                <p class="muted plan-savings">{detail}</p>
            </div>
        }
    }
}

/// The period's totals of each charger, largest energy first.
#[component]
fn ByCharger(statistics: Arc<Statistics>) -> impl IntoView {
    let mut chargers = statistics.chargers.clone();
    chargers.sort_by_key(|c| std::cmp::Reverse(c.totals.energy_wh));
    let rows = move |_: I18n| {
        chargers
            .iter()
            .map(|c| (c.name.clone(), Some(format!("/chargers/{}/statistics", c.id)), c.totals))
            .collect()
    };
    view! {
        <section class="card" aria-labelledby="by-charger-title">
            <h2 id="by-charger-title">{tr(|t| t.by_charger)}</h2>
            <TotalsTable first=|t| t.charger rows />
        </section>
    }
}

/// Every bucket's figures, in a table opened on demand (the chart's accessible twin).
#[component]
fn FiguresTable(statistics: Arc<Statistics>, bucket: BucketSize) -> impl IntoView {
    let open = RwSignal::new(false);
    let rows = move |i18n: I18n| {
        statistics.buckets.iter().map(|b| (bucket_label(b, bucket, i18n), None, b.totals)).collect()
    };
    view! {
        <details class="card figures-table" on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary>{tr(|t| t.figures_table)}</summary>
            <Show when=move || open.get()>
                <TotalsTable first=|t| t.period rows=rows.clone() />
            </Show>
        </details>
    }
}

/// A row of a totals table: its label, where the label links to, and the figures.
type TotalsLine = (String, Option<String>, Totals);

/// Energy, charging time, cost and charges of each row, as the language writes them.
#[component]
fn TotalsTable(first: Text, rows: impl Fn(I18n) -> Vec<TotalsLine> + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{move || first(i18n.t())}</th>
                        <th scope="col" class="number">{tr(|t| t.charge_energy)}</th>
                        <th scope="col" class="number">{tr(|t| t.figure_time)}</th>
                        <th scope="col" class="number">{tr(|t| t.charge_cost)}</th>
                        <th scope="col" class="number">{tr(|t| t.total_charges)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let language = i18n.language();
                        rows(i18n)
                            .into_iter()
                            .map(|(label, href, totals)| {
                                let label = match href {
                                    Some(href) => view! { <a href=href>{label}</a> }.into_any(),
                                    None => label.into_any(),
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{label}</th>
                                        <td class="number">{format::kwh(totals.energy_wh as f64, language)}</td>
                                        <td class="number">{format::hours(totals.charging_seconds)}</td>
                                        <td class="number">{format::money(totals.cost_cents, language)}</td>
                                        <td class="number">{totals.sessions}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

fn bucket_label(bucket: &Bucket, size: BucketSize, i18n: I18n) -> String {
    let language = i18n.language();
    match size {
        BucketSize::Day => format::date(bucket.start, language),
        BucketSize::Week => (i18n.t().week_of)(&format::day_month(bucket.start, language)),
        BucketSize::Month => format::month_year(bucket.start, language),
    }
}

/// The chart of `metric` by bucket: one bar series per charger, stacked, in the global view
/// with several chargers; the totals otherwise.
fn chart_of(statistics: &Statistics, metric: Metric, global: bool, i18n: I18n) -> ChartSpec {
    let language = i18n.language();
    let labels: Vec<String> = statistics
        .buckets
        .iter()
        .map(|b| match statistics.bucket {
            BucketSize::Day => format::day_month(b.start, language),
            BucketSize::Week => format::day_month(b.start, language),
            BucketSize::Month => format::month_year(b.start, language),
        })
        .collect();
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let series: Vec<(String, Vec<f64>)> = if global && statistics.chargers.len() > 1 {
        statistics
            .chargers
            .iter()
            .map(|c| {
                let values = statistics
                    .buckets
                    .iter()
                    .map(|b| round(b.by_charger.get(&c.id).map(|t| metric.value(t)).unwrap_or(0.0)))
                    .collect();
                (c.name.clone(), values)
            })
            .collect()
    } else {
        let name = metric.label()(i18n.t()).to_owned();
        vec![(name, statistics.buckets.iter().map(|b| round(metric.value(&b.totals))).collect())]
    };
    let stacked = series.len() > 1;
    let bars = series
        .into_iter()
        .map(|(name, values)| {
            let bar = Bar::new().name(name).data(values);
            if stacked { bar.stack("chargers") } else { bar }
        })
        .collect();
    let mut chart = BarChart::new(labels, bars);
    chart.color = COLOURS.iter().map(|c| (*c).into()).collect();
    chart.tooltip = chart.tooltip.axis_pointer(AxisPointer::new().type_(AxisPointerType::Shadow));
    if stacked {
        chart.grid = chart.grid.bottom(40);
        chart.legend = Some(Legend::new().bottom(0));
    }
    ChartSpec { chart, value: Rc::new(move |v| metric.format(v, language)) }
}

fn empty_chart() -> ChartSpec {
    ChartSpec { chart: BarChart::default(), value: Rc::new(|v| v.to_string()) }
}
