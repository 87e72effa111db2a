//! A charger's page: live status, lock, pause, the charging current, and the power chart.

use charge_model::charger::{ChargerDetail, ChargerId, ChargerStatus, Role};
use charge_model::statistics::{BucketSize, Period};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::charts::echarts;
use crate::charts::power::{PowerChart, WINDOW_SECS};
use crate::clock::{now_ms, today};
use crate::components::charger_frame::WithCharger;
use crate::components::charger_status::StatusBadge;
use crate::components::cost::{CostCell, CostNote};
use crate::components::load::{ApiErrorNote, Loaded};
use crate::components::title::use_dynamic_title;
use crate::format;
use crate::i18n::{model_name, role_name, tr, use_i18n};
use crate::live::{Live, use_live};

/// How long the slider must rest before the new current is sent.
const SLIDER_DEBOUNCE_MS: u64 = 350;

#[component]
pub fn ChargerPage() -> impl IntoView {
    view! { <WithCharger show=|detail, role| view! { <ChargerView detail role /> }.into_any() /> }
}

#[component]
fn ChargerView(detail: ChargerDetail, role: Signal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let summary = detail.summary;
    let id = summary.id.clone();
    let status = live.status(&id);
    let name = summary.name.clone();
    use_dynamic_title(move || name.clone());
    let can_edit = Signal::derive(move || role.get().can_edit());
    let settings_href = format!("/chargers/{id}/settings");
    let schedule_href = format!("/chargers/{id}/schedule");
    let tariff_href = format!("/chargers/{id}/tariff");
    let statistics_href = format!("/chargers/{id}/statistics");
    let cover = crate::assets::cover(summary.cover);
    let shared_by = summary.shared_by.clone();
    let model = summary.model;
    // A Trydan read through its local API keeps no charges the portal could list.
    let local_api = detail.trydan.is_some();

    view! {
        <div class="page charger-page">
            <nav class="breadcrumbs" aria-label=tr(|t| t.breadcrumbs)>
                <a href="/">{tr(|t| t.chargers_title)}</a>
            </nav>
            <header class="charger-header">
                <img class="cover" src=cover alt="" width="240" height="90" />
                <div class="charger-title">
                    <h1>{summary.name.clone()}</h1>
                    <p class="muted">
                        {move || model_name(model, i18n.t())} " · " {tr(|t| t.charger_id)} " " <code>{id.to_string()}</code>
                        " · " {move || role_name(role.get(), i18n)}
                    </p>
                    {shared_by.map(|owner| view! { <p class="note">{move || (i18n.t().shared_with_you)(&owner, role_name(role.get(), i18n))}</p> })}
                </div>
                <div class="header-actions">
                    <LiveIndicator live />
                    <a class="button secondary" href=schedule_href>{tr(|t| t.schedule)}</a>
                    <a class="button secondary" href=tariff_href>{tr(|t| t.tariff)}</a>
                    <a class="button secondary" href=statistics_href on:click=|_| { echarts::start_loading(); }>
                        {tr(|t| t.nav_statistics)}
                    </a>
                    <a class="button secondary" href=settings_href>{tr(|t| t.settings)}</a>
                </div>
            </header>
            // Status and the live chart on the left, the controls beside them: the columns
            // end level at 1280×800 and the chart is in view without scrolling.
            <div class="charger-columns">
                <section class="card status-card" aria-labelledby="status-title">
                    <div class="card-heading">
                        <h2 id="status-title">{tr(|t| t.status_title)}</h2>
                        <StatusBadge status />
                    </div>
                    <StatusFigures status photovoltaic=detail.features.photovoltaic />
                </section>
                <section class="card control-card" aria-labelledby="control-title">
                    <h2 id="control-title">{tr(|t| t.control_title)}</h2>
                    <Controls id=id.clone() status can_edit />
                    <CurrentSlider
                        id=id.clone()
                        status
                        min=detail.settings.min_current_a
                        max=detail.settings.max_current_a
                        can_edit
                    />
                </section>
                <section class="card power-card" aria-labelledby="power-title">
                    <h2 id="power-title">{tr(|t| t.power_title)}</h2>
                    <LivePower id=id.clone() status />
                </section>
            </div>
            {if local_api {
                view! { <NoHistory /> }.into_any()
            } else {
                view! { <RecentCharges id /> }.into_any()
            }}
        </div>
    }
}

