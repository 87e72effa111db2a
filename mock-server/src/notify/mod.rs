//! Notifications: the one owner of the notification tables. [`emit`] is what the modules
//! where things happen call (charges, sharing, plans, firmware, the connectivity check
//! below); it decides who hears about an event, stores it in each one's list, pushes their
//! unread count to their live stream, and emails those who chose email, in their language,
//! with a link that turns that kind's emails off.
//!
//! - Fan-out: a charger's events go to its owner and the people it is shared with; a
//!   sharing event goes to the one person it concerns.
//! - Emails: at most one per kind, charger and user in
//!   [`EMAIL_EVERY_SECS`](charge_model::notifications::EMAIL_EVERY_SECS); the list records
//!   every event.
//! - Conditions that last (a charger offline, a plan that cannot be met) are notified once,
//!   when they begin, and "back online" only after "offline" was.

pub mod api;
pub mod email;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use charge_model::charger::ChargerId;
use charge_model::notifications::{EMAIL_EVERY_SECS, NotificationEvent, OFFLINE_AFTER_SECS};
use charge_model::plan::PlanError;
use tokio::sync::broadcast;

use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;
use crate::link::{Links, Push};
use crate::mail::{Mail, Mailer};

/// What [`emit`] needs: the database, the clock, the mailer, the portal's address for links,
/// and the live stream's channel for unread counts.
pub struct Notifier {
    db: Db,
    clock: Clock,
    mailer: Arc<Mailer>,
    public_url: String,
    events: broadcast::Sender<Push>,
}

impl Notifier {
    pub fn new(
        db: Db,
        clock: Clock,
        mailer: Arc<Mailer>,
        public_url: String,
        events: broadcast::Sender<Push>,
    ) -> Notifier {
        Notifier { db, clock, mailer, public_url, events }
    }

    /// Pushes the user's unread count to their live streams.
    pub fn push_unread(&self, user_id: i64, unread: u32) {
        let _ = self.events.send(Push::Unread { user_id, unread });
    }
}

/// Who hears about an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The charger's owner and the people it is shared with.
    Charger,
    /// One user (sharing events).
    User(i64),
    /// One user, in the portal only: an email of its own already told them (an invitation).
    InPortal(i64),
}

/// Records `event` about `charger` for its audience and emails those who chose email; see
/// the module's documentation. Failures are logged: an event is never worth failing the
/// action that caused it.
pub async fn emit(notifier: &Notifier, charger: &ChargerId, event: NotificationEvent, audience: Audience) {
    if let Err(error) = deliver(notifier, charger, event, audience).await {
        tracing::error!(?error, charger = %charger, "notification not delivered");
    }
}

async fn deliver(
    notifier: &Notifier,
    charger: &ChargerId,
    event: NotificationEvent,
    audience: Audience,
) -> ApiResult<()> {
    let now = notifier.clock.unix();
    let kind = event.kind();
    let (id, what, base) = (charger.clone(), event.clone(), notifier.public_url.clone());
    let (counts, mails) = notifier
        .db
        .run(move |conn| {
            let people = match audience {
                Audience::Charger => store::people_of(conn, &id)?,
                Audience::User(user_id) | Audience::InPortal(user_id) => vec![user_id],
            };
            let name = store::charger_name(conn, &id)?;
            let tx = conn.transaction()?;
            let (mut counts, mut mails) = (Vec::new(), Vec::<Mail>::new());
            for user_id in people {
                let Some(recipient) = store::recipient(&tx, user_id, kind)? else { continue };
                if recipient.preference.portal {
                    store::insert(&tx, user_id, &id, &name, &what, now)?;
                    counts.push((user_id, store::unread(&tx, user_id)?));
                }
                if recipient.preference.email
                    && !matches!(audience, Audience::InPortal(_))
                    && store::take_email_turn(&tx, user_id, &id, kind, now, EMAIL_EVERY_SECS)?
                {
                    let token = store::unsubscribe_token(&tx, user_id, kind, now)?;
                    let unsubscribe = format!("{base}/unsubscribe?token={token}");
                    let link = format!("{base}/chargers/{id}");
                    mails.push(email::notification(&recipient, &name, &what, &link, unsubscribe));
                }
            }
            tx.commit()?;
            Ok((counts, mails))
        })
        .await?;
    for (user_id, unread) in counts {
        notifier.push_unread(user_id, unread);
    }
    for mail in mails {
        notifier.mailer.send(&notifier.db, &notifier.clock, mail).await?;
    }
    Ok(())
}

