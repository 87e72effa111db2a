-- Charges in progress, saved as they go (at least every minute, and when the server stops),
-- so that a crash loses at most the last minute of a charge: at the next start each one is
-- resumed, or recorded as finished at its last saved point.
CREATE TABLE charges_in_progress (
    charger_id    TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    started_at_ms INTEGER NOT NULL,          -- unix milliseconds
    saved_at_ms   INTEGER NOT NULL,
    seconds       REAL    NOT NULL,          -- since the car was plugged in
    energy_wh     REAL    NOT NULL,
    hourly        TEXT    NOT NULL,          -- JSON [[hour start (unix s), Wh], …]
    quarters      TEXT    NOT NULL,          -- JSON [[quarter-hour start (unix s), Wh], …]
    rfid          TEXT,
    car           TEXT    NOT NULL,          -- JSON of the simulated car, to resume the charge
    PRIMARY KEY (charger_id, started_at_ms)
);
