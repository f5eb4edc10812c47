"""The Numba-compiled MLP engine (imports numpy and numba only).

``MLP`` is the entry point; the name tables say which activations, losses,
optimizers, initialisations and schedules exist; ``OUTPUT_FACTS`` says what each
output activation means (its loss, its decision threshold, its colour scale).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .activations import HIDDEN_ACTIVATIONS
from .conv import KERNEL_SIZES, POOLS
from .init import INITS
from .losses import LOSS_OUTPUTS, LOSSES
from .mlp import (
    DTYPES,
    MAX_CONV_LAYERS,
    MAX_DECAY_EVERY,
    MAX_DROPOUT,
    MAX_FILTERS,
    MAX_HIDDEN_LAYERS,
    MAX_INPUTS,
    MAX_LEARNING_RATE,
    MAX_OUTPUTS,
    MAX_REG_RATE,
    MAX_UNITS,
    MLP,
    REGULARIZATIONS,
)
from .optimizers import OPTIMIZERS, SCHEDULES, scheduled_rate
from .outputs import OUTPUT_ACTIVATIONS, OUTPUT_FACTS, OutputFacts

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "KERNEL_SIZES",
    "LOSSES",
    "LOSS_OUTPUTS",
    "MAX_CONV_LAYERS",
    "MAX_DECAY_EVERY",
    "MAX_DROPOUT",
    "MAX_FILTERS",
    "MAX_LEARNING_RATE",
    "MAX_REG_RATE",
    "MAX_HIDDEN_LAYERS",
    "MAX_INPUTS",
    "MAX_OUTPUTS",
    "MAX_UNITS",
    "MLP",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "OUTPUT_FACTS",
    "OutputFacts",
    "POOLS",
    "REGULARIZATIONS",
    "SCHEDULES",
    "WARM_UP_GROUPS",
    "scheduled_rate",
    "warm_up",
]


#: What :func:`warm_up` compiles, one group of kernels per row: each entry point of
#: the network that a page or the CLI calls, named for a progress report. Every
#: group runs with and without batch norm and dropout (runtime switches of the
#: same kernels) and once per dtype asked for.
WARM_UP_GROUPS: tuple[tuple[str, Callable[[MLP, np.ndarray, np.ndarray], object]], ...] = (
    ("training", lambda net, x, y: net.train_epoch(x, y, batch_size=2)),
    ("gradients", lambda net, x, y: net.loss_and_gradients(x, y)),
    ("evaluation", lambda net, x, y: net.evaluate(x, y)),
    ("neuron maps", lambda net, x, y: net.layer_outputs(x)),
)


def warm_up(
    progress: Callable[[int, int, str], None] | None = None,
    dtypes: Sequence[str] = ("float64", "float32"),
) -> None:
    """Compile (or load from the on-disk cache) every kernel for ``dtypes``.

    A server calls this before its first page so that no user ever waits for
    the compiler in the middle of a frame. A cold cache takes a minute or more,
    so ``progress(done, total, group)`` is called before the first group (0,
    total, "") and after each group (its name, e.g. "training (float64)"): the
    caller can say what is happening instead of looking hung. Toy sets train in
    float64 and MNIST in float32, so a caller that needs one asks for one.
    """
    unknown = [d for d in dtypes if d not in DTYPES]
    if unknown:
        raise ValueError(f"unknown dtype {unknown[0]!r}; choose from {', '.join(DTYPES)}")
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    total = len(dtypes) * len(WARM_UP_GROUPS)
    if progress is not None:
        progress(0, total, "")
    done = 0
    for dtype in dtypes:
        nets = [MLP(2, (2,), 1, batch_norm=bn, dropout=0.1, dtype=dtype) for bn in (False, True)]
        for name, run in WARM_UP_GROUPS:
            for net in nets:
                run(net, x, y)
            done += 1
            if progress is not None:
                progress(done, total, f"{name} ({dtype})")
