-- Shares waiting for their address to have a confirmed account.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    charger_id TEXT    NOT NULL REFERENCES chargers (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('viewer', 'editor')),
    invited_at INTEGER NOT NULL,
    UNIQUE (charger_id, email)
);
CREATE INDEX invitations_email ON invitations (email);
