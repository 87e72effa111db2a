//! Notifications: the bell's list and unread count, the profile's choices, unsubscribing.

use charge_model::notifications::{
    NotificationPage, NotificationPreferences, UnsubscribeRequest, Unsubscribed,
};

use super::{ApiError, fetch, fetch_empty, get, json, post, put};

/// A page of the list, newest first: older than `before` when given.
pub async fn notifications(before: Option<i64>) -> Result<NotificationPage, ApiError> {
    let path = match before {
        Some(before) => format!("/api/notifications?before={before}"),
        None => "/api/notifications".to_owned(),
    };
    fetch(get(&path).await).await
}

pub async fn mark_all_notifications_read() -> Result<(), ApiError> {
    fetch_empty(post("/api/notifications/read-all").await).await
}

pub async fn notification_preferences() -> Result<NotificationPreferences, ApiError> {
    fetch(get("/api/notifications/preferences").await).await
}

pub async fn save_notification_preferences(
    preferences: &NotificationPreferences,
) -> Result<NotificationPreferences, ApiError> {
    json(put("/api/notifications/preferences").await, preferences).await
}

/// Turns off one kind's emails with the token of an emailed link (no login needed).
pub async fn unsubscribe(token: String) -> Result<Unsubscribed, ApiError> {
    json(post("/api/auth/unsubscribe").await, &UnsubscribeRequest { token }).await
}
