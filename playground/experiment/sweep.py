"""Hyper-parameter search: grid or random trials over up to three knobs.

A :class:`SweepSpec` is a base setup (the page's URL query) plus up to three
:class:`Axis` (a numeric range on a linear or log scale, or a list of choices).
Each trial is that setup with the axes' values, written as a full query, so a
trial is reopened exactly by ``playground train --query Q --epochs E`` or by
opening the page with it: same data, same initial weights, same figures.

Trials are compared on a validation share held out of the training points,
never on the test points (the decks: tune on validation, report test once). A
base setup without one gets :data:`SWEEP_VALIDATION` percent.

:class:`Sweep` runs the trials in the background over the CPU cores; the page
polls :meth:`Sweep.results` while it runs. Nothing here imports Panel.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import param

from playground.experiment.config import KNOBS, Config
from playground.experiment.history import thin_index
from playground.experiment.params import ChoiceList, IntList
from playground.experiment.serialize import config_from_query, parse_strict
from playground.experiment.session import Session
from playground.experiment.sweep_cost import (
    PAGE_MAX_EPOCHS,
    PAGE_MAX_SECONDS,
    PAGE_MAX_TRIALS,
    check_page_caps,
    estimate_seconds,
)

__all__ = [
    "MAX_AXES",
    "MAX_TRIALS",
    "PAGE_MAX_EPOCHS",
    "PAGE_MAX_SECONDS",
    "PAGE_MAX_TRIALS",
    "SEARCHES",
    "SWEEP_VALIDATION",
    "VARIABLE",
    "Axis",
    "Sweep",
    "SweepSpec",
    "best_trial",
    "check_page_caps",
    "estimate_seconds",
    "narrow",
    "parse_axis",
    "ranked",
    "run_trial",
]

SEARCHES = ("grid", "random")
MAX_AXES = 3
MAX_TRIALS = 400
SCALES = ("linear", "log")

#: The knob that holds out the validation points, and the share a sweep uses when
#: the base setup holds out none (comparing trials needs points neither trained on
#: nor used for the final test figure).
VALIDATION_KNOB = "validation_ratio"
SWEEP_VALIDATION = 20

#: Knobs a sweep may not vary, and why. (Nor may the list-valued knobs, hidden,
#: features ...: their values contain the commas that separate choices.)
FIXED_KNOBS: Mapping[str, str] = MappingProxyType(
    {
        "dataset": "trials on different data cannot be compared on one validation figure",
        "problem": "trials of different problem kinds cannot be compared on one figure",
        VALIDATION_KNOB: "it decides which points the trials are compared on",
    }
)

#: Loss curves returned with each trial are thinned to at most this many points.
CURVE_POINTS = 200
#: The figures a trial reports (besides its knob values, "epochs" and "query").
FIGURES = ("validation_accuracy", "validation_loss", "test_accuracy", "test_loss", "train_loss")


def _number_text(value: float) -> str:
    """A number as an axis text writes it: whole numbers bare, others exactly (repr)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _kind(name: str) -> str:
    """How knob ``name`` can vary: "int", "float", "choice"; ValueError if it cannot."""
    if name not in KNOBS:
        raise ValueError(f"unknown knob {name!r}; knobs that can be varied: {', '.join(VARIABLE)}")
    if name in FIXED_KNOBS:
        raise ValueError(f"{name} cannot be varied in a sweep: {FIXED_KNOBS[name]}")
    p = Config.param[name]
    if isinstance(p, IntList | ChoiceList):
        raise ValueError(f"{name} is a list and cannot be varied in a sweep")
    if isinstance(p, param.Boolean | param.Selector):
        return "choice"
    return "int" if isinstance(p, param.Integer) else "float"


#: The knobs an axis may name, in declaration order.
VARIABLE: tuple[str, ...] = tuple(
    n
    for n in KNOBS
    if n not in FIXED_KNOBS and not isinstance(Config.param[n], IntList | ChoiceList)
)


