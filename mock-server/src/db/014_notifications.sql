-- Notifications (owned by `notify`): the portal's list, each user's choices, the emails'
-- rate limit and unsubscribe links, and the charger conditions notified once.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    charger_id   TEXT    NOT NULL,
    charger_name TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    -- The `NotificationEvent` as JSON.
    event        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- A user's choices that differ from the defaults (a kind without a row has its default).
CREATE TABLE notification_preferences (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    email   INTEGER NOT NULL,
    portal  INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- The last email of each kind about each charger to each user.
CREATE TABLE notification_emails (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    charger_id TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, charger_id, kind)
);

-- The emailed links that turn one kind's emails off, without logging in.
CREATE TABLE unsubscribe_tokens (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Conditions of a charger notified once rather than at every check: `offline` since when
-- (and whether notified yet), `plan_unmet` for which departure.
CREATE TABLE charger_conditions (
    charger_id TEXT    NOT NULL,
    condition  TEXT    NOT NULL,
    since      INTEGER NOT NULL,
    notified   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (charger_id, condition)
);

-- The old single switch "email me when a charge ends", kept as that kind's email choice.
INSERT INTO notification_preferences (user_id, kind, email, portal)
    SELECT id, 'charge_finished', 0, 1 FROM users WHERE notifications = 0;
ALTER TABLE users DROP COLUMN notifications;