#[component]
fn LiveIndicator(live: Live) -> impl IntoView {
    view! {
        <span class="live-indicator" class:connected=move || live.connected() role="status">
            <span class="dot" aria-hidden="true"></span>
            {move || if live.connected() { tr(|t| t.live_on)() } else { tr(|t| t.live_connecting)() }}
        </span>
    }
}

/// The figures a charger reports, as a description list.
#[component]
fn StatusFigures(status: RwSignal<Option<ChargerStatus>>, photovoltaic: bool) -> impl IntoView {
    let i18n = use_i18n();
    let figure = move |pick: fn(&ChargerStatus, charge_model::Language) -> String| {
        move || {
            status.with(|s| s.as_ref().map(|s| pick(s, i18n.language())).unwrap_or_else(|| "–".to_owned()))
        }
    };
    view! {
        <dl class="figures">
            <div class="figure main">
                <dt>{tr(|t| t.figure_power)}</dt>
                <dd data-figure="power">{figure(|s, l| format::kw(s.charge_power_w, l))}</dd>
            </div>
            <div class="figure main">
                <dt>{tr(|t| t.figure_energy)}</dt>
                <dd data-figure="energy">{figure(|s, l| format::kwh(s.session_energy_wh, l))}</dd>
            </div>
            <div class="figure">
                <dt>{tr(|t| t.figure_time)}</dt>
                <dd>{figure(|s, _| format::duration(s.session_seconds))}</dd>
            </div>
            <div class="figure">
                <dt>{tr(|t| t.figure_current)}</dt>
                <dd>{figure(|s, l| format!("{} A", format::decimal(s.current_a, 1, l)))}</dd>
            </div>
            <div class="figure">
                <dt>{tr(|t| t.figure_voltage)}</dt>
                <dd>{figure(|s, l| format!("{} V", format::decimal(s.voltage_v, 0, l)))}</dd>
            </div>
            <div class="figure">
                <dt>{tr(|t| t.figure_phases)}</dt>
                <dd>{figure(|s, _| s.phases.to_string())}</dd>
            </div>
            <div class="figure">
                <dt>{tr(|t| t.figure_house)}</dt>
                <dd>{figure(|s, l| format::kw(s.house_power_w, l))}</dd>
            </div>
            {photovoltaic
                .then(|| {
                    view! {
                        <div class="figure">
                            <dt>{tr(|t| t.figure_pv)}</dt>
                            <dd>{figure(|s, l| format::kw(s.pv_power_w, l))}</dd>
                        </div>
                    }
                })}
            <div class="figure">
                <dt>{tr(|t| t.figure_firmware)}</dt>
                <dd>{figure(|s, _| s.firmware.clone())}</dd>
            </div>
        </dl>
    }
}

/// Lock and pause; each answer updates the live status at once.
#[component]
fn Controls(
    id: ChargerId,
    status: RwSignal<Option<ChargerStatus>>,
    /// Whether the user may use them (it follows a change of role).
    can_edit: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let locked = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.locked)));
    let paused = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.paused)));
    let online = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.online)));
    let run =
        move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<ChargerStatus, ApiError>>>>,
              id: ChargerId| {
            pending.set(true);
            error.set(None);
            spawn_local(async move {
                match call.await {
                    Ok(status) => live.apply(&id, status),
                    Err(failure) => error.set(Some(failure)),
                }
                pending.set(false);
            });
        };
    let lock_id = id.clone();
    let toggle_lock = move |_| {
        let (id, locked) = (lock_id.clone(), !locked.get_untracked());
        run(
            Box::pin({
                let id = id.clone();
                async move { api::set_locked(&id, locked).await }
            }),
            id,
        );
    };
    let toggle_pause = move |_| {
        let (id, paused) = (id.clone(), !paused.get_untracked());
        run(
            Box::pin({
                let id = id.clone();
                async move { api::set_paused(&id, paused).await }
            }),
            id,
        );
    };
    let disabled = move || !can_edit.get() || pending.get() || !online.get();
    view! {
        <div class="controls">
            <div class="control">
                <p class="control-state">
                    <LockIcon locked />
                    {move || if locked.get() { i18n.t().lock_state_locked } else { i18n.t().lock_state_unlocked }}
                </p>
                <button type="button" class="button secondary" disabled=disabled on:click=toggle_lock>
                    {move || if locked.get() { i18n.t().unlock } else { i18n.t().lock }}
                </button>
            </div>
            <div class="control">
                <p class="control-state">
                    {move || if paused.get() { i18n.t().pause_state_paused } else { i18n.t().pause_state_running }}
                </p>
                <button type="button" class="button secondary" disabled=disabled on:click=toggle_pause>
                    {move || if paused.get() { i18n.t().resume } else { i18n.t().pause }}
                </button>
            </div>
        </div>
        <ApiErrorNote error />
    }
}

