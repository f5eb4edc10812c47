"""The Numba-compiled MLP engine (imports numpy and numba only).

``MLP`` is the entry point; the name tables say which activations, losses,
optimizers, initialisations and schedules exist.
"""

from __future__ import annotations

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .init import INITS
from .losses import LOSS_OUTPUTS, LOSSES
from .mlp import (
    MAX_DECAY_EVERY,
    MAX_DROPOUT,
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

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "LOSSES",
    "LOSS_OUTPUTS",
    "MAX_DECAY_EVERY",
    "MAX_DROPOUT",
    "MAX_LEARNING_RATE",
    "MAX_REG_RATE",
    "MAX_HIDDEN_LAYERS",
    "MAX_INPUTS",
    "MAX_OUTPUTS",
    "MAX_UNITS",
    "MLP",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "REGULARIZATIONS",
    "SCHEDULES",
    "scheduled_rate",
    "warm_up",
]


def warm_up() -> None:
    """Compile (or load from the on-disk cache) every kernel for both dtypes.

    A server calls this before its first page so that no user ever waits for
    the compiler in the middle of a frame.
    """
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    for dtype in ("float64", "float32"):
        for bn in (False, True):
            net = MLP(2, (2,), 1, batch_norm=bn, dropout=0.1, dtype=dtype)
            net.train_epoch(x, y, batch_size=2)
            net.loss_and_gradients(x, y)
            net.evaluate(x, y)
            net.layer_outputs(x)
