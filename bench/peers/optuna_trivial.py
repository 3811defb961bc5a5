"""Optuna peer of the orchestration benchmark: trivial trials stored in
SQLite (Optuna's RDB storage), one process, sequential, as a researcher
would run a sweep with it.

Usage: optuna_trivial.py --db path.sqlite --trials N
Prints one JSON line: trials, seconds (optimize() alone) and Optuna's
version. The caller times the whole process (startup included).
"""
import argparse
import json
import time

import optuna


def objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    return x * x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--trials", type=int, default=1000)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    study = optuna.create_study(
        storage=f"sqlite:///{args.db}",
        study_name="bench",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    started = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    seconds = time.perf_counter() - started
    done = len(study.get_trials(deepcopy=False))
    print(json.dumps({"trials": done, "seconds": seconds,
                      "optuna": optuna.__version__}))


if __name__ == "__main__":
    main()