/// A padlock, closed or open.
#[component]
fn LockIcon(locked: Memo<bool>) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <rect x="5" y="11" width="14" height="10" rx="2" />
            <path d=move || if locked.get() { "M8 11V7a4 4 0 0 1 8 0v4" } else { "M8 11V7a4 4 0 0 1 7.5-2" } />
        </svg>
    }
}

/// The charging current, within the configured limits; sent once the slider rests.
#[component]
fn CurrentSlider(
    id: ChargerId,
    status: RwSignal<Option<ChargerStatus>>,
    min: u8,
    max: u8,
    /// Whether the user may change the current (it follows a change of role).
    can_edit: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let reported = Memo::new(move |_| status.with(|s| s.as_ref().map(|s| s.intensity_a)));
    let online = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.online)));
    let dynamic = Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.dynamic_power)));
    let value = RwSignal::new(reported.get_untracked().unwrap_or(min).clamp(min, max));
    // 0 when idle; otherwise the value being sent or waiting to be sent.
    let generation = StoredValue::new(0_u32);
    let sending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let applied = RwSignal::new(false);
    // Follow the charger (another user, another tab) unless the user is moving the slider.
    Effect::new(move |_| {
        if let Some(amps) = reported.get()
            && !sending.get_untracked()
            && generation.get_value() == 0
        {
            value.set(amps.clamp(min, max));
        }
    });
    let on_input = move |ev: leptos::ev::Event| {
        let Ok(amps) = event_target_value(&ev).parse::<u8>() else { return };
        value.set(amps);
        applied.set(false);
        let mine = generation.get_value().wrapping_add(1).max(1);
        generation.set_value(mine);
        let id = id.clone();
        set_timeout(
            move || {
                if generation.get_value() != mine {
                    return;
                }
                sending.set(true);
                error.set(None);
                spawn_local(async move {
                    let result = api::set_intensity(&id, amps).await;
                    if generation.get_value() == mine {
                        generation.set_value(0);
                        sending.set(false);
                        match result {
                            Ok(status) => {
                                live.apply(&id, status);
                                applied.set(true);
                            }
                            Err(failure) => {
                                error.set(Some(failure));
                                if let Some(amps) = reported.get_untracked() {
                                    value.set(amps.clamp(min, max));
                                }
                            }
                        }
                    }
                });
            },
            std::time::Duration::from_millis(SLIDER_DEBOUNCE_MS),
        );
    };
    let disabled = move || !can_edit.get() || !online.get() || dynamic.get();
    let explanation = move || {
        let t = i18n.t();
        if dynamic.get() {
            Some(t.current_dynamic)
        } else if !can_edit.get() {
            Some(t.current_read_only)
        } else if !online.get() {
            Some(t.current_offline)
        } else {
            None
        }
    };
    let amps_text = move || format!("{} A", value.get());
    view! {
        <div class="slider-field">
            <div class="slider-label">
                <label for="charging-current">{tr(|t| t.charging_current)}</label>
                <output for="charging-current" class="slider-value">{amps_text}</output>
            </div>
            <input
                id="charging-current"
                type="range"
                min=min
                max=max
                step="1"
                prop:value=move || value.get().to_string()
                aria-valuetext=amps_text
                aria-describedby="charging-current-hint"
                disabled=disabled
                on:input=on_input
            />
            <div class="slider-scale" aria-hidden="true">
                <span>{format!("{min} A")}</span>
                <span>{format!("{max} A")}</span>
            </div>
            <p class="hint" id="charging-current-hint">
                {move || {
                    explanation()
                        .map(str::to_owned)
                        .unwrap_or_else(|| (i18n.t().current_limits_hint)(min, max))
                }}
            </p>
            <p class="slider-progress" role="status">
                {move || {
                    if generation.get_value() != 0 && sending.get() {
                        i18n.t().applying
                    } else if applied.get() {
                        i18n.t().applied
                    } else {
                        ""
                    }
                }}
            </p>
            <ApiErrorNote error />
        </div>
    }
}

/// The latest finished charges with their cost (frozen when recorded).
/// In place of the recent charges of a Trydan read through its local API: why there are none.
#[component]
fn NoHistory() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="charges-title">
            <h2 id="charges-title">{tr(|t| t.recent_charges)}</h2>
            <p class="muted">{tr(|t| t.trydan_no_history)}</p>
        </section>
    }
}

