//! Live status: one Server-Sent Events stream (`/api/events`) for the whole app while a
//! user is logged in. Each charger's status is a signal of its own, so that a change of
//! one charger re-renders only what shows that charger. The same stream carries the user's
//! number of unread notifications (the bell).

use std::collections::HashMap;

use charge_model::charger::{ChargerId, ChargerStatus, StatusEvent};
use charge_model::notifications::UnreadCount;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, EventSourceInit, MessageEvent};

use crate::api;
use crate::session::Session;

/// How long to wait before opening the stream again after the server closed it.
const RETRY_MS: u64 = 3_000;

/// The live statuses, provided at the root of the app.
#[derive(Clone, Copy)]
pub struct Live {
    statuses: StoredValue<HashMap<ChargerId, RwSignal<Option<ChargerStatus>>>>,
    /// Bumped when the chargers the user can see change (paired, removed, shared).
    access: RwSignal<u64>,
    connected: RwSignal<bool>,
    /// The user's unread notifications: sent when the stream opens, then pushed.
    unread: RwSignal<u32>,
    /// Signals are created under the app's owner so that they outlive the page that asked.
    owner: StoredValue<Owner>,
    stream: StoredValue<Option<Stream>, LocalStorage>,
}

impl Live {
    /// Opens the stream whenever a user is logged in, and closes it when they log out.
    pub fn new(session: Session) -> Live {
        let live = Live {
            statuses: StoredValue::new(HashMap::new()),
            access: RwSignal::new(0),
            connected: RwSignal::new(false),
            unread: RwSignal::new(0),
            owner: StoredValue::new(Owner::current().expect("Live::new runs inside the app")),
            stream: StoredValue::new_local(None),
        };
        Effect::new(move |_| if session.is_logged_in() { live.open() } else { live.close() });
        live
    }

    /// The live status of a charger (`None` until something is known).
    pub fn status(&self, id: &ChargerId) -> RwSignal<Option<ChargerStatus>> {
        if let Some(signal) = self.statuses.with_value(|map| map.get(id).copied()) {
            return signal;
        }
        let signal = self.owner.with_value(|owner| owner.with(|| RwSignal::new(None)));
        self.statuses.update_value(|map| {
            map.insert(id.clone(), signal);
        });
        signal
    }

    /// Records a status the portal learned otherwise (a page load, a command's answer),
    /// unless a newer one already arrived.
    pub fn apply(&self, id: &ChargerId, status: ChargerStatus) {
        let signal = self.status(id);
        let newer =
            signal.with_untracked(|known| known.as_ref().is_none_or(|known| known.at_ms <= status.at_ms));
        if newer {
            signal.set(Some(status));
        }
    }

    /// Changes whenever the list of chargers the user can see changes.
    pub fn access_version(&self) -> u64 {
        self.access.get()
    }

    /// Whether the stream is connected.
    pub fn connected(&self) -> bool {
        self.connected.get()
    }

    /// The number of unread notifications (the bell's badge).
    pub fn unread(&self) -> u32 {
        self.unread.get()
    }

    /// Records a count the portal learned otherwise (the list was opened and read).
    pub fn set_unread(&self, unread: u32) {
        self.unread.set(unread);
    }

    /// On each (re)connection (the stream then sends the unread count, which may have changed
    /// while it was closed).
    fn on_open(self) {
        self.connected.set(true);
    }

    fn open(self) {
        if self.stream.with_value(Option::is_some) {
            return;
        }
        spawn_local(async move {
            let url = api::url("/api/events").await;
            match Stream::open(&url, self) {
                Ok(stream) => self.stream.set_value(Some(stream)),
                Err(()) => leptos::logging::warn!("the browser refused to open the live stream"),
            }
        });
    }

    fn close(self) {
        self.stream.set_value(None);
        self.connected.set(false);
        self.unread.set(0);
    }

    fn on_status(self, data: &str) {
        if let Ok(event) = serde_json::from_str::<StatusEvent>(data) {
            self.apply(&event.charger_id, event.status);
        }
    }

    /// The browser reconnects by itself after a network error; after a refusal (the session
    /// ended, the server restarted) the stream is closed and we open a new one later.
    fn on_error(self, closed: bool) {
        self.connected.set(false);
        if !closed {
            return;
        }
        // Not dropped here: this runs inside one of the stream's own handlers.
        set_timeout(
            move || {
                self.stream.set_value(None);
                spawn_local(async move {
                    // Reopens only if the session is still valid (a 401 is noticed there).
                    if matches!(api::session().await, Ok(Some(_))) {
                        self.open();
                    }
                });
            },
            std::time::Duration::from_millis(RETRY_MS),
        );
    }
}

/// An open `EventSource` and its handlers; dropping it closes the stream.
struct Stream {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Stream {
    fn open(url: &str, live: Live) -> Result<Stream, ()> {
        let init = EventSourceInit::new();
        init.set_with_credentials(true);
        let source = EventSource::new_with_event_source_init_dict(url, &init).map_err(|_| ())?;
        let mut handlers = Vec::new();
        let mut listen = |name: &str, handler: Box<dyn FnMut(web_sys::Event)>| {
            let closure = Closure::wrap(handler);
            let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
            handlers.push(closure);
        };
        listen(
            "status",
            Box::new(move |event| {
                if let Some(data) = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) {
                    live.on_status(&data);
                }
            }),
        );
        listen("access", Box::new(move |_| live.access.update(|version| *version += 1)));
        listen(
            "notifications",
            Box::new(move |event| {
                let data = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string());
                if let Some(count) = data.and_then(|d| serde_json::from_str::<UnreadCount>(&d).ok()) {
                    live.unread.set(count.unread);
                }
            }),
        );
        listen("open", Box::new(move |_| live.on_open()));
        let watched = source.clone();
        listen("error", Box::new(move |_| live.on_error(watched.ready_state() == EventSource::CLOSED)));
        Ok(Stream { source, _handlers: handlers })
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The app's [`Live`].
pub fn use_live() -> Live {
    expect_context::<Live>()
}
