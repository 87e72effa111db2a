//! Charges: the one owner of finished charges (`charge_sessions`) and of charges in progress
//! (`charges_in_progress`). The simulator only reports what happens; this module keeps it.
//!
//! - A finished charge is priced under its charger's tariff at that moment, quarter-hour by
//!   quarter-hour, by the model's one cost function, and recorded in the transaction that
//!   deletes its saved progress, so it is counted once. One the database refuses stays queued
//!   and is retried every tick: it is never dropped.
//! - A charge in progress is saved at least every minute (every simulated minute under
//!   `--time-scale`) and when the server stops.
//! - At start-up each saved charge is resumed if it was saved less than [`RESUME_WITHIN`] ago:
//!   its car is taken to be still plugged in and the charge goes on with its energy so far.
//!   An older one (the car would have left long ago, and a resumed charge would straddle a
//!   gap of hours) is recorded as finished at its last saved point. Either way a crash loses
//!   at most the energy since the last save.
//!
//! Writes take turns: the progress of the charges is read from the simulator and written in
//! one turn, so a charge that finishes meanwhile is recorded after its last progress row was
//! written, and its recording deletes that row.

pub mod price;
pub mod store;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use charge_model::charger::ChargerId;
use charge_model::notifications::NotificationEvent;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;
use crate::notify::{self, Audience, Notifier};
use crate::simulator::{FinishedSession, Simulator};

/// A saved charge in progress younger than this is resumed at start-up; an older one is
/// recorded as finished at its last saved point.
pub const RESUME_WITHIN: chrono::Duration = chrono::Duration::hours(1);

/// The longest a charge in progress goes unsaved, in simulated time.
pub const SAVE_EVERY_SECS: f64 = 60.0;

/// Keeps what the simulator reports: see the module's documentation.
pub struct Charges {
    db: Db,
    simulator: Arc<Simulator>,
    clock: Clock,
    /// Told of each charge recorded and each firmware update.
    notifier: Arc<Notifier>,
    /// Finished charges the database refused, retried each tick.
    pending: Mutex<Vec<FinishedSession>>,
    /// New firmware versions the database refused, retried each tick.
    firmware: Mutex<Vec<(ChargerId, String)>>,
    /// Taken by each write of charges, so that they happen in turn.
    turn: tokio::sync::Mutex<()>,
    /// When the charges in progress were last saved.
    saved_at: Mutex<Option<DateTime<Utc>>>,
    save_every: chrono::Duration,
    tick: Duration,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Charges {
    /// Takes over the charges the last run saved in progress: resumes them in `simulator`,
    /// or records them as finished (see the module's documentation).
    pub fn open(
        db: Db,
        simulator: Arc<Simulator>,
        clock: Clock,
        notifier: Arc<Notifier>,
    ) -> ApiResult<Charges> {
        let now = clock.now();
        db.blocking(|conn| resume(conn, &simulator, now))?;
        let options = simulator.options();
        let tick = options.tick;
        let scaled =
            if options.time_scale > 1.0 { SAVE_EVERY_SECS / options.time_scale } else { SAVE_EVERY_SECS };
        let save_every = Duration::from_secs_f64(scaled).max(tick);
        Ok(Charges {
            db,
            simulator,
            clock,
            notifier,
            pending: Mutex::default(),
            firmware: Mutex::default(),
            turn: tokio::sync::Mutex::new(()),
            saved_at: Mutex::default(),
            save_every: chrono::Duration::from_std(save_every).unwrap_or(chrono::Duration::seconds(60)),
            tick,
        })
    }

    /// Runs the simulation every tick until `stopping`, keeping what it reports.
    pub fn start(self: &Arc<Self>, stopping: watch::Receiver<bool>) {
        let charges = Arc::clone(self);
        crate::periodic::every(self.tick, stopping, move || {
            let charges = Arc::clone(&charges);
            async move { charges.step().await }
        });
    }

    /// One tick: advances the simulation, records the charges that finished (and those still
    /// queued), stores new firmware versions, and saves the charges in progress when due.
    /// What the database refuses is logged and retried at the next step.
    pub async fn step(&self) {
        let outcome = self.simulator.tick();
        lock(&self.firmware).extend(outcome.firmware);
        self.store_firmware().await;
        self.finished(outcome.finished).await;
        let now = self.clock.now();
        let due = lock(&self.saved_at).is_none_or(|at| {
            now - at + chrono::Duration::from_std(self.tick / 2).unwrap_or_default() >= self.save_every
        });
        if due {
            // Logged inside; the next step tries again since `saved_at` did not move.
            let _ = self.save_progress().await;
        }
    }

    /// Records charges the simulator reports finished, with any still queued; the ones the
    /// database refuses stay queued for the next step. A charge of a charger released since
    /// it started is not kept.
    pub async fn finished(&self, sessions: Vec<FinishedSession>) {
        let _turn = self.turn.lock().await;
        let batch = {
            let mut pending = lock(&self.pending);
            pending.extend(sessions);
            std::mem::take(&mut *pending)
        };
        if batch.is_empty() {
            return;
        }
        let copy = batch.clone();
        let (recorded, refused) = match self.db.run(move |conn| Ok(record_reported(conn, batch))).await {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::error!(?error, "recording finished charges");
                (Vec::new(), copy)
            }
        };
        for (charger, event) in recorded {
            notify::emit(&self.notifier, &charger, event, Audience::Charger).await;
        }
        if !refused.is_empty() {
            tracing::warn!(charges = refused.len(), "finished charges queued until the database takes them");
            let mut pending = lock(&self.pending);
            let newer = std::mem::take(&mut *pending);
            *pending = refused.into_iter().chain(newer).collect();
        }
    }

