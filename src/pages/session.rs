//! One charge of the history (`/history/:session`): when, where, how much, its energy by
//! hour (chart) and the price applied to each quarter-hour, with the tariff it was priced
//! with when it was recorded.

use std::rc::Rc;

use charge_model::sessions::SessionDetail;
use charge_model::tariff::Price;
use charming::series::Bar;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::charts::echarts::{BarChart, ChartSpec, EChart};
use crate::components::cost::{CostNote, CostText};
use crate::components::load::Loaded;
use crate::components::title::use_title;
use crate::format;
use crate::i18n::{I18n, tariff_kind, tariff_kind_name, tr, use_i18n};

#[component]
pub fn SessionPage() -> impl IntoView {
    use_title(tr(|t| t.session_title));
    let params = use_params_map();
    let detail = LocalResource::new(move || {
        let id = params.with(|p| p.get("session").and_then(|raw| raw.parse::<i64>().ok()));
        async move {
            let Some(id) = id else { return Ok(None) };
            api::found(api::session_detail(id).await)
        }
    });
    view! {
        <div class="page session-page">
            <nav class="breadcrumbs" aria-label=tr(|t| t.breadcrumbs)>
                <a href="/history">{tr(|t| t.back_to_history)}</a>
            </nav>
            <h1>{tr(|t| t.session_title)}</h1>
            <Loaded resource=detail show=|found| match found {
                Some(detail) => view! { <SessionView detail /> }.into_any(),
                None => view! { <p>{tr(|t| t.session_not_found)}</p> }.into_any(),
            } />
        </div>
    }
}

#[component]
fn SessionView(detail: SessionDetail) -> impl IntoView {
    let i18n = use_i18n();
    let SessionDetail { row, hourly, prices, tariff } = detail;
    let s = row.session;
    let tariff_name = move || match &tariff {
        Some(tariff) => tariff_kind_name(tariff_kind(tariff), i18n).to_owned(),
        None => i18n.t().no_tariff_set.to_owned(),
    };
    let spec = move || hourly_chart(&hourly, i18n);
    let label = Signal::derive(move || {
        let language = i18n.language();
        let when = format::date_time(s.started_at, language);
        (i18n.t().chart_description)(i18n.t().energy_by_hour, &when, &format::kwh(s.energy_wh, language))
    });
    let language = move || i18n.language();
    view! {
        <section class="card">
            <dl class="facts">
                <dt>{tr(|t| t.charger)}</dt>
                <dd><a href=format!("/chargers/{}", row.charger_id)>{row.charger_name.clone()}</a></dd>
                <dt>{tr(|t| t.charge_start)}</dt>
                <dd>{move || format::date_time(s.started_at, language())}</dd>
                <dt>{tr(|t| t.charge_end)}</dt>
                <dd>{move || format::date_time(s.ended_at, language())}</dd>
                <dt>{tr(|t| t.figure_time)}</dt>
                <dd>{format::hours(s.ended_at - s.started_at)}</dd>
                <dt>{tr(|t| t.charge_energy)}</dt>
                <dd>{move || format::kwh(s.energy_wh, language())}</dd>
                <dt>{tr(|t| t.charge_cost)}</dt>
                <dd><CostText cost=s.cost /></dd>
                <dt>{tr(|t| t.tariff_when_recorded)}</dt>
                <dd>{tariff_name}</dd>
                {s.rfid.clone().map(|card| view! { <dt>{tr(|t| t.card_code)}</dt><dd><code>{card}</code></dd> })}
            </dl>
            <CostNote />
        </section>
        <section class="card" aria-labelledby="hourly-title">
            <h2 id="hourly-title">{tr(|t| t.energy_by_hour)}</h2>
            <EChart spec label class="session-chart" />
        </section>
        <section class="card" aria-labelledby="prices-title">
            <h2 id="prices-title">{tr(|t| t.prices_applied)}</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.quarter_hour)}</th>
                            <th scope="col" class="number">{tr(|t| t.charge_energy)}</th>
                            <th scope="col" class="number">{tr(|t| t.price_column)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            prices
                                .iter()
                                .map(|&(start, wh, price)| {
                                    view! {
                                        <tr>
                                            <th scope="row">{format!("{} – {}", format::clock(start), format::clock_end(start + 900))}</th>
                                            <td class="number">{format::kwh(wh, language())}</td>
                                            <td class="number">{format::price(Price(price), language())}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn hourly_chart(hourly: &[(i64, f64)], i18n: I18n) -> ChartSpec {
    let language = i18n.language();
    let labels: Vec<String> = hourly.iter().map(|(start, _)| format::clock(*start)).collect();
    let values: Vec<f64> = hourly.iter().map(|(_, wh)| (wh / 10.0).round() / 100.0).collect();
    let chart = BarChart::new(labels, vec![Bar::new().name(i18n.t().charge_energy).data(values)]);
    ChartSpec { chart, value: Rc::new(move |v| format!("{} kWh", format::decimal(v, 2, language))) }
}
