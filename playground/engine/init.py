"""Weight initialisation schemes.

The choice matters for teaching: ``zero`` makes every neuron of a layer
identical forever (the symmetry is never broken), ``tfp`` reproduces the
TensorFlow Playground, and ``xavier`` / ``he`` keep the signal's variance
steady through deep tanh / ReLU stacks.
"""

from __future__ import annotations

import numpy as np

INITS: dict[str, str] = {
    "tfp": "TensorFlow Playground: weights uniform in [-0.5, 0.5], biases 0.1",
    "zero": "all weights and biases 0: every neuron in a layer stays identical",
    "xavier": "Glorot uniform, limit sqrt(6 / (fan_in + fan_out)), biases 0 (for tanh/sigmoid)",
    "he": "He normal, std sqrt(2 / fan_in), biases 0 (for ReLU-like units)",
}


def init_layer(
    kind: str, n_in: int, n_out: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Initial ``(W[n_out, n_in], b[n_out])`` for one dense layer, in float64."""
    if kind == "tfp":
        return rng.uniform(-0.5, 0.5, (n_out, n_in)), np.full(n_out, 0.1)
    if kind == "zero":
        return np.zeros((n_out, n_in)), np.zeros(n_out)
    if kind == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_out, n_in)), np.zeros(n_out)
    if kind == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)), np.zeros(n_out)
    raise ValueError(f"unknown init {kind!r}; choose one of {', '.join(INITS)}")