    /// How many finished charges wait for the database.
    pub fn queued(&self) -> usize {
        lock(&self.pending).len()
    }

    /// Saves every charge in progress now.
    pub async fn save_progress(&self) -> ApiResult<()> {
        let _turn = self.turn.lock().await;
        let now = self.clock.now();
        let progress = self.simulator.progress();
        let saved = self
            .db
            .run(move |conn| {
                let tx = conn.transaction()?;
                for charge in &progress {
                    store::save_progress(&tx, charge, now)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await;
        match &saved {
            Ok(()) => *lock(&self.saved_at) = Some(now),
            Err(error) => tracing::error!(?error, "saving the charges in progress"),
        }
        saved
    }

    async fn store_firmware(&self) -> bool {
        let versions = std::mem::take(&mut *lock(&self.firmware));
        if versions.is_empty() {
            return true;
        }
        let stored = versions.clone();
        let result = self
            .db
            .run(move |conn| {
                let tx = conn.transaction()?;
                for (id, version) in &stored {
                    crate::chargers::store::set_firmware(&tx, id, version)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await;
        if let Err(error) = result {
            tracing::error!(?error, "storing firmware versions; retried at the next tick");
            let mut queued = lock(&self.firmware);
            let newer = std::mem::take(&mut *queued);
            *queued = versions.into_iter().chain(newer).collect();
            return false;
        }
        for (charger, version) in versions {
            let event = NotificationEvent::FirmwareUpdated { version };
            notify::emit(&self.notifier, &charger, event, Audience::Charger).await;
        }
        true
    }

    /// The last save before the server stops (once the simulation no longer runs): the
    /// finished charges still queued and every charge in progress, which the next start
    /// resumes. Tries again for up to 5 s while the database refuses.
    pub async fn shutdown(&self) {
        let give_up = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            self.finished(Vec::new()).await;
            let firmware = self.store_firmware().await;
            let progress = self.save_progress().await.is_ok();
            if progress && firmware && self.queued() == 0 {
                tracing::info!("charges in progress saved");
                return;
            }
            if tokio::time::Instant::now() >= give_up {
                break;
            }
            tracing::warn!("the database refuses the last save of charges; trying again");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        tracing::error!(
            queued = self.queued(),
            "stopping without the last save of charges: the next start takes them from their previous save"
        );
    }
}

/// Records finished charges that did not come from the simulation (a past charge entered by
/// hand, the demo's history), in one transaction.
pub async fn record(db: &Db, sessions: Vec<FinishedSession>) -> ApiResult<()> {
    record_marked(db, sessions.into_iter().map(|session| (session, false)).collect()).await
}

/// Records finished charges like [`record`], each with whether it was charged under a plan
/// (then what charging at once would have cost is kept too).
pub async fn record_marked(db: &Db, sessions: Vec<(FinishedSession, bool)>) -> ApiResult<()> {
    db.run(move |conn| {
        let tx = conn.transaction()?;
        for (session, under_plan) in &sessions {
            store::record(&tx, session, *under_plan)?;
        }
        tx.commit()?;
        Ok(())
    })
    .await
}

/// Deletes a charger's charges, finished and in progress, in the caller's transaction (the
/// charger is being released).
pub fn forget(tx: &Connection, charger: &ChargerId) -> ApiResult<()> {
    store::forget(tx, charger)
}

/// A recorded charge, as its people hear of it.
type Recorded = (ChargerId, NotificationEvent);

/// Records each charge in its own transaction; returns the charges recorded (to notify) and
/// those the database refused.
fn record_reported(
    conn: &mut Connection,
    sessions: Vec<FinishedSession>,
) -> (Vec<Recorded>, Vec<FinishedSession>) {
    let (mut done, mut refused) = (Vec::new(), Vec::new());
    for session in sessions {
        let recorded = (|| -> ApiResult<Option<charge_model::tariff::Cost>> {
            let tx = conn.transaction()?;
            let cost = if store::of_current_pairing(&tx, &session.charger_id, session.started_at)? {
                Some(store::record(&tx, &session, false)?)
            } else {
                None
            };
            tx.commit()?;
            Ok(cost)
        })();
        match recorded {
            // A car plugged in and out without taking energy (under the 0.01 kWh the portal
            // shows) is in the history, but nobody is told a charge finished.
            Ok(Some(_)) if session.energy_wh < 10.0 => {}
            Ok(Some(cost)) => done.push((
                session.charger_id.clone(),
                NotificationEvent::ChargeFinished {
                    energy_wh: session.energy_wh,
                    cost_cents: cost.cents,
                    cost_estimated: cost.estimated,
                    minutes: (session.ended_at - session.started_at).num_minutes(),
                },
            )),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(?error, charger = %session.charger_id, "recording a finished charge");
                refused.push(session);
            }
        }
    }
    (done, refused)
}

/// Resumes or finishes the charges saved in progress (see the module's documentation).
fn resume(conn: &mut Connection, simulator: &Simulator, now: DateTime<Utc>) -> ApiResult<()> {
    let saved = store::saved(conn)?;
    let tx = conn.transaction()?;
    let (mut resumed, mut finished) = (0, 0);
    for (index, charge) in saved.iter().enumerate() {
        let id = &charge.progress.charger_id;
        // Only a charger's latest charge may still be going on; an earlier one ended, and
        // its recording had not reached the database.
        let latest = saved.get(index + 1).is_none_or(|next| &next.progress.charger_id != id);
        if latest && now - charge.saved_at <= RESUME_WITHIN && simulator.resume(charge.progress.clone()) {
            resumed += 1;
        } else if store::of_current_pairing(&tx, id, charge.progress.session.started_at)? {
            store::record(&tx, &charge.finished(), false)?;
            finished += 1;
        } else {
            store::forget_progress(&tx, id, charge.progress.session.started_at)?;
        }
    }
    tx.commit()?;
    if !saved.is_empty() {
        tracing::info!(resumed, finished, "charges in progress taken over from the last run");
    }
    Ok(())
}