const OFFLINE: &str = "offline";
const PLAN_UNMET: &str = "plan_unmet";

/// Notes which paired chargers are offline: one offline for more than
/// [`OFFLINE_AFTER_SECS`] is notified, and its return then too.
pub async fn check_connectivity(notifier: &Notifier, links: &Links) {
    if let Err(error) = connectivity(notifier, links).await {
        tracing::error!(?error, "connectivity check");
    }
}

async fn connectivity(notifier: &Notifier, links: &Links) -> ApiResult<()> {
    let now = notifier.clock.unix();
    let ids = notifier.db.run(|conn| store::paired(conn)).await?;
    let online: Vec<(ChargerId, bool)> = ids
        .iter()
        .cloned()
        .zip(links.statuses(&ids))
        .map(|(id, status)| (id, status.is_some_and(|s| s.online)))
        .collect();
    let events = notifier
        .db
        .run(move |conn| {
            let mut events = Vec::new();
            for (id, online) in online {
                let noted = store::condition(conn, &id, OFFLINE)?;
                match (online, noted) {
                    (false, None) => store::set_condition(conn, &id, OFFLINE, now, false)?,
                    (false, Some((since, false))) if now - since > OFFLINE_AFTER_SECS => {
                        store::set_condition(conn, &id, OFFLINE, since, true)?;
                        events.push((id, NotificationEvent::Offline { minutes: (now - since) / 60 }));
                    }
                    (true, Some((since, notified))) => {
                        store::clear_condition(conn, &id, OFFLINE)?;
                        if notified {
                            events.push((id, NotificationEvent::BackOnline { minutes: (now - since) / 60 }));
                        }
                    }
                    _ => {}
                }
            }
            Ok(events)
        })
        .await?;
    for (id, event) in events {
        emit(notifier, &id, event, Audience::Charger).await;
    }
    Ok(())
}

/// Checks connectivity every `every` (a simulated minute) until `stopping`.
pub fn start(
    notifier: Arc<Notifier>,
    links: Arc<Links>,
    every: Duration,
    stopping: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::every(every, stopping, move || {
        let (notifier, links) = (notifier.clone(), links.clone());
        async move { check_connectivity(&notifier, &links).await }
    });
}

/// What the plans' follower found of a charger's plan for `departure`: `Some(reason)` when
/// it cannot be met. Notified once per departure; a plan met again clears it.
pub async fn plan_checked(
    notifier: &Notifier,
    charger: &ChargerId,
    departure: i64,
    unmet: Option<PlanError>,
) {
    let id = charger.clone();
    let new = notifier
        .db
        .run(move |conn| {
            let noted = store::condition(conn, &id, PLAN_UNMET)?;
            match unmet {
                None => {
                    if noted.is_some() {
                        store::clear_condition(conn, &id, PLAN_UNMET)?;
                    }
                    Ok(false)
                }
                Some(_) if noted.is_some_and(|(since, _)| since == departure) => Ok(false),
                Some(_) => {
                    store::set_condition(conn, &id, PLAN_UNMET, departure, true)?;
                    Ok(true)
                }
            }
        })
        .await;
    match (new, unmet) {
        (Ok(true), Some(reason)) => {
            emit(notifier, charger, NotificationEvent::PlanUnmet { reason }, Audience::Charger).await;
        }
        (Err(error), _) => tracing::error!(?error, charger = %charger, "noting a plan that cannot be met"),
        _ => {}
    }
}
