CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    vehicle_make  TEXT    NOT NULL DEFAULT '',
    vehicle_model TEXT    NOT NULL DEFAULT '',
    battery_kwh   REAL,
    notifications INTEGER NOT NULL DEFAULT 1,
    language      TEXT    NOT NULL DEFAULT 'en',
    confirmed_at  INTEGER,              -- unix seconds; NULL until the email is confirmed
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is stored: a leaked database opens no session.
CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use tokens of emailed links (confirmation, password reset), stored hashed.
CREATE TABLE email_tokens (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

-- Every email sent, for the development outbox and as a delivery log.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    link       TEXT,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    error      TEXT
);
CREATE INDEX outbox_recipient ON outbox (recipient);
