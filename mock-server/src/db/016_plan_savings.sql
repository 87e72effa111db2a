-- What charging plans saved: a charge made while a plan was followed keeps, beside its cost,
-- what the same energy would have cost charging at once from plug-in under the same tariff.
ALTER TABLE charge_sessions ADD COLUMN at_once_cents INTEGER;  -- NULL: not charged under a plan
ALTER TABLE charge_sessions ADD COLUMN at_once_estimated INTEGER NOT NULL DEFAULT 0;

-- The last time (unix s) each charger followed a plan with a car plugged in: a charge that
-- finishes after starting before then was charged under a plan, even if the plan has ended.
CREATE TABLE plan_followed (
    charger_id TEXT    PRIMARY KEY REFERENCES chargers (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL
);
