-- sharpsweep schema, version 3: `trial_results` becomes a rowid table with
-- UNIQUE (sweep_id, key) in place of a WITHOUT ROWID primary key.
--
-- A WITHOUT ROWID table keeps whole rows in its key b-tree, where a cell
-- holds at most about a quarter of a page: a trial's row (spec and result
-- JSON, about 1.1 KB) spilled into an overflow page of its own, so every
-- trial cost two pages to write. A rowid table keeps rows of up to a whole
-- page inline, and its secondary indexes point at an 8-byte rowid instead
-- of repeating the 32-character key.
--
-- Every column keeps its name, type, order and meaning; `(sweep_id, key)`
-- stays unique, so `ON CONFLICT (sweep_id, key) DO NOTHING` is unchanged.
-- The rows are copied in key order, then the old table is dropped.

DROP VIEW trials;

CREATE TABLE trial_results_v3 (
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
  UNIQUE (sweep_id, key)
);

INSERT INTO trial_results_v3
SELECT * FROM trial_results ORDER BY sweep_id, key;

DROP TABLE trial_results;

ALTER TABLE trial_results_v3 RENAME TO trial_results;

CREATE INDEX trial_results_outcome ON trial_results (sweep_id, outcome);
CREATE INDEX trial_results_ratio ON trial_results (sweep_id, step_ratio);
CREATE INDEX trial_results_phase ON trial_results (
  sweep_id, step_ratio, outcome, depth, width, family, direction, target_kind
);
CREATE INDEX trial_results_landing ON trial_results (
  sweep_id, outcome, step_ratio, landing_ratio
);

CREATE VIEW trials AS
SELECT s.name AS sweep, t.*
FROM trial_results t JOIN sweeps s ON s.id = t.sweep_id;
