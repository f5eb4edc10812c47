"""Standardized inputs ("feature scaling", "mean subtraction" in the lecture decks).

A :class:`Standardizer` is fitted on the *training* inputs only, then applied to every
input a network sees (training rows, test rows, a grid of the plane, a digit drawn
on the pad): the test set must not leak into the statistics, and every input must be
scaled alike, or the network sees numbers it was never trained on.

``per_input`` gives each column (a feature of a 2-D set, a pixel of MNIST) its own
mean and standard deviation; ``global`` uses one mean and one standard deviation for
all of them (the "subtract the mean image" of the decks keeps the pixels' relative
brightness; per-pixel scaling does not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STANDARDIZE = ("none", "per_input", "global")

#: A column whose training standard deviation is below this is (nearly) constant:
#: MNIST's border pixels are 0 in every training image. It is only centred (divided
#: by 1), so it stays 0 instead of becoming 0/0; dividing a rare test stroke there
#: by a tiny deviation would make it huge.
STD_EPS = 1e-6


@dataclass(frozen=True)
class Standardizer:
    """``(X - mean) / scale``, with ``mean`` and ``scale`` from training inputs."""

    mode: str
    mean: np.ndarray  # (n_inputs,) or (1,) for global
    scale: np.ndarray  # same shape; 1 where the deviation is below STD_EPS

    @classmethod
    def fit(cls, X: np.ndarray, mode: str) -> Standardizer:
        """Statistics of the training inputs ``X`` (rows = points) for ``mode``."""
        if mode not in STANDARDIZE:
            raise ValueError(f"standardize must be one of {', '.join(STANDARDIZE)}, got {mode!r}")
        X = np.asarray(X, dtype=np.float64)
        if mode == "none" or X.shape[0] == 0:
            width = X.shape[1] if X.ndim == 2 else 0
            return cls("none", np.zeros(width), np.ones(width))
        axis = None if mode == "global" else 0
        mean = np.atleast_1d(X.mean(axis=axis))
        std = np.atleast_1d(X.std(axis=axis))
        return cls(mode, mean, np.where(std > STD_EPS, std, 1.0))

    @property
    def active(self) -> bool:
        return self.mode != "none"

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """``X`` standardized, in X's float type (``X`` itself when mode is none)."""
        if not self.active:
            return X
        X = np.asarray(X)
        dtype = X.dtype if X.dtype.kind == "f" else np.float64
        out = (X - self.mean.astype(dtype)) / self.scale.astype(dtype)
        return np.ascontiguousarray(out, dtype=dtype)
