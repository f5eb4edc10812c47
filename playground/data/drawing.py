"""Turn strokes drawn with a mouse or finger into an MNIST-style 28x28 image.

MNIST's digits were size-normalised to fit a 20x20 box (keeping their aspect
ratio), anti-aliased, and placed in the 28x28 field so that their centre of
mass sits at the centre. A digit drawn on the page must go through the same
steps, or the network sees something unlike anything it was trained on (a
small digit in a corner is a different input from the same digit centred).

Rendering is done directly at 28x28 with 4x4 supersampling per pixel: each
sample is inked when it lies within the pen's radius of a stroke segment, and a
pixel's value is the share of its inked samples. The pen is as wide, relative
to the digit, as MNIST's strokes (about a tenth of the box).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIZE = 28
BOX = 20
SUPERSAMPLE = 4
#: Pen radius as a share of the digit box's longer side.
PEN = 0.075
#: Segments longer than this (in pad units) are split, so that dense sampling of
#: a fast mouse stroke does not matter.
MAX_POINTS = 2000


def _segments(strokes: Sequence[tuple[Sequence[float], Sequence[float]]]) -> np.ndarray:
    """All stroke segments as an (n, 4) array x0, y0, x1, y1 (a dot is a zero-length one)."""
    segs = []
    total = 0
    for xs, ys in strokes:
        x = np.asarray(xs, dtype=np.float64).ravel()
        y = np.asarray(ys, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("each stroke needs as many x as y coordinates")
        if x.size == 0:
            continue
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("stroke coordinates must be finite numbers")
        total += x.size
        if total > MAX_POINTS:
            raise ValueError(f"a drawing may have at most {MAX_POINTS} points")
        if x.size == 1:
            x, y = np.repeat(x, 2), np.repeat(y, 2)
        segs.append(np.stack([x[:-1], y[:-1], x[1:], y[1:]], axis=1))
    if not segs:
        raise ValueError("the drawing is empty")
    return np.concatenate(segs)


def _render(segs: np.ndarray, scale: float, offset: np.ndarray, radius: float) -> np.ndarray:
    """Coverage of each 28x28 pixel by the pen along ``segs`` mapped by
    ``pixel = scale * point + offset`` (y grows downwards in the image)."""
    n = SIZE * SUPERSAMPLE
    centres = (np.arange(n) + 0.5) / SUPERSAMPLE
    px, py = np.meshgrid(centres, centres)
    p = np.stack([px.ravel(), py.ravel()], axis=1)  # (samples, 2)
    a = segs[:, :2] * scale + offset
    b = segs[:, 2:] * scale + offset
    inked = np.zeros(p.shape[0], dtype=bool)
    d = b - a
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    for start in range(0, len(segs), 64):  # bounded memory: 64 segments at a time
        sa, sd, sl = a[start : start + 64], d[start : start + 64], length2[start : start + 64]
        rel = p[:, None, :] - sa[None, :, :]
        t = np.clip((rel * sd[None]).sum(axis=2) / sl[None], 0.0, 1.0)
        nearest = rel - t[..., None] * sd[None]
        inked |= ((nearest * nearest).sum(axis=2) <= radius * radius).any(axis=1)
    return inked.reshape(SIZE, SUPERSAMPLE, SIZE, SUPERSAMPLE).mean(axis=(1, 3))


def strokes_to_mnist(strokes: Sequence[tuple[Sequence[float], Sequence[float]]]) -> np.ndarray:
    """A float32 (784,) image in [0, 1], preprocessed as MNIST was.

    ``strokes`` is a list of ``(xs, ys)`` polylines in any units with y pointing
    *up* (as on a plot). Raises ValueError for an empty or malformed drawing.
    """
    segs = _segments(strokes)
    segs = segs * np.array([1.0, -1.0, 1.0, -1.0])  # image rows grow downwards
    pts = np.concatenate([segs[:, :2], segs[:, 2:]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = float((hi - lo).max())
    # The pen adds a margin around the centre line: fit line + pen into the box.
    radius_units = PEN * extent if extent > 0 else 1.0
    span = extent + 2 * radius_units
    scale = BOX / span
    radius = radius_units * scale
    centre = (lo + hi) / 2
    offset = SIZE / 2 - centre * scale
    image = _render(segs, scale, offset, radius)
    # Move the centre of mass to the centre of the field (sub-pixel), then redraw.
    mass = image.sum()
    rows, cols = np.indices(image.shape) + 0.5
    com = np.array([(image * cols).sum(), (image * rows).sum()]) / mass
    image = _render(segs, scale, offset + (SIZE / 2 - com), radius)
    return image.astype(np.float32).ravel()
