//! The live hub: where the status of every charger, whatever its link, is published to the
//! subscribers of the live stream, in one shape ([`Push`]).
//!
//! The simulator publishes its whole fleet once a tick through [`Hub::sender`]; the other links
//! publish each charger's status as it comes ([`Hub::publish`]), and the hub keeps it, with the
//! last minutes of power samples, for the REST API.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use charge_model::charger::{ChargerId, ChargerStatus, StatusEvent};
use tokio::sync::broadcast;

/// What subscribers of the live stream receive.
#[derive(Debug, Clone)]
pub enum Push {
    /// A charger's new status, already serialised as a [`StatusEvent`].
    Status { charger_id: ChargerId, json: Arc<str> },
    /// The statuses that changed in one tick, in one message: each subscriber wakes once a
    /// tick instead of once per charger (1,000 chargers × 1,000 streams stay cheap).
    Statuses { changed: Arc<[(ChargerId, Arc<str>)]> },
    /// The chargers these users can see have changed (paired, removed, shared…).
    Access { user_ids: Arc<[i64]> },
    /// A user's number of unread notifications changed.
    Unread { user_id: i64, unread: u32 },
}

/// How long power samples are kept, in seconds.
pub const HISTORY_SECS: i64 = 900;

#[derive(Default)]
struct Live {
    status: Option<ChargerStatus>,
    /// (unix ms, W), oldest first.
    power: VecDeque<(i64, f32)>,
}

/// See the module's documentation.
pub struct Hub {
    events: broadcast::Sender<Push>,
    live: Mutex<HashMap<ChargerId, Live>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub { events: broadcast::channel(16_384).0, live: Mutex::default() }
    }
}

impl Hub {
    fn live(&self) -> MutexGuard<'_, HashMap<ChargerId, Live>> {
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The channel the simulator publishes its ticks on.
    pub fn sender(&self) -> broadcast::Sender<Push> {
        self.events.clone()
    }

    /// Live updates: status changes and access changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Push> {
        self.events.subscribe()
    }

    /// Tells the subscribers of `user_ids` that their chargers changed.
    pub fn access_changed(&self, user_ids: Vec<i64>) {
        let _ = self.events.send(Push::Access { user_ids: user_ids.into() });
    }

    /// Keeps a charger's new status and pushes it if it changed (its time aside). A power
    /// sample is kept at each publication.
    pub fn publish(&self, id: &ChargerId, status: ChargerStatus) {
        let changed = {
            let mut live = self.live();
            let entry = live.entry(id.clone()).or_default();
            entry.power.push_back((status.at_ms, status.charge_power_w as f32));
            while entry.power.front().is_some_and(|(at, _)| status.at_ms - at > HISTORY_SECS * 1000) {
                entry.power.pop_front();
            }
            let same = entry.status.as_ref().is_some_and(|last| {
                ChargerStatus { at_ms: 0, ..last.clone() } == ChargerStatus { at_ms: 0, ..status.clone() }
            });
            entry.status = Some(status.clone());
            !same
        };
        if changed {
            let event = StatusEvent { charger_id: id.clone(), status };
            if let Ok(json) = serde_json::to_string(&event) {
                let _ = self.events.send(Push::Status { charger_id: id.clone(), json: json.into() });
            }
        }
    }

    /// The last status published for a charger.
    pub fn status(&self, id: &ChargerId) -> Option<ChargerStatus> {
        self.live().get(id).and_then(|live| live.status.clone())
    }

    /// Power samples of the last `seconds`: (unix ms, W).
    pub fn power_history(&self, id: &ChargerId, now_ms: i64, seconds: i64) -> Vec<(i64, f32)> {
        self.live()
            .get(id)
            .map(|live| live.power.iter().filter(|(at, _)| now_ms - at <= seconds * 1000).copied().collect())
            .unwrap_or_default()
    }

    /// Forgets a charger that is no longer paired.
    pub fn remove(&self, id: &ChargerId) {
        self.live().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use charge_model::charger::ChargeState;

    use super::*;

    fn status(power: f64, at_ms: i64) -> ChargerStatus {
        ChargerStatus {
            online: true,
            state: ChargeState::Charging,
            charge_power_w: power,
            session_energy_wh: 0.0,
            session_seconds: 0,
            current_a: 0.0,
            intensity_a: 16,
            voltage_v: 230.0,
            phases: 1,
            house_power_w: 0.0,
            pv_power_w: 0.0,
            locked: false,
            paused: false,
            firmware: String::new(),
            update_progress: None,
            dynamic_power: false,
            waiting_for_timer: false,
            at_ms,
        }
    }

    #[test]
    fn pushes_changes_only_and_keeps_recent_power() {
        let hub = Hub::default();
        let mut receiver = hub.subscribe();
        let id = ChargerId::parse("OCPP000001").unwrap();
        hub.publish(&id, status(3_000.0, 1_000));
        hub.publish(&id, status(3_000.0, 2_000));
        hub.publish(&id, status(3_500.0, 1_000_000));
        let mut pushed = Vec::new();
        while let Ok(Push::Status { json, .. }) = receiver.try_recv() {
            pushed.push(json);
        }
        assert_eq!(pushed.len(), 2, "the same status at a later time is not pushed again");
        assert_eq!(hub.status(&id).unwrap().charge_power_w, 3_500.0);
        assert_eq!(hub.power_history(&id, 1_000_000, 900), vec![(1_000_000, 3_500.0)]);
        hub.remove(&id);
        assert_eq!(hub.status(&id), None);
    }
}