@dataclass(frozen=True)
class Axis:
    """One varied knob: a numeric range (inclusive, linear or log) or choices."""

    name: str
    lo: float | None = None
    hi: float | None = None
    scale: str = "linear"
    choices: tuple = ()

    def __post_init__(self) -> None:
        kind = _kind(self.name)
        if self.choices:
            values = tuple(dict.fromkeys(parse_strict(self.name, c) for c in self.choices))
            object.__setattr__(self, "choices", values)
            return
        if kind == "choice":
            raise ValueError(_takes_choices(self.name))
        if self.lo is None or self.hi is None:
            raise ValueError(f"{self.name} needs a range lo:hi or a list of choices")
        if self.scale not in SCALES:
            raise ValueError(f"{self.name}: scale must be linear or log, got {self.scale!r}")
        lo, hi = (parse_strict(self.name, v) for v in (self.lo, self.hi))
        if not lo < hi:
            raise ValueError(f"{self.name}: the range {self.lo:g}:{self.hi:g} is empty (lo >= hi)")
        if self.scale == "log" and lo <= 0:
            raise ValueError(f"{self.name}: a log scale needs lo > 0, got {self.lo:g}")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @property
    def is_int(self) -> bool:
        return not self.choices and isinstance(Config.param[self.name], param.Integer)

    def _cast(self, value: float) -> float | int:
        value = min(max(float(value), self.lo), self.hi)  # exp(log(x)) may overshoot
        return int(round(value)) if self.is_int else value

    def values(self, n: int) -> list:
        """``n`` evenly spaced values lo..hi (in log space on a log scale); all the
        choices of a choice axis. Whole-number knobs round, so may give fewer."""
        if self.choices:
            return list(self.choices)
        space = np.geomspace if self.scale == "log" else np.linspace
        return list(dict.fromkeys(self._cast(v) for v in space(self.lo, self.hi, max(1, n))))

    def sample(self, rng: np.random.Generator) -> object:
        """One value drawn uniformly (uniformly in log space on a log scale)."""
        if self.choices:
            return self.choices[int(rng.integers(len(self.choices)))]
        if self.scale == "log":
            return self._cast(math.exp(rng.uniform(math.log(self.lo), math.log(self.hi))))
        if self.is_int:
            return int(rng.integers(int(self.lo), int(self.hi) + 1))
        return self._cast(rng.uniform(self.lo, self.hi))

    def text(self) -> str:
        """The axis as :func:`parse_axis` reads it: "learning_rate=0.0001:1:log"."""
        if self.choices:
            return f"{self.name}=" + ",".join(_choice_text(c) for c in self.choices)
        scale = ":log" if self.scale == "log" else ""
        return f"{self.name}={_number_text(self.lo)}:{_number_text(self.hi)}{scale}"


def _takes_choices(name: str) -> str:
    objects = ",".join(_choice_text(c) for c in Config.param[name].objects)
    return f"{name} takes choices, not a range: e.g. {name}={objects}"


def _choice_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _number_text(value) if isinstance(value, float) else str(value)


def parse_axis(text: str) -> Axis:
    """An axis from "KNOB=LO:HI", "KNOB=LO:HI:log" or "KNOB=A,B,C"; ValueError
    with a message fit for the user when it is not one of these."""
    name, sep, spec = str(text).partition("=")
    name = name.strip().lower().replace("-", "_")
    spec = spec.strip()
    if not sep or not name or not spec:
        raise ValueError(
            f"expected KNOB=LO:HI, KNOB=LO:HI:log or KNOB=A,B,C, got {text!r} "
            "(e.g. learning_rate=1e-4:1:log or activation=relu,tanh)"
        )
    kind = _kind(name)
    if ":" in spec:
        if kind == "choice":
            raise ValueError(_takes_choices(name))
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in SCALES):
            raise ValueError(f"{name}: expected LO:HI or LO:HI:log, got {spec!r}")
        lo, hi = (parse_strict(name, part) for part in parts[:2])  # says which bound is wrong
        return Axis(name, lo, hi, parts[2] if len(parts) == 3 else "linear")
    return Axis(name, choices=tuple(c.strip() for c in spec.split(",") if c.strip()))


