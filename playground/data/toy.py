"""The 2D toy data sets, ported from TensorFlow Playground's ``src/dataset.ts``.

Lecturers show these sets next to the original playground, so the binary and regression
generators keep its exact geometry and, importantly, its notion of *noise*: for circle,
xor and the regression sets the noise jitters the position at which the label is
computed while the stored point stays clean, so noise shows up as wrong labels near the
class border instead of as fuzzier point clouds. Gauss, spiral and the multi-class sets
jitter the points themselves, as the original does for gauss and spiral; the Gaussian
jitter (gauss, moons, blobs) is kept on the plane the page draws (see
:func:`_jitter_on_plane`), where the original let points fall off its canvas.

Every generator has the signature ``(n_samples, noise, rng) -> (points, labels)`` with
``points`` float64 ``(N, 2)`` and ``labels`` float64 ``(N,)``; ``noise`` is a fraction in
``[0, 0.5]`` (the UI's 0-50 %). The two-class generators also take ``balance``, the
share of the points drawn for class +1 (see :func:`binary_sizes`). Points come out in
generation order (class by class); shuffling belongs to the train/test split. Arguments
are validated by :func:`playground.data.datasets.make_dataset`, not here.
"""

from __future__ import annotations

import numpy as np

from playground.data.features import EXTENT

RADIUS_CIRCLE = 5.0
RADIUS_REGRESSION = 6.0
BLOB_RING_RADIUS = 4.0

Arrays = tuple[np.ndarray, np.ndarray]


