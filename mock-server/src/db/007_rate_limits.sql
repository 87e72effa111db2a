-- Rate-limit counters (failed logins, emails, registrations): kept here so that a restart
-- forgets nothing. Swept of events older than any window.
CREATE TABLE rate_events (
    bucket TEXT    NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX rate_events_bucket ON rate_events (bucket, at);

-- Browsers that have logged in to an account: their failed logins have a budget of their
-- own, so that someone else's guessing never locks the owner out. Only the hash is stored.
CREATE TABLE trusted_devices (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);