#[component]
fn RecentCharges(id: ChargerId) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let status = live.status(&id);
    // A charge is recorded when the car leaves: reload then.
    let plugged = Memo::new(move |_| {
        status.with(|s| s.as_ref().map(|s| s.state != charge_model::charger::ChargeState::Disconnected))
    });
    let sessions = LocalResource::new({
        let id = id.clone();
        move || {
            plugged.track();
            let id = id.clone();
            async move { api::sessions(&id, 10).await }
        }
    });
    // This month's totals, with the way to the charger's statistics.
    let month = LocalResource::new({
        let id = id.clone();
        move || {
            plugged.track();
            let id = id.clone();
            let today = today();
            let (from, to) = Period::Month.days(today, today);
            async move { api::statistics(from, to, BucketSize::Month, Some(&id)).await.ok().map(|s| s.totals) }
        }
    });
    let this_month = move || {
        month.get().flatten().map(|totals| {
            let language = i18n.language();
            (i18n.t().this_month_totals)(
                &format::kwh(totals.energy_wh as f64, language),
                &format::money(totals.cost_cents, language),
                totals.sessions,
            )
        })
    };
    view! {
        <section class="card" aria-labelledby="charges-title">
            <div class="card-heading">
                <h2 id="charges-title">{tr(|t| t.recent_charges)}</h2>
                <a href=format!("/chargers/{id}/statistics") on:click=|_| { echarts::start_loading(); }>
                    {tr(|t| t.all_statistics)}
                </a>
            </div>
            <p class="muted">{this_month}</p>
            <Loaded resource=sessions show=move |list| if list.is_empty() {
                view! { <p class="muted">{tr(|t| t.no_charges)}</p> }.into_any()
            } else {
                view! {
                            <div class="table-scroll">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr(|t| t.charge_start)}</th>
                                            <th scope="col">{tr(|t| t.figure_time)}</th>
                                            <th scope="col" class="number">{tr(|t| t.charge_energy)}</th>
                                            <th scope="col" class="number">{tr(|t| t.charge_cost)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|session| {
                                            let language = i18n.language();
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/history/{}", session.id)>{format::date_time(session.started_at, language)}</a></td>
                                                    <td>{format::hours(session.ended_at - session.started_at)}</td>
                                                    <td class="number">{format::kwh(session.energy_wh, language)}</td>
                                                    <CostCell cost=session.cost />
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <CostNote />
                }.into_any()
            } />
        </section>
    }
}

/// The power chart: the server's last minutes, then a sample a second from the live status.
#[component]
fn LivePower(id: ChargerId, status: RwSignal<Option<ChargerStatus>>) -> impl IntoView {
    let i18n = use_i18n();
    let samples = RwSignal::new(Vec::<(i64, f32)>::new());
    // Server clock minus browser clock, learnt from each status.
    let offset = StoredValue::new(0_i64);
    let add = move |power: f32| {
        let at = now_ms() + offset.get_value();
        samples.update(|samples| {
            samples.push((at, power));
            let oldest = at - i64::from(WINDOW_SECS) * 1000;
            let stale = samples.iter().take_while(|s| s.0 < oldest).count();
            samples.drain(..stale);
        });
    };
    spawn_local(async move {
        if let Ok(history) = api::power_history(&id, WINDOW_SECS).await {
            samples.update(|samples| {
                let first_live = samples.first().map_or(i64::MAX, |s| s.0);
                let mut merged: Vec<_> = history.into_iter().filter(|s| s.0 < first_live).collect();
                merged.append(samples);
                *samples = merged;
            });
        }
    });
    Effect::new(move |_| {
        if let Some((at, power)) = status.with(|s| s.as_ref().map(|s| (s.at_ms, s.charge_power_w as f32))) {
            offset.set_value(at - now_ms());
            add(power);
        }
    });
    if let Ok(ticker) = set_interval_with_handle(
        move || {
            if let Some(power) = status.with_untracked(|s| s.as_ref().map(|s| s.charge_power_w as f32)) {
                add(power);
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || ticker.clear());
    }
    let description = Signal::derive(move || {
        let power = status.with(|s| s.as_ref().map_or(0.0, |s| s.charge_power_w));
        (i18n.t().power_chart_description)(&format::kw(power, i18n.language()))
    });
    view! { <PowerChart samples description minutes_label=tr(|t| t.minutes_short) /> }
}
