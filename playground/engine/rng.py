"""A tiny per-network random generator usable inside kernels.

Numba's ``np.random`` keeps one hidden state per thread, shared by every network
in the process. Two browser sessions training side by side would then draw each
other's numbers and lose reproducibility. Each network therefore owns its state:
a single ``uint64`` in a one-element array, advanced with SplitMix64 (Steele,
Lea & Flood 2014), which is fast and statistically sound for shuffling and
dropout masks.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV_2_53 = 1.0 / 9007199254740992.0


def new_state(seed: int) -> np.ndarray:
    """Return a fresh generator state for ``seed`` (any Python int)."""
    return np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)


@kernel
def next_u64(state):
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@kernel
def uniform(state):
    """A float in [0, 1) with 53 random bits."""
    return float(next_u64(state) >> _S11) * _INV_2_53


@kernel
def permutation(n, state):
    """A uniformly random permutation of ``range(n)`` (Fisher-Yates)."""
    perm = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = int(uniform(state) * (i + 1))
        if j > i:  # guards the (theoretically impossible) rounding up to i+1
            j = i
        perm[i], perm[j] = perm[j], perm[i]
    return perm
