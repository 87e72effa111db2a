//! The live stream: Server-Sent Events with the status of every charger the user can see.
//!
//! `GET /api/events` first sends the current status of each charger and the user's number of
//! unread notifications, then every change (`event: status`, data: a `StatusEvent`). When the
//! chargers a user can see change (paired, removed, shared, unshared), the stream applies it at
//! once and sends `event: access` so that the portal reloads its list. When the user's number
//! of unread notifications changes it sends `event: notifications` (data: an `UnreadCount`).
//! The stream ends within a moment of its session ending (logout, password change or reset,
//! account deleted, expiry) and when the server stops.

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use charge_model::charger::{ChargerId, StatusEvent};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::auth::{CurrentUser, session};
use crate::chargers::store;
use crate::error::ApiResult;
use crate::link::Push;

/// Live status of the user's chargers.
#[utoipa::path(get, path = "/api/events", tag = "chargers",
    responses((status = 200, description = "A stream of `status`, `access` and `notifications` events", content_type = "text/event-stream", body = crate::openapi::LiveEvent)))]
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading the snapshot, so that no change falls in between.
    let receiver = state.links.subscribe();
    let allowed = visible(&state, user.id).await?;
    let ids: Vec<ChargerId> = allowed.iter().cloned().collect();
    let mut snapshot: Vec<Event> = ids
        .iter()
        .zip(state.links.statuses(&ids))
        .filter_map(|(id, status)| {
            let event = StatusEvent { charger_id: id.clone(), status: status? };
            Some(Event::default().event("status").data(serde_json::to_string(&event).ok()?))
        })
        .collect();
    let user_id = user.id;
    let unread = state.db.run(move |conn| crate::notify::store::unread(conn, user_id)).await?;
    snapshot.extend(unread_event(unread));
    let pending = snapshot.into_iter().rev().collect();
    let endings = state.session_endings.subscribe();
    let stopping = state.stopping.subscribe();
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.reset();
    let stream = Live {
        state,
        user_id: user.id,
        session: user.session,
        allowed,
        receiver,
        endings,
        stopping,
        recheck,
        pending,
    };
    let stream = futures_util::stream::unfold(stream, |mut live| async move {
        let event = live.next().await?;
        Some((Ok(event), live))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A stream also checks now and then that its session has not expired.
const SESSION_RECHECK: Duration = Duration::from_secs(60);

struct Live {
    state: AppState,
    user_id: i64,
    /// The hash of the session the stream was opened with: the stream ends with it.
    session: Vec<u8>,
    allowed: HashSet<ChargerId>,
    receiver: tokio::sync::broadcast::Receiver<Push>,
    endings: tokio::sync::broadcast::Receiver<i64>,
    stopping: tokio::sync::watch::Receiver<bool>,
    recheck: tokio::time::Interval,
    pending: Vec<Event>,
}

/// What a stream waits for.
enum Wake {
    Push(Result<Push, RecvError>),
    /// Some session may have ended: check ours.
    Check,
    Stop,
}

impl Live {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop() {
                return Some(event);
            }
            let wake = tokio::select! {
                biased;
                _ = self.stopping.wait_for(|stopping| *stopping) => Wake::Stop,
                ended = self.endings.recv() => match ended {
                    Ok(user_id) if user_id != self.user_id => continue,
                    Ok(_) | Err(RecvError::Lagged(_)) => Wake::Check,
                    Err(RecvError::Closed) => Wake::Stop,
                },
                _ = self.recheck.tick() => Wake::Check,
                push = self.receiver.recv() => Wake::Push(push),
            };
            let push = match wake {
                Wake::Stop => return None,
                Wake::Check => {
                    if !self.session_alive().await {
                        return None;
                    }
                    continue;
                }
                Wake::Push(push) => push,
            };
            match push {
                Ok(Push::Status { charger_id, json }) if self.allowed.contains(&charger_id) => {
                    return Some(Event::default().event("status").data(&*json));
                }
                Ok(Push::Statuses { changed }) => {
                    // Kept in order: `pending` is popped from the end.
                    self.pending = changed
                        .iter()
                        .rev()
                        .filter(|(charger_id, _)| self.allowed.contains(charger_id))
                        .map(|(_, json)| Event::default().event("status").data(&**json))
                        .collect();
                }
                Ok(Push::Access { user_ids }) if user_ids.contains(&self.user_id) => {
                    // A session that ended meanwhile closes the stream.
                    self.allowed = visible(&self.state, self.user_id).await.ok()?;
                    return Some(Event::default().event("access").data("{}"));
                }
                Ok(Push::Unread { user_id, unread }) if user_id == self.user_id => {
                    return unread_event(unread);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

impl Live {
    /// Whether the stream's session goes on. A page open on the live stream is in use: it
    /// keeps the session from ending idle (never past its lifetime).
    async fn session_alive(&self) -> bool {
        let (session, now) = (self.session.clone(), self.state.clock.unix());
        let idle = self.state.config.session_idle_secs();
        let user = self.state.db.run(move |conn| session::use_session(conn, &session, now, idle)).await;
        matches!(user, Ok(Some(id)) if id == self.user_id)
    }
}

/// `event: notifications` with the user's number of unread notifications.
fn unread_event(unread: u32) -> Option<Event> {
    let count = charge_model::notifications::UnreadCount { unread };
    Some(Event::default().event("notifications").data(serde_json::to_string(&count).ok()?))
}

async fn visible(state: &AppState, user_id: i64) -> ApiResult<HashSet<ChargerId>> {
    let listed = state.db.run(move |conn| store::list_for(conn, user_id)).await?;
    Ok(listed.into_iter().map(|c| c.id).collect())
}
