"""Input features the user switches on and off, and the grid the boundary is drawn on.

Feature engineering is a lesson of its own: with X₁² and X₂² as inputs a network with no
hidden layer separates the circle, with X₁X₂ it separates xor. The values are the raw
ones TF Playground feeds its network (no scaling), so results compare one to one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from playground.data._checks import check_int, check_real


class Feature(NamedTuple):
    """A feature's display label and the function of (x1, x2) arrays that computes it."""

    label: str
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]


FEATURES: Mapping[str, Feature] = MappingProxyType(
    {
        "x1": Feature("X₁", lambda x1, x2: x1),
        "x2": Feature("X₂", lambda x1, x2: x2),
        "x1sq": Feature("X₁²", lambda x1, x2: x1 * x1),
        "x2sq": Feature("X₂²", lambda x1, x2: x2 * x2),
        "x1x2": Feature("X₁X₂", lambda x1, x2: x1 * x2),
        "sinx1": Feature("sin(X₁)", lambda x1, x2: np.sin(x1)),
        "sinx2": Feature("sin(X₂)", lambda x1, x2: np.sin(x2)),
    }
)


def check_feature_names(names: Sequence[str]) -> tuple[str, ...]:
    """Return ``names`` as a tuple or raise a ValueError naming the allowed features."""
    if isinstance(names, str):
        raise TypeError(f"names must be a sequence of feature names, not the string {names!r}")
    names = tuple(names)
    allowed = ", ".join(FEATURES)
    if not names:
        raise ValueError(f"choose at least one input feature from {allowed}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from {allowed}")
    if len(set(names)) != len(names):
        raise ValueError(f"each feature may be used once, got {', '.join(names)}")
    return names


def feature_matrix(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network's input matrix: C-contiguous float64 ``(N, len(names))``, columns in
    the order of ``names``.

    ``points`` is ``(N, 2)`` (x1, x2). The result is freshly allocated and contiguous so
    the engine's compiled kernels can use it without another copy.
    """
    names = check_feature_names(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {points.shape}")
    out = np.empty((points.shape[0], len(names)), dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].fn(x1, x2)
    return out


#: Half the side of the square of the plane the page draws: [-6, 6]², as in the
#: TensorFlow Playground.
EXTENT = 6.0


def grid_points(resolution: int = 100, extent: float = EXTENT) -> np.ndarray:
    """Points of a ``resolution`` x ``resolution`` grid over [-extent, extent]², row by row.

    Ordering, as an image is read: row 0 is the TOP (x2 = +extent) and x1 increases
    from -extent to +extent along each row; the last row is x2 = -extent. So
    ``grid_points(r)[i * r + j]`` is pixel (row i, column j), the first point is the
    top-left corner (-extent, +extent) and the last one the bottom-right corner
    (+extent, -extent). Reshaping a per-point output to ``(r, r)`` gives an image with
    row 0 at the top; plotting tools whose row 0 is at the bottom (Bokeh ``image``) need
    it flipped with ``[::-1]``. Both ends are included (``np.linspace``).
    """
    resolution = check_int("resolution", resolution, 2, 2000)
    extent = check_real("extent", extent, 1e-9, 1e6)
    xs = np.linspace(-extent, extent, resolution)
    ys = np.linspace(extent, -extent, resolution)
    grid = np.empty((resolution * resolution, 2), dtype=np.float64)
    grid[:, 0] = np.tile(xs, resolution)
    grid[:, 1] = np.repeat(ys, resolution)
    return grid
