-- How the server reaches each charger: the simulator, or OCPP 1.6J.
ALTER TABLE chargers ADD COLUMN link TEXT NOT NULL DEFAULT 'simulated'
    CHECK (link IN ('simulated', 'ocpp'));

-- OCPP charge points paired with the portal. Each of its connectors is a charger whose
-- `unit` is the charge point's `unit`.
CREATE TABLE ocpp_charge_points (
    identity      TEXT    PRIMARY KEY,       -- the last segment of the URL it connects to
    unit          TEXT    NOT NULL UNIQUE,
    owner_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash BLOB    NOT NULL,          -- SHA-256 of a random password (shown once)
    vendor        TEXT,
    model         TEXT,
    serial        TEXT,
    firmware      TEXT,
    booted_at_ms  INTEGER,
    created_at    INTEGER NOT NULL
);

-- Transactions of OCPP chargers, saved as they go. `id` is the transactionId the charge point
-- was given; a stopped one has been handed to the charges module (recorded once).
CREATE TABLE ocpp_transactions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    charger_id     TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    id_tag         TEXT    NOT NULL,
    card           TEXT,                     -- the portal card, when the tag is one
    meter_start_wh REAL    NOT NULL,
    started_at_ms  INTEGER NOT NULL,
    last_at_ms     INTEGER NOT NULL,
    last_wh        REAL    NOT NULL,         -- the energy register at last_at_ms
    hourly         TEXT    NOT NULL,         -- JSON [[hour start (unix s), Wh], …]
    quarters       TEXT    NOT NULL,         -- JSON [[quarter-hour start (unix s), Wh], …]
    stopped_at_ms  INTEGER
);
CREATE INDEX ocpp_transactions_open ON ocpp_transactions (charger_id) WHERE stopped_at_ms IS NULL;
