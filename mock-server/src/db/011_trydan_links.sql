-- chargers.link gains 'trydan': a V2C Trydan read through its local HTTP API.
--
-- SQLite cannot change a CHECK constraint, and rebuilding `chargers` (create, copy, drop,
-- rename) would need foreign keys off around the migration: with them on, as this server
-- runs, dropping the old table deletes the shares, cards and charges that reference it. So
-- only the column is replaced: a new one with the new CHECK, the values copied, the old one
-- dropped (nothing else in the schema names it), the new one renamed. Rows, their rowids
-- and every reference to them stay as they are.
ALTER TABLE chargers ADD COLUMN link_kind TEXT NOT NULL DEFAULT 'simulated'
    CHECK (link_kind IN ('simulated', 'ocpp', 'trydan'));
UPDATE chargers SET link_kind = link;
ALTER TABLE chargers DROP COLUMN link;
ALTER TABLE chargers RENAME COLUMN link_kind TO link;

-- Trydans paired by their address; each is one portal charger (link 'trydan', model
-- 'trydan', a generated ID), gone with it.
CREATE TABLE trydan_links (
    charger_id TEXT    PRIMARY KEY REFERENCES chargers (id) ON DELETE CASCADE,
    address    TEXT    NOT NULL,          -- host:port of its local API
    created_at INTEGER NOT NULL
);