def grid_points(trials: int, n_axes: int) -> int:
    """Points per numeric axis of a grid of about ``trials``: round(trials ** (1/k)),
    at least 2, so the grid has that number to the k-th power trials."""
    return max(2, round(trials ** (1 / n_axes)))


@dataclass(frozen=True)
class SweepSpec:
    """What to search: a base setup (URL query), the axes, grid or random, how many
    trials of how many epochs, and the seed of the random draws."""

    query: str
    axes: tuple[Axis, ...]
    search: str = "random"
    trials: int = 20
    epochs: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "axes", tuple(self.axes))
        if self.search not in SEARCHES:
            raise ValueError(f"search must be grid or random, got {self.search!r}")
        if not 1 <= len(self.axes) <= MAX_AXES:
            raise ValueError(f"a sweep varies 1 to {MAX_AXES} knobs, got {len(self.axes)}")
        names = [a.name for a in self.axes]
        if len(set(names)) < len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise ValueError(f"{twice} is varied twice; give each knob once")
        if not 1 <= self.trials <= MAX_TRIALS:
            raise ValueError(f"trials must be from 1 to {MAX_TRIALS}, got {self.trials}")
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if self.search == "grid" and len(self.trial_values()) > MAX_TRIALS:
            raise ValueError(
                f"the grid has {len(self.trial_values())} trials, more than {MAX_TRIALS}: "
                "give fewer trials or fewer choices"
            )

    @property
    def grid_points(self) -> int:
        """Points per numeric axis when the search is a grid."""
        return grid_points(self.trials, len(self.axes))

    def trial_values(self) -> list[dict]:
        """The knob values of each trial, deterministic from :attr:`seed`. A grid
        takes :attr:`grid_points` values per numeric axis (all of a choice axis),
        every combination, the first axis slowest; random draws :attr:`trials`."""
        names = [a.name for a in self.axes]
        if self.search == "grid":
            columns = [a.values(self.grid_points) for a in self.axes]
            return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*columns)]
        rng = np.random.default_rng(self.seed)
        return [{a.name: a.sample(rng) for a in self.axes} for _ in range(self.trials)]

    def base_config(self) -> tuple[Config, list[str]]:
        """The base setup, with a validation share, and notes on what was changed."""
        config, notes = config_from_query(self.query)
        if getattr(config, VALIDATION_KNOB) == 0:
            setattr(config, VALIDATION_KNOB, SWEEP_VALIDATION)
            notes.append(
                f"the trials are compared on {SWEEP_VALIDATION} % of the training points "
                f"held out for validation ({VALIDATION_KNOB}={SWEEP_VALIDATION})."
            )
        varied = {a.name for a in self.axes}
        penalty_off = config.regularization == "none" and "regularization" not in varied
        if "reg_rate" in varied and penalty_off:
            config.regularization = "l2"
            notes.append(
                "reg_rate does nothing without a penalty: the trials use regularization=l2."
            )
        return config, notes

    def notes(self) -> list[str]:
        """What the sweep changed or fixed in the base query (shown to the user)."""
        notes = self.base_config()[1]
        if self.search == "grid":
            n = len(self.trial_values())
            per = "x".join(str(len(a.values(self.grid_points))) for a in self.axes)
            if n != self.trials:
                notes.append(f"a grid of {per} values has {n} trials ({self.trials} asked).")
        return notes

    def trial_query(self, values: dict) -> str:
        """The full query that reopens a trial: base setup + its values, seed included."""
        config = self.base_config()[0]
        config.param.update(**values)
        query = config.to_query()
        if "seed" not in config.changed():
            query = f"{query}&seed={config.seed}" if query else f"seed={config.seed}"
        return query


def _thin(values: Sequence, n: int = CURVE_POINTS) -> list:
    """At most ``n`` of ``values``, evenly spaced, first and last kept; NaN -> None."""
    out = []
    for i in thin_index(len(values), n):
        v = values[int(i)]
        out.append(None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v)
    return out


