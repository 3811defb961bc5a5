-- sharpsweep schema, version 1.
-- Contract: a finished trial row is immutable; inserting a trial that is
-- already stored (same sweep, same key) is a no-op. `sweeps.done` and
-- `sweeps.failed` are maintained in the same transaction as the inserts.

CREATE TABLE sweeps (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  file        TEXT,
  definition  TEXT NOT NULL,           -- normalised sweep document, JSON
  total       INTEGER NOT NULL,        -- trials in the plan
  done        INTEGER NOT NULL DEFAULT 0, -- stored trials, failed included
  failed      INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- One row per execution of `run` (or distributed coordinator) on a sweep.
CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  sweep_id     INTEGER NOT NULL REFERENCES sweeps(id),
  executor     TEXT NOT NULL,          -- 'local' | 'redis'
  pid          INTEGER,
  workers      INTEGER NOT NULL,
  busy         INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL,          -- 'running' | 'done' | 'stopped' | 'failed'
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  ended_at     TEXT,
  completed    INTEGER NOT NULL DEFAULT 0, -- trials stored by this run
  rate         REAL                    -- trials per second, recent
);

CREATE TABLE trial_results (
  sweep_id              INTEGER NOT NULL REFERENCES sweeps(id),
  key                   TEXT NOT NULL,
  depth                 INTEGER NOT NULL,
  width                 INTEGER NOT NULL,  -- widest hidden layer
  dims                  TEXT NOT NULL,     -- JSON [d_0, …, d_L]
  target_kind           TEXT NOT NULL,
  family                TEXT NOT NULL,
  step_ratio            REAL,
  step_size             REAL,
  radius                REAL NOT NULL,
  direction             TEXT NOT NULL,
  seed                  INTEGER NOT NULL,
  outcome               TEXT NOT NULL,     -- stayed|escaped|diverged|unconverged|failed
  sharpness             REAL,
  escape_step           INTEGER,
  predicted_escape_step REAL,
  diverged_step         INTEGER,
  final_loss            REAL,
  final_distance        REAL,
  final_sharpness       REAL,
  landing_ratio         REAL,
  steps                 INTEGER,
  error                 TEXT,
  duration_ms           REAL,
  finished_at           TEXT NOT NULL,
  spec                  TEXT NOT NULL,     -- full TrialSpec, JSON
  result                TEXT,              -- full TrialResult, JSON (no trajectory)
  PRIMARY KEY (sweep_id, key)
) WITHOUT ROWID;

CREATE INDEX trial_results_outcome ON trial_results (sweep_id, outcome);
CREATE INDEX trial_results_ratio ON trial_results (sweep_id, step_ratio);

CREATE TABLE trajectory (
  sweep_id      INTEGER NOT NULL,
  key           TEXT NOT NULL,
  step          INTEGER NOT NULL,
  loss          REAL,
  distance      REAL,
  top_component REAL,
  sharpness     REAL,
  PRIMARY KEY (sweep_id, key, step)
) WITHOUT ROWID;

CREATE VIEW trials AS
SELECT s.name AS sweep, t.*
FROM trial_results t JOIN sweeps s ON s.id = t.sweep_id;
