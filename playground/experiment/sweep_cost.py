"""How long a sweep will take, and the caps on a sweep started from the page.

A page is shared by a class; one sweep must not hold the server's cores for
minutes. The caps bound the trials, the epochs and the work, trials x epochs x
training points, weighted by what one point costs for that network. The
weights come from timing the engine on this 2-core machine (``Session.step``,
evaluation of every side included, medians of a few runs while other work ran):

* spiral, 4-8-8-1 dense (104 weights): 1.0-1.3 us per point and epoch;
* spiral, 2-64-64-64-1 (8,384 weights): 35 us;
* MNIST 784-32-10 (25,408 weights): 84 us; 784-128-10 (101,632): 173 us;
* MNIST conv 8,16 (5x5, max pool) + 128: 950 us.

so one point-epoch costs about 1 us + 4 ns per dense weight + 1 ns per
multiply-add of the convolutions (an overestimate for the large dense nets, where
BLAS does better: the caps err on the side of the server).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.data import mnist as _mnist
from playground.experiment.config import Config
from playground.experiment.knobs import MNIST
from playground.experiment.plan import Plan, make_plan

if TYPE_CHECKING:
    from playground.experiment.sweep import SweepSpec

PAGE_MAX_TRIALS = 100
PAGE_MAX_EPOCHS = 1000
#: A page's sweep must be estimated to finish within this many seconds.
PAGE_MAX_SECONDS = 60.0
#: The cores a page's sweep is assumed to get (this machine has 2).
PAGE_WORKERS = 2

SECONDS_PER_POINT = 1e-6
SECONDS_PER_WEIGHT = 4e-9
SECONDS_PER_CONV_MAC = 1e-9


def n_train_points(config: Config) -> int:
    """How many points one epoch trains on, the validation share taken out."""
    if config.dataset == MNIST:
        n = config.mnist_train
    else:
        n = config.n_samples * config.train_ratio / 100
    share = getattr(config, "validation_ratio", 0) / 100
    return max(1, int(n * (1 - share)))


def seconds_per_point_epoch(plan: Plan) -> float:
    """The estimated cost of one training point for one epoch (see the module doc)."""
    macs, channels, side = 0, 1, _mnist.SIDE
    for filters in plan.conv:
        macs += channels * filters * plan.kernel**2 * side * side
        channels = filters
        if plan.pool != "none":
            side //= 2
    first = channels * side * side if plan.conv else plan.n_inputs
    sizes = (first, *plan.hidden, plan.n_outputs)
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    return SECONDS_PER_POINT + SECONDS_PER_WEIGHT * weights + SECONDS_PER_CONV_MAC * macs


def estimate_seconds(spec: SweepSpec, workers: int = PAGE_WORKERS) -> float:
    """Wall time the sweep is expected to take on ``workers`` cores (base network)."""
    config = spec.base_config()[0]
    per_trial = spec.epochs * n_train_points(config) * seconds_per_point_epoch(make_plan(config))
    return len(spec.trial_values()) * per_trial / max(1, workers)


def check_page_caps(spec: SweepSpec, workers: int = PAGE_WORKERS) -> float:
    """The estimated seconds of a sweep started from the page; ValueError with a
    message for the user when it is beyond the page's caps."""
    total = len(spec.trial_values())
    if total > PAGE_MAX_TRIALS:
        raise ValueError(f"{total} trials is more than the page runs ({PAGE_MAX_TRIALS}).")
    if spec.epochs > PAGE_MAX_EPOCHS:
        raise ValueError(f"{spec.epochs} epochs is more than the page runs ({PAGE_MAX_EPOCHS}).")
    seconds = estimate_seconds(spec, workers)
    if seconds > PAGE_MAX_SECONDS:
        raise ValueError(
            f"this sweep would take about {seconds:.0f} s; the page runs sweeps of up to "
            f"{PAGE_MAX_SECONDS:.0f} s: use fewer trials, epochs or training points "
            "(or playground sweep on the command line)."
        )
    return seconds