def run_trial(query: str, epochs: int, stop: threading.Event | None = None) -> dict:
    """Train a fresh session from ``query`` for ``epochs`` epochs and report its
    figures (the last history row) and its thinned curves. ``stop`` (set by
    :meth:`Sweep.stop`) ends it early; it then reports the epochs it trained."""
    config, _ = config_from_query(query)
    session = Session(config)
    start = time.perf_counter()
    # One epoch at a time, so a stop request is seen within an epoch (an MNIST
    # epoch takes seconds); checking the event costs nothing beside an epoch.
    for _ in range(epochs):
        if session.diverged or session.message or (stop is not None and stop.is_set()):
            break
        session.step(1)
    row = session.history.last
    curves = session.history.to_dict()
    return {
        **{k: row.get(k) for k in FIGURES},
        "train_accuracy": row.get("train_accuracy"),
        "epochs": row["epoch"],
        "diverged": session.diverged,
        "seconds": round(time.perf_counter() - start, 4),
        "query": query,
        "curve": {
            k: _thin(curves[k]) if k in curves else []
            for k in ("epoch", "train_loss", "validation_loss", "validation_accuracy")
        },
    }


# ------------------------------------------------------------------- choosing
def _rank(result: dict) -> tuple:
    """Sort key, best first: validation accuracy (ties: lower validation loss),
    else the lowest validation loss (regression), else, without a validation
    share, the lowest training loss. Test figures are never looked at.
    Diverged trials come last."""
    va, vl, tl = (result.get(k) for k in ("validation_accuracy", "validation_loss", "train_loss"))
    inf = math.inf
    if va is not None:
        key = (-va, inf if vl is None else vl)
    elif vl is not None:
        key = (vl, 0.0)
    else:
        key = (inf if tl is None else tl, 0.0)
    return (bool(result.get("diverged")), *key, result.get("trial", 0))


def ranked(results: Iterable[dict]) -> list[dict]:
    """``results`` best first (see :func:`_rank`): the table a sweep shows."""
    return sorted(results, key=_rank)


def best_trial(results: Iterable[dict]) -> dict | None:
    """The best of ``results`` on validation (see :func:`_rank`); None if empty."""
    order = ranked(results)
    return order[0] if order else None


def narrow(axes: Sequence[Axis], results: Iterable[dict], top: int = 5) -> tuple[Axis, ...]:
    """New axes around the ``top`` best trials (coarse to fine): a numeric range
    shrinks to the span of their values, widened by a quarter of that span (at
    least a twentieth of the old range) on each side, in log space on a log scale,
    and never beyond the old range; a choice axis keeps the choices they used."""
    best = ranked(results)[: max(1, top)]
    if not best:
        return tuple(axes)
    out = []
    for axis in axes:
        used = [r[axis.name] for r in best if axis.name in r]
        if not used:
            out.append(axis)
        elif axis.choices:
            out.append(Axis(axis.name, choices=tuple(c for c in axis.choices if c in used)))
        else:
            out.append(_narrow_range(axis, used))
    return tuple(out)


def _narrow_range(axis: Axis, used: list) -> Axis:
    log = axis.scale == "log"
    to, back = (math.log, math.exp) if log else (float, float)
    old_lo, old_hi = to(axis.lo), to(axis.hi)
    lo, hi = to(min(used)), to(max(used))
    margin = max(0.25 * (hi - lo), 0.05 * (old_hi - old_lo))
    lo, hi = back(max(old_lo, lo - margin)), back(min(old_hi, hi + margin))
    lo, hi = max(lo, axis.lo), min(hi, axis.hi)  # exp(log(x)) may cross the old range
    if axis.is_int:
        lo, hi = math.floor(lo), math.ceil(hi)
        if lo == hi:
            lo, hi = (lo, lo + 1) if lo + 1 <= axis.hi else (lo - 1, lo)
    return Axis(axis.name, lo, hi, axis.scale)


