-- Timers, dynamic power control and the tariff of each charger (JSON of the model types;
-- NULL until set: the defaults apply).
ALTER TABLE chargers ADD COLUMN timers TEXT;
ALTER TABLE chargers ADD COLUMN dynamic_power TEXT;
ALTER TABLE chargers ADD COLUMN tariff TEXT;

-- A charge's energy by quarter-hour and its cost, frozen when recorded: a later tariff
-- change does not reprice it.
ALTER TABLE charge_sessions ADD COLUMN quarters TEXT NOT NULL DEFAULT '[]';
ALTER TABLE charge_sessions ADD COLUMN tariff TEXT;
ALTER TABLE charge_sessions ADD COLUMN cost_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE charge_sessions ADD COLUMN cost_estimated INTEGER NOT NULL DEFAULT 0;
