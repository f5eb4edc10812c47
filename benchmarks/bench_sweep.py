"""Time a 40-trial random search: our sweep against scikit-learn's MLPClassifier.

    python benchmarks/bench_sweep.py [--trials 40] [--epochs 200] [--repeat 3] [--json]

The search (issue 15): learning rate 1e-4..1 and L2 rate 1e-5..1e-1, both drawn
uniformly in log space; spiral, features x1, x2, sin x1, sin x2, hidden 8-8 tanh,
plain SGD, batch 10, 200 epochs per trial, the same 20 % of the training points
held out for validation.

* ours: :class:`playground.experiment.sweep.Sweep` on 2 workers (threads).
* sklearn: ``MLPClassifier(solver="sgd", momentum=0, hidden_layer_sizes=(8, 8),
  activation="tanh", batch_size=10, max_iter=200)`` with ``tol`` tiny and no early
  stopping, so it runs all 200 epochs, for the very same (learning rate, alpha)
  pairs, on the same training and validation points, the trials spread over 2
  processes by joblib (what ``RandomizedSearchCV(n_jobs=2)`` does). Its pool is
  started before the clock, as our engine's kernels are loaded before it.

Both are timed in the same run; the script prints each side's median wall time
over ``--repeat`` runs, the speedup (sklearn / ours) and each side's best trial,
chosen on validation. With ``--json`` the last line is one JSON object with
``ours_s``, ``sklearn_s`` and ``speedup``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

import numpy as np

from playground.experiment import Session, config_from_query
from playground.experiment.sweep import Sweep, SweepSpec, best_trial, parse_axis

BASE = (
    "dataset=spiral&features=x1,x2,sinx1,sinx2&hidden=8,8&activation=tanh"
    "&regularization=L2&batch_size=10&validation_ratio=20&seed=0"
)
AXES = ("learning_rate=1e-4:1:log", "reg_rate=1e-5:1e-1:log")
WORKERS = 2


def our_search(spec: SweepSpec) -> tuple[float, dict]:
    start = time.perf_counter()
    results = Sweep(spec, WORKERS).run()
    return time.perf_counter() - start, best_trial(results)


def sklearn_data(spec: SweepSpec) -> tuple[np.ndarray, ...]:
    """The training and validation points of the base setup, as our trials see them."""
    session = Session(spec.base_config()[0])
    X_train, y_train = session.examples("train")
    X_val, y_val = session.examples("validation")
    return X_train, y_train, X_val, y_val


def _sklearn_trial(values: dict, epochs: int, seed: int, data: tuple) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, y_train, X_val, y_val = data
    model = MLPClassifier(
        hidden_layer_sizes=(8, 8),
        activation="tanh",
        solver="sgd",
        momentum=0.0,
        batch_size=10,
        learning_rate_init=values["learning_rate"],
        alpha=values["reg_rate"],
        max_iter=epochs,
        tol=1e-12,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return {
        **values,
        "validation_accuracy": float(model.score(X_val, y_val)),
        "epochs": model.n_iter_,
    }


def sklearn_search(spec: SweepSpec, data: tuple, parallel) -> tuple[float, dict]:
    from joblib import delayed

    start = time.perf_counter()
    results = parallel(
        delayed(_sklearn_trial)(values, spec.epochs, spec.seed, data)
        for values in spec.trial_values()
    )
    seconds = time.perf_counter() - start
    return seconds, max(results, key=lambda r: r["validation_accuracy"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from joblib import Parallel, delayed

    axes = tuple(parse_axis(a) for a in AXES)
    spec = SweepSpec(BASE, axes, "random", args.trials, args.epochs, seed=0)
    config, _ = config_from_query(BASE)
    data = sklearn_data(spec)
    Sweep(SweepSpec(BASE, axes, "random", 2, 1), WORKERS).run()  # load the kernels
    ours, theirs = [], []
    with Parallel(n_jobs=WORKERS) as parallel:
        parallel(delayed(abs)(i) for i in range(WORKERS))  # start the worker processes
        for _ in range(args.repeat):
            seconds, our_best = our_search(spec)
            ours.append(seconds)
            seconds, their_best = sklearn_search(spec, data, parallel)
            theirs.append(seconds)
    ours_s, sklearn_s = statistics.median(ours), statistics.median(theirs)
    n_train, n_val = data[0].shape[0], data[2].shape[0]
    print(
        f"{len(spec.trial_values())} trials x {spec.epochs} epochs, spiral {config.n_samples} "
        f"points ({n_train} training, {n_val} validation), 8-8 tanh, batch 10, "
        f"{WORKERS} workers, median of {args.repeat}"
    )
    print(f"ours     {ours_s:7.2f} s   (runs: {', '.join(f'{t:.2f}' for t in ours)})")
    print(f"sklearn  {sklearn_s:7.2f} s   (runs: {', '.join(f'{t:.2f}' for t in theirs)})")
    print(f"speedup  {sklearn_s / ours_s:7.1f}x")
    for name, best in (("ours", our_best), ("sklearn", their_best)):
        print(
            f"best {name:7s} learning_rate={best['learning_rate']:.3g} "
            f"reg_rate={best['reg_rate']:.3g}: validation accuracy "
            f"{100 * best['validation_accuracy']:.1f} %"
        )
    if args.json:
        print(
            json.dumps(
                {
                    "ours_s": round(ours_s, 3),
                    "sklearn_s": round(sklearn_s, 3),
                    "speedup": round(sklearn_s / ours_s, 2),
                    "trials": len(spec.trial_values()),
                    "epochs": spec.epochs,
                    "ours_runs": [round(t, 3) for t in ours],
                    "sklearn_runs": [round(t, 3) for t in theirs],
                }
            )
        )


if __name__ == "__main__":
    main()
