//! Notifications: what happened to a charger that its people hear about, in the portal's bell
//! and by email, and each user's choice of kinds and channels.

use serde::{Deserialize, Serialize};

use crate::charger::Role;
use crate::plan::PlanError;
use crate::{FieldErrors, Problem};

/// What a notification is about; users choose kinds and channels per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A charge ended (its energy and cost).
    ChargeFinished,
    /// A charge started with a card that is not on the charger's list.
    UnknownCard,
    /// The charger has been offline for more than [`OFFLINE_AFTER_SECS`], and is back.
    Offline,
    /// A charger was shared with the user (or they are invited); for owners, an invitation accepted.
    Sharing,
    /// A "ready by" plan cannot be met before its departure.
    PlanUnmet,
    /// A firmware update finished.
    Firmware,
}

impl NotificationKind {
    /// Every kind, in the order the profile lists them.
    pub const ALL: [NotificationKind; 6] = [
        NotificationKind::ChargeFinished,
        NotificationKind::UnknownCard,
        NotificationKind::Offline,
        NotificationKind::Sharing,
        NotificationKind::PlanUnmet,
        NotificationKind::Firmware,
    ];

    /// The kind as stored and sent.
    pub fn tag(self) -> &'static str {
        match self {
            NotificationKind::ChargeFinished => "charge_finished",
            NotificationKind::UnknownCard => "unknown_card",
            NotificationKind::Offline => "offline",
            NotificationKind::Sharing => "sharing",
            NotificationKind::PlanUnmet => "plan_unmet",
            NotificationKind::Firmware => "firmware",
        }
    }

    pub fn from_tag(tag: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|kind| kind.tag() == tag)
    }

    /// A new account's choice: every kind in the portal; by email only the finished charges
    /// and chargers going offline.
    pub fn default_preference(self) -> KindPreference {
        let email = matches!(self, NotificationKind::ChargeFinished | NotificationKind::Offline);
        KindPreference { kind: self, email, portal: true }
    }
}

/// A charger offline this long (seconds) is notified; its return then too.
pub const OFFLINE_AFTER_SECS: i64 = 600;

/// At most one email per kind, charger and user in this many seconds (the portal's list
/// still records every event).
pub const EMAIL_EVERY_SECS: i64 = 900;

/// What happened, with what the message needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NotificationEvent {
    ChargeFinished {
        energy_wh: f64,
        /// Of the energy only, in euro cents.
        cost_cents: i64,
        /// Part of the cost is from estimated market prices.
        cost_estimated: bool,
        minutes: i64,
    },
    UnknownCard {
        card: String,
    },
    /// Offline for `minutes` so far.
    Offline {
        minutes: i64,
    },
    /// Back after `minutes` offline.
    BackOnline {
        minutes: i64,
    },
    /// The charger was shared with the user, or they are invited to it, by `by`.
    Shared {
        by: String,
        role: Role,
    },
    /// `by` accepted the owner's invitation.
    ShareAccepted {
        by: String,
    },
    PlanUnmet {
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        reason: PlanError,
    },
    FirmwareUpdated {
        version: String,
    },
}

impl NotificationEvent {
    pub fn kind(&self) -> NotificationKind {
        match self {
            NotificationEvent::ChargeFinished { .. } => NotificationKind::ChargeFinished,
            NotificationEvent::UnknownCard { .. } => NotificationKind::UnknownCard,
            NotificationEvent::Offline { .. } | NotificationEvent::BackOnline { .. } => {
                NotificationKind::Offline
            }
            NotificationEvent::Shared { .. } | NotificationEvent::ShareAccepted { .. } => {
                NotificationKind::Sharing
            }
            NotificationEvent::PlanUnmet { .. } => NotificationKind::PlanUnmet,
            NotificationEvent::FirmwareUpdated { .. } => NotificationKind::Firmware,
        }
    }
}

/// One notification in the user's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub charger_id: String,
    /// The charger's name when it happened.
    pub charger_name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub read: bool,
    pub event: NotificationEvent,
}

/// `GET /api/notifications`: a page of the list, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    /// Pass as `before` for the next (older) page; `null` on the last one.
    pub next_before: Option<i64>,
    pub unread: u32,
}

/// The number of unread notifications (also pushed live as the `notifications` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u32,
}

/// The channels of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindPreference {
    pub kind: NotificationKind,
    pub email: bool,
    pub portal: bool,
}

/// `GET/PUT /api/notifications/preferences`: every kind once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPreferences {
    pub kinds: Vec<KindPreference>,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        NotificationPreferences {
            kinds: NotificationKind::ALL.into_iter().map(NotificationKind::default_preference).collect(),
        }
    }
}

impl NotificationPreferences {
    /// The choice for `kind` (its default when not given).
    pub fn of(&self, kind: NotificationKind) -> KindPreference {
        self.kinds.iter().copied().find(|p| p.kind == kind).unwrap_or(kind.default_preference())
    }

    /// Each kind at most once; the kinds left out keep what they were.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (index, preference) in self.kinds.iter().enumerate() {
            if self.kinds[..index].iter().any(|p| p.kind == preference.kind) {
                errors.add(&format!("kinds[{index}].kind"), Problem::DuplicateKind);
            }
        }
        errors.into_result()
    }
}

/// `POST /api/auth/unsubscribe`: the token of an emailed unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribeRequest {
    pub token: String,
}

/// What an unsubscribe link turned off: the emails of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    pub kind: NotificationKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_every_kind_in_the_portal_and_two_by_email() {
        let defaults = NotificationPreferences::default();
        assert_eq!(defaults.kinds.len(), NotificationKind::ALL.len());
        assert!(defaults.kinds.iter().all(|p| p.portal));
        let emailed: Vec<_> = defaults.kinds.iter().filter(|p| p.email).map(|p| p.kind).collect();
        assert_eq!(emailed, [NotificationKind::ChargeFinished, NotificationKind::Offline]);
    }

    #[test]
    fn a_kind_given_twice_is_refused() {
        let twice = NotificationPreferences {
            kinds: vec![
                NotificationKind::Firmware.default_preference(),
                NotificationKind::Firmware.default_preference(),
            ],
        };
        assert_eq!(twice.validate().unwrap_err().get("kinds[1].kind"), Some(&Problem::DuplicateKind));
    }

    #[test]
    fn tags_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_tag(kind.tag()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.tag());
        }
    }
}
