-- sharpsweep schema, version 2: covering indexes for the views that
-- aggregate a whole sweep (the dashboard's phase map and landing view, the
-- escape-map figure), so they read an index instead of every row, and an
-- index to find a sweep's runs.

CREATE INDEX trial_results_phase ON trial_results (
  sweep_id, step_ratio, outcome, depth, width, family, direction, target_kind
);

CREATE INDEX trial_results_landing ON trial_results (
  sweep_id, outcome, step_ratio, landing_ratio
);

CREATE INDEX runs_sweep ON runs (sweep_id, id);