# -------------------------------------------------------------------- running
def default_workers() -> int:
    """One worker per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Sweep:
    """Runs a SweepSpec's trials in the background over the CPU cores.

    Workers are threads: an epoch is one Numba kernel call that releases the GIL
    (``nogil=True``, see ``engine/_jit.py``), so threads train in parallel and start
    at once, while a process must import the package and load the cached kernels
    first (about a second each). Measured on this 2-core machine (shared with
    other work, load average 2.3), 40 spiral trials (4-8-8-1 tanh, L2) of 200
    epochs: one thread 1.54 s, two threads 1.23-1.43 s, two 'forkserver' processes
    2.85 s, two 'spawn' processes 3.63 s; of 1000 epochs: 7.0 s, 6.7-7.4 s, 10.0 s
    and 10.5 s. Threads gain less than 2x because the Python around each epoch
    (the history row's evaluations) holds the GIL; processes never caught up.
    Again after metrics.accuracy stopped calling np.mean (load average 7): 200
    epochs, one thread 0.95 s, two threads 0.93-1.39 s, 'forkserver' 2.83 s,
    'spawn' 3.11 s.
    """

    def __init__(self, spec: SweepSpec, workers: int | None = None):
        self.spec = spec
        self.workers = max(1, workers if workers is not None else default_workers())
        self._values = spec.trial_values()
        self._queries = [spec.trial_query(v) for v in self._values]
        self._results: list[dict] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._next = 0
        self._threads: list[threading.Thread] = []
        self._error: BaseException | None = None

    @property
    def total(self) -> int:
        """How many trials the sweep runs (a grid may differ from ``spec.trials``)."""
        return len(self._values)

    @property
    def done(self) -> bool:
        """True once every worker has finished (all trials run, or stopped)."""
        return bool(self._threads) and not any(t.is_alive() for t in self._threads)

    @property
    def error(self) -> BaseException | None:
        """The exception that ended a trial, if one did (the sweep then stops)."""
        return self._error

    def start(self) -> None:
        """Start the workers and return at once; calling it again does nothing."""
        if self._threads:
            return
        self._threads = [
            threading.Thread(target=self._work, name=f"sweep-{i}", daemon=True)
            for i in range(min(self.workers, self.total))
        ]
        for thread in self._threads:
            thread.start()

    def _take(self) -> int | None:
        with self._lock:
            if self._stop.is_set() or self._next >= self.total:
                return None
            index, self._next = self._next, self._next + 1
            return index

    def _work(self) -> None:
        while (index := self._take()) is not None:
            try:
                result = run_trial(self._queries[index], self.spec.epochs, self._stop)
            except Exception as err:  # noqa: BLE001 - reported through .error, sweep stops
                self._error = err
                self._stop.set()
                return
            if self._stop.is_set() and result["epochs"] < self.spec.epochs:
                return  # cut short by stop(): not a finished trial
            with self._lock:
                self._results.append({"trial": index, **self._values[index], **result})

    def results(self) -> list[dict]:
        """The trials finished so far, in trial order (copies; safe from any thread)."""
        with self._lock:
            return sorted((dict(r) for r in self._results), key=lambda r: r["trial"])

    def stop(self) -> None:
        """Stop soon (within an epoch of each running trial); finished results stay."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def best(self) -> dict | None:
        """The best finished trial on validation (see :func:`best_trial`)."""
        return best_trial(self.results())

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (or ``timeout`` seconds); returns :attr:`done`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return self.done

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[dict]:
        """Run to the end (blocking) and return the results; ``progress(done,
        total)`` is called as trials finish. Re-raises a trial's exception."""
        self.start()
        seen = -1
        try:
            while True:
                finished = self.done
                count = len(self._results)
                if progress is not None and count != seen:
                    progress(count, self.total)
                    seen = count
                if finished:
                    break
                time.sleep(0.02)
        except BaseException:  # Ctrl-C in the CLI: the workers stop too
            self.stop()
            raise
        if self._error is not None:
            raise self._error
        return self.results()
