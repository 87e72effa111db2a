//! The history of charges of every charger the user can see: filters by charger, RFID card
//! and day, sortable columns, pages, and the CSV of the same charges.

use charge_model::sessions::HistoryPage;
use leptos::prelude::*;

use crate::api::{self, HistoryQuery};
use crate::components::cost::{CostCell, CostNote};
use crate::components::load::Loaded;
use crate::components::title::use_title;
use crate::format;
use crate::i18n::{tr, use_i18n};

const PER_PAGE: i64 = 20;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.history_title));
    let query = RwSignal::new(HistoryQuery { sort: "started_at", page: 1, ..HistoryQuery::default() });
    let chargers = LocalResource::new(|| async { api::chargers().await.unwrap_or_default() });
    let page = LocalResource::new(move || {
        let query = query.get();
        let language = i18n.language();
        async move { api::history(&query, language).await }
    });
    let csv = LocalResource::new(move || {
        let query = query.get();
        let language = i18n.language();
        async move { api::history_csv_url(&HistoryQuery { page: 1, ..query }, language).await }
    });
    // Filters change the query (and go back to page 1).
    let filter = move |change: fn(&mut HistoryQuery, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            query.update(|q| {
                change(q, value);
                q.page = 1;
            });
        }
    };
    let sort_by = move |column: &'static str| {
        query.update(|q| {
            if q.sort == column {
                q.ascending = !q.ascending;
            } else {
                q.sort = column;
                q.ascending = false;
            }
            q.page = 1;
        });
    };
    let header =
        move |column: &'static str, label: fn(&'static crate::i18n::Texts) -> &'static str, numeric: bool| {
            let sorted = move || query.with(|q| (q.sort == column).then_some(q.ascending));
            view! {
                <th
                    scope="col"
                    class:number=numeric
                    aria-sort=move || match sorted() {
                        Some(true) => "ascending",
                        Some(false) => "descending",
                        None => "none",
                    }
                >
                    <button type="button" class="sort" on:click=move |_| sort_by(column)>
                        {move || label(i18n.t())}
                        <span aria-hidden="true">
                            {move || match sorted() {
                                Some(true) => " ▲",
                                Some(false) => " ▼",
                                None => "",
                            }}
                        </span>
                    </button>
                </th>
            }
        };
    view! {
        <div class="page">
            <div class="page-heading">
                <h1>{tr(|t| t.history_title)}</h1>
                <a class="button secondary" href=move || csv.get().unwrap_or_default() download="charges.csv">
                    {tr(|t| t.export_csv)}
                </a>
            </div>
            <section class="card filters" aria-label=tr(|t| t.filters)>
                <div class="field">
                    <label for="history-charger">{tr(|t| t.charger)}</label>
                    <select id="history-charger" on:change=filter(|q, v| q.charger = v)>
                        <option value="">{tr(|t| t.all_chargers)}</option>
                        {move || {
                            chargers
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="history-rfid">{tr(|t| t.card_code)}</label>
                    <input id="history-rfid" type="text" on:change=filter(|q, v| q.rfid = v) />
                </div>
                <div class="field">
                    <label for="history-from">{tr(|t| t.from_day)}</label>
                    <input id="history-from" type="date" on:change=filter(|q, v| q.from = v) />
                </div>
                <div class="field">
                    <label for="history-to">{tr(|t| t.to_day)}</label>
                    <input id="history-to" type="date" on:change=filter(|q, v| q.to = v) />
                </div>
            </section>
            <Loaded resource=page show=move |HistoryPage { total, page: number, rows, .. }| {
                            let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
                            let language = i18n.language();
                            view! {
                                <p class="muted" role="status">{move || (i18n.t().charges_found)(total)}</p>
                                <div class="table-scroll">
                                    <table class="data-table history">
                                        <thead>
                                            <tr>
                                                {header("started_at", |t| t.charge_start, false)}
                                                <th scope="col">{tr(|t| t.charger)}</th>
                                                {header("duration", |t| t.figure_time, true)}
                                                {header("energy", |t| t.charge_energy, true)}
                                                {header("cost", |t| t.charge_cost, true)}
                                                <th scope="col">{tr(|t| t.card_code)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .map(|row| {
                                                    let s = row.session;
                                                    view! {
                                                        <tr>
                                                            <td><a href=format!("/history/{}", s.id)>{format::date_time(s.started_at, language)}</a></td>
                                                            <td>{row.charger_name}</td>
                                                            <td class="number">{format::hours(s.ended_at - s.started_at)}</td>
                                                            <td class="number">{format::kwh(s.energy_wh, language)}</td>
                                                            <CostCell cost=s.cost />
                                                            <td><code>{s.rfid.unwrap_or_default()}</code></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <CostNote />
                                <nav class="pager" aria-label=tr(|t| t.pages)>
                                    <button
                                        type="button"
                                        class="button secondary"
                                        disabled={number <= 1}
                                        on:click=move |_| query.update(|q| q.page = q.page.saturating_sub(1).max(1))
                                    >
                                        {tr(|t| t.previous_page)}
                                    </button>
                                    <span>{move || (i18n.t().page_of)(i64::from(number), pages)}</span>
                                    <button
                                        type="button"
                                        class="button secondary"
                                        // Braced: unbraced, the view macro reads `>` of `>=` as the end of the tag.
                                        disabled={i64::from(number) >= pages}
                                        on:click=move |_| query.update(|q| q.page += 1)
                                    >
                                        {tr(|t| t.next_page)}
                                    </button>
                                </nav>
                            }
                                .into_any()
            } />
        </div>
    }
}
