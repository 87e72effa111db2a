-- Every charger ever made (the simulator's catalogue). A paired one has an owner and settings.
CREATE TABLE chargers (
    id          TEXT    PRIMARY KEY,
    model       TEXT    NOT NULL,
    -- The physical unit: a multi-socket Pole Pro has one charger ID per connector.
    unit        TEXT    NOT NULL,
    connector   INTEGER NOT NULL DEFAULT 1,
    firmware    TEXT    NOT NULL,
    owner_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    paired_at   INTEGER,
    settings    TEXT,                     -- JSON of ChargerSettings while paired
    intensity_a INTEGER NOT NULL DEFAULT 16,
    locked      INTEGER NOT NULL DEFAULT 0,
    paused      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chargers_owner ON chargers (owner_id);

-- Chargers shared by their owner with other users.
CREATE TABLE shares (
    charger_id TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('viewer', 'editor')),
    shared_at  INTEGER NOT NULL,
    PRIMARY KEY (charger_id, user_id)
);
CREATE INDEX shares_user ON shares (user_id);

-- RFID cards and e-Keys allowed on a charger.
CREATE TABLE rfid_cards (
    id         INTEGER PRIMARY KEY,
    charger_id TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    UNIQUE (charger_id, code)
);

-- Finished charges: plug-in to unplug, with the energy of each clock hour.
CREATE TABLE charge_sessions (
    id         INTEGER PRIMARY KEY,
    charger_id TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,          -- unix seconds
    ended_at   INTEGER NOT NULL,
    energy_wh  REAL    NOT NULL,
    hourly     TEXT    NOT NULL,          -- JSON [[hour start (unix s), Wh], …]
    rfid       TEXT
);
CREATE INDEX charge_sessions_charger ON charge_sessions (charger_id, started_at);
