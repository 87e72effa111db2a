//! The notification bell in the header: the unread count, pushed live, and a panel with the
//! list, which marks everything read when it opens. Escape and clicks outside close it.

use charge_model::notifications::{Notification, NotificationEvent, NotificationPage};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api;
use crate::components::load::{ApiErrorNote, Loaded};
use crate::format;
use crate::i18n::{I18n, tr, use_i18n};
use crate::live::use_live;

/// The bell button and its panel.
#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let open = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let keydown = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    // A click outside closes it, and so does following one of its links (the route's change
    // alone did not: the header is outside the routes).
    let click = window_event_listener(ev::click, move |ev| {
        let target = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let closest =
            |selector: &str| target.as_ref().and_then(|e| e.closest(selector).ok().flatten()).is_some();
        if !closest(".bell") || closest(".bell a") {
            open.set(false);
        }
    });
    on_cleanup(move || {
        keydown.remove();
        click.remove();
    });
    let label = move || (i18n.t().notifications_unread)(live.unread());
    view! {
        <div class="bell">
            <button
                type="button"
                class="bell-button"
                node_ref=button
                aria-label=label
                aria-expanded=move || open.get().to_string()
                aria-controls="notifications-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
                </svg>
                <Show when=move || { live.unread() > 0 }>
                    <span class="badge" aria-hidden="true">
                        {move || match live.unread() {
                            n @ 0..=99 => n.to_string(),
                            _ => "99+".to_owned(),
                        }}
                    </span>
                </Show>
            </button>
            <div
                id="notifications-panel"
                class="notifications-panel"
                role="region"
                aria-label=tr(|t| t.notifications_title)
                hidden=move || !open.get()
            >
                <h2>{tr(|t| t.notifications_title)}</h2>
                <Show when=move || open.get()>
                    <NotificationList />
                </Show>
            </div>
        </div>
    }
}

/// The list, loaded when the panel opens; once shown, everything is marked read (the items
/// keep their unread look until the panel closes).
#[component]
fn NotificationList() -> impl IntoView {
    let live = use_live();
    let resource = LocalResource::new(|| api::notifications(None));
    let older = RwSignal::new(Vec::<Notification>::new());
    let next = RwSignal::new(None::<i64>);
    let more_error = RwSignal::new(None);
    Effect::new(move |_| {
        let Some(Ok(page)) = resource.get() else { return };
        next.set(page.next_before);
        if page.unread > 0 {
            live.set_unread(0);
            spawn_local(async move {
                let _ = api::mark_all_notifications_read().await;
            });
        }
    });
    let show_older = move |_| {
        let Some(before) = next.get_untracked() else { return };
        spawn_local(async move {
            match api::notifications(Some(before)).await {
                Ok(page) => {
                    older.update(|items| items.extend(page.items));
                    next.set(page.next_before);
                }
                Err(error) => more_error.set(Some(error)),
            }
        });
    };
    view! {
        <Loaded
            resource
            show=move |page: NotificationPage| {
                if page.items.is_empty() {
                    return view! { <p class="empty">{tr(|t| t.notifications_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="notification-list">
                        {page.items.into_iter().map(|item| view! { <Item item /> }).collect_view()}
                        {move || older.get().into_iter().map(|item| view! { <Item item /> }).collect_view()}
                    </ul>
                    <Show when=move || next.get().is_some()>
                        <button type="button" class="button link" on:click=show_older>
                            {tr(|t| t.notifications_older)}
                        </button>
                    </Show>
                    <ApiErrorNote error=more_error />
                }
                    .into_any()
            }
        />
    }
}

#[component]
fn Item(item: Notification) -> impl IntoView {
    let i18n = use_i18n();
    let href = match item.event {
        NotificationEvent::PlanUnmet { .. } => format!("/chargers/{}/schedule", item.charger_id),
        _ => format!("/chargers/{}", item.charger_id),
    };
    let (event, created_at) = (item.event, item.created_at);
    view! {
        <li class:unread=!item.read>
            <A href=href>
                <span class="charger-name">{item.charger_name}</span>
                <span class="message">{move || message(i18n, &event)}</span>
                <span class="when">{move || format::date_time(created_at, i18n.language())}</span>
            </A>
        </li>
    }
}

/// What happened, in the user's language.
fn message(i18n: I18n, event: &NotificationEvent) -> String {
    let (t, language) = (i18n.t(), i18n.language());
    match event {
        NotificationEvent::ChargeFinished { energy_wh, cost_cents, minutes, .. } => (t
            .notify_charge_finished)(
            &format::kwh(*energy_wh, language),
            &format::money(*cost_cents, language),
            *minutes,
        ),
        NotificationEvent::UnknownCard { card } => (t.notify_unknown_card)(card),
        NotificationEvent::Offline { minutes } => (t.notify_offline)(*minutes),
        NotificationEvent::BackOnline { minutes } => (t.notify_back_online)(*minutes),
        NotificationEvent::Shared { by, role } => {
            (t.notify_shared)(by, *role == charge_model::charger::Role::Editor)
        }
        NotificationEvent::ShareAccepted { by } => (t.notify_share_accepted)(by),
        NotificationEvent::PlanUnmet { .. } => t.notify_plan_unmet.to_owned(),
        NotificationEvent::FirmwareUpdated { version } => (t.notify_firmware)(version),
    }
}