def class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split ``n_samples`` over ``n_classes`` so that the sizes add up to exactly ``n``.

    TF Playground loops ``i < n/2`` per class and so returns n+1 points for odd n. Here
    the remainder goes to the first classes, one extra point each (for two classes: to
    the first class), so the slider value is the number of points the user gets.
    """
    base, extra = divmod(n_samples, n_classes)
    return [base + (1 if c < extra else 0) for c in range(n_classes)]


BALANCED = 0.5


def binary_sizes(n_samples: int, balance: float = BALANCED) -> tuple[int, int]:
    """How many of ``n_samples`` points to draw for class +1 and for class -1.

    ``balance`` is the share of class +1, rounded half up, so 0.5 gives exactly
    :func:`class_sizes` (the odd point to +1) and the balanced sets keep every draw
    they had before the knob existed. Any other balance keeps at least one point of
    each class (from two points on): a class with no point at all is not a rare class.

    Why per-class counts rather than subsampling a balanced set: each class is still
    drawn from its own region (a rare class is the same disc, arm or moon, only with
    fewer points), the user gets exactly ``n_samples`` points, and no draws are
    wasted on points that are thrown away.
    """
    n_pos = min(n_samples, int(np.floor(balance * n_samples + 0.5)))
    if balance != BALANCED and n_samples >= 2:
        n_pos = min(max(n_pos, 1), n_samples - 1)
    return n_pos, n_samples - n_pos


def _linear(
    value: np.ndarray | float, domain: tuple[float, float], target: tuple[float, float]
) -> np.ndarray | float:
    """d3.scale.linear(): map ``domain`` linearly onto ``target`` (no clamping)."""
    (d0, d1), (r0, r1) = domain, target
    return r0 + (np.asarray(value, dtype=np.float64) - d0) * (r1 - r0) / (d1 - d0)


def gauss_std(noise: float) -> float:
    """Standard deviation of the gauss and blobs clusters for a given noise.

    TF Playground maps noise 0..0.5 linearly onto a *variance* of 0.5..4.
    """
    return float(np.sqrt(_linear(noise, (0.0, 0.5), (0.5, 4.0))))


def _jitter_on_plane(centres: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """``centres`` plus Gaussian jitter of ``std``, every coordinate kept on the
    plane the page draws ([-EXTENT, EXTENT]) by drawing it again until it lands there.

    Why: at 50 % noise the gauss and blobs clouds have a std of 2 and the moons
    one of 1, so without this 5 % of gauss's points and 13 % of the blobs'
    (5000 points, seed 0) lay off the plane: nobody saw them, the network
    trained on them, and *Download points* wrote a file that *Load CSV* refused,
    since it takes only points on the plane. Drawing again rather than clipping
    keeps the clouds' shape: clipped points would pile up in lines along the
    border. The coordinates are independent, so redrawing each on its own gives
    exactly the Gaussian conditioned on the square. Where nothing falls off (gauss
    and moons up to 10 % noise) the draws, and so the seeded data, are unchanged.
    """
    if np.any(np.abs(centres) > EXTENT):
        raise ValueError("every centre must lie on the plane, or no draw ever would")
    points = centres + rng.normal(0.0, std, centres.shape)
    off = np.abs(points) > EXTENT
    while off.any():
        points[off] = centres[off] + rng.normal(0.0, std, int(off.sum()))
        off = np.abs(points) > EXTENT
    return points


def _binary(points_pos: np.ndarray, points_neg: np.ndarray) -> Arrays:
    points = np.concatenate([points_pos, points_neg]).astype(np.float64)
    labels = np.concatenate([np.ones(len(points_pos)), -np.ones(len(points_neg))])
    return np.ascontiguousarray(points), labels


def circle(
    n_samples: int, noise: float, rng: np.random.Generator, balance: float = BALANCED
) -> Arrays:
    """A disc of positives (r < 2.5) inside a ring of negatives (3.5 <= r < 5)."""
    n_pos, n_neg = binary_sizes(n_samples, balance)
    parts = []
    for count, (r_low, r_high) in ((n_pos, (0.0, 2.5)), (n_neg, (3.5, 5.0))):
        r = rng.uniform(r_low, r_high, count)
        angle = rng.uniform(0.0, 2 * np.pi, count)
        xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        jitter = rng.uniform(-RADIUS_CIRCLE, RADIUS_CIRCLE, (count, 2)) * noise
        inside = np.hypot(*(xy + jitter).T) < RADIUS_CIRCLE * 0.5
        parts.append((xy, np.where(inside, 1.0, -1.0)))
    points = np.concatenate([parts[0][0], parts[1][0]])
    labels = np.concatenate([parts[0][1], parts[1][1]])
    return np.ascontiguousarray(points), labels


def xor(
    n_samples: int, noise: float, rng: np.random.Generator, balance: float = BALANCED
) -> Arrays:
    """Four quadrants, positive where x*y >= 0, with a 0.3 gap along both axes.

    Balanced, the points are uniform on the square as in TF Playground (so about, not
    exactly, half are positive). Unbalanced, the first ``binary_sizes`` points are
    folded into the positive quadrants and the rest into the negative ones (y takes
    the sign that gives x*y the wanted sign): the same draws, still uniform within
    each class's two quadrants.
    """
    xy = rng.uniform(-5.0, 5.0, (n_samples, 2))
    if balance != BALANCED:
        n_pos, n_neg = binary_sizes(n_samples, balance)
        wanted = np.concatenate([np.ones(n_pos), -np.ones(n_neg)])
        xy[:, 1] = np.abs(xy[:, 1]) * np.where(xy[:, 0] > 0, 1.0, -1.0) * wanted
    xy += np.where(xy > 0, 0.3, -0.3)
    jitter = rng.uniform(-5.0, 5.0, (n_samples, 2)) * noise
    noisy = xy + jitter
    labels = np.where(noisy[:, 0] * noisy[:, 1] >= 0, 1.0, -1.0)
    return xy, labels


def gauss(
    n_samples: int, noise: float, rng: np.random.Generator, balance: float = BALANCED
) -> Arrays:
    """Two Gaussian clouds around (2, 2) (+1) and (-2, -2) (-1); noise widens them."""
    n_pos, n_neg = binary_sizes(n_samples, balance)
    std = gauss_std(noise)
    return _binary(
        _jitter_on_plane(np.full((n_pos, 2), 2.0), std, rng),
        _jitter_on_plane(np.full((n_neg, 2), -2.0), std, rng),
    )


def _spiral_arm(count: int, delta_t: float, noise: float, rng: np.random.Generator) -> np.ndarray:
    """One arm: radius grows 0 -> 5 while the angle turns 1.75 full turns."""
    i = np.arange(count, dtype=np.float64)
    r = i / count * 5.0
    t = 1.75 * i / count * 2 * np.pi + delta_t
    x = r * np.sin(t) + rng.uniform(-1.0, 1.0, count) * noise
    y = r * np.cos(t) + rng.uniform(-1.0, 1.0, count) * noise
    return np.column_stack([x, y])


def spiral(
    n_samples: int, noise: float, rng: np.random.Generator, balance: float = BALANCED
) -> Arrays:
    """Two interleaved spirals, the second rotated by pi (the hardest binary set)."""
    n_pos, n_neg = binary_sizes(n_samples, balance)
    return _binary(_spiral_arm(n_pos, 0.0, noise, rng), _spiral_arm(n_neg, np.pi, noise, rng))


MOONS_SCALE = 3.5
MOONS_JITTER = 2.0  # std of the Gaussian jitter per unit of noise, in data units


def moons(
    n_samples: int, noise: float, rng: np.random.Generator, balance: float = BALANCED
) -> Arrays:
    """Two interleaving half circles (scikit-learn's ``make_moons``), scaled to the view.

    The unit moons span x in [-1, 2] and y in [-0.5, 1]; they are centred and scaled by
    3.5 so they fill about [-5.3, 5.3] x [-2.6, 2.6]. Noise is Gaussian jitter of std
    ``2 * noise``: at 0.5 (std 1) the moons overlap a lot but their shape still shows.
    """
    n_pos, n_neg = binary_sizes(n_samples, balance)
    t_pos = rng.uniform(0.0, np.pi, n_pos)
    t_neg = rng.uniform(0.0, np.pi, n_neg)
    upper = np.column_stack([np.cos(t_pos), np.sin(t_pos)])
    lower = np.column_stack([1.0 - np.cos(t_neg), 0.5 - np.sin(t_neg)])
    centre = np.array([0.5, 0.25])
    points, labels = _binary((upper - centre) * MOONS_SCALE, (lower - centre) * MOONS_SCALE)
    return _jitter_on_plane(points, MOONS_JITTER * noise, rng), labels


def _regression_inputs(
    n_samples: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in [-6, 6]^2 plus the jittered positions their labels are read at."""
    xy = rng.uniform(-RADIUS_REGRESSION, RADIUS_REGRESSION, (n_samples, 2))
    jitter = rng.uniform(-RADIUS_REGRESSION, RADIUS_REGRESSION, (n_samples, 2)) * noise
    return xy, xy + jitter


def reg_plane(n_samples: int, noise: float, rng: np.random.Generator) -> Arrays:
    """Target (x + y) / 10, a tilted plane.

    TF Playground does not clamp, so with noise a few labels leave [-1, 1]; they are
    clamped here because the output unit (tanh) cannot reach them anyway.
    """
    xy, noisy = _regression_inputs(n_samples, noise, rng)
    labels = _linear(noisy[:, 0] + noisy[:, 1], (-10.0, 10.0), (-1.0, 1.0))
    return xy, np.clip(labels, -1.0, 1.0)


REG_GAUSSIANS = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


def reg_gauss_label(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Six signed cones of radius 2; the one with the largest absolute value wins."""
    label = np.zeros(np.broadcast(x, y).shape)
    for cx, cy, sign in REG_GAUSSIANS:
        scale = np.clip(_linear(np.hypot(x - cx, y - cy), (0.0, 2.0), (1.0, 0.0)), 0.0, 1.0)
        candidate = sign * scale
        label = np.where(np.abs(candidate) > np.abs(label), candidate, label)
    return label


def reg_gauss(n_samples: int, noise: float, rng: np.random.Generator) -> Arrays:
    """Regression target made of six bumps of alternating sign on a 3 x 2 grid."""
    xy, noisy = _regression_inputs(n_samples, noise, rng)
    return xy, reg_gauss_label(noisy[:, 0], noisy[:, 1])


def _multiclass(parts: list[np.ndarray]) -> Arrays:
    points = np.ascontiguousarray(np.concatenate(parts), dtype=np.float64)
    labels = np.concatenate([np.full(len(p), float(c)) for c, p in enumerate(parts)])
    return points, labels


def spiral_k(n_samples: int, noise: float, rng: np.random.Generator, n_classes: int = 3) -> Arrays:
    """``n_classes`` spiral arms, arm c rotated by 2*pi*c/k; labels 0..k-1."""
    sizes = class_sizes(n_samples, n_classes)
    return _multiclass(
        [_spiral_arm(count, 2 * np.pi * c / n_classes, noise, rng) for c, count in enumerate(sizes)]
    )


def blobs(n_samples: int, noise: float, rng: np.random.Generator, n_classes: int = 3) -> Arrays:
    """``n_classes`` Gaussian blobs centred on a circle of radius 4 (first one at the top).

    The spread follows :func:`gauss_std`, so the noise slider means the same as for gauss.
    """
    sizes = class_sizes(n_samples, n_classes)
    std = gauss_std(noise)
    parts = []
    for c, count in enumerate(sizes):
        angle = np.pi / 2 + 2 * np.pi * c / n_classes
        centre = BLOB_RING_RADIUS * np.array([np.cos(angle), np.sin(angle)])
        parts.append(_jitter_on_plane(np.tile(centre, (count, 1)), std, rng))
    return _multiclass(parts)
