-- Charging plans: "ready by" a departure with so much energy, one per charger.
CREATE TABLE charging_plans (
    charger_id      TEXT    PRIMARY KEY REFERENCES chargers (id) ON DELETE CASCADE,
    goal            TEXT    NOT NULL,            -- JSON PlanGoal, as the user gave it
    departure       INTEGER NOT NULL,            -- unix s: the departure planned for now
    delivered_wh    REAL    NOT NULL DEFAULT 0,  -- charged toward the goal since it started
    last_session_wh REAL    NOT NULL DEFAULT 0,  -- the charge's energy when last counted
    created_at      INTEGER NOT NULL
);
