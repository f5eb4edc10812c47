"""Data augmentation for MNIST: shifted, rotated and noisy copies of training images.

The lecture decks' recipe for a small training set: show the network the same digits
moved a little, turned a little, with a little noise, so it learns what does not
change a digit. The amounts are declared once here:

* shift: up to :data:`SHIFT_PX` pixels in x and in y (whole pixels). MNIST's digits
  are centred by their centre of mass in a 20x20 box inside 28x28, so 2 px keeps
  every stroke inside the image and is a realistic miscentring.
* rotate: up to :data:`ROTATE_DEG` degrees either way, in whole degrees; people slant
  their digits about that much, while at ±45° a 6 starts to look like a 9 turned.
* noise: Gaussian pixel noise of deviation :data:`NOISE_SIGMA` (a tenth of the ink's
  range), clipped back to [0, 1]: visible, yet every digit stays readable.

How, vectorised: shifts and angles are whole numbers, so there are only 5 x 5 x 31
distinct warps. Each is one table of source pixels and bilinear weights (index
arithmetic on 784 pixels), applied to all images that drew it with four column
gathers. No Python loop per image: 0.33 s of CPU for MNIST's 60,000 images shifted
and turned, 1.2 s with noise as well (median of 3, README).
"""

from __future__ import annotations

import numpy as np

AUGMENTATIONS = ("shift", "rotate", "noise")
SHIFT_PX = 2
ROTATE_DEG = 15
NOISE_SIGMA = 0.1


def _warp_table(side: int, dy: int, dx: int, degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """For the warp "rotate by ``degrees`` about the centre, then move (dy, dx)": per
    output pixel, its four source pixels ``(4, side*side)`` and their bilinear
    weights (0 for a source outside the image, which reads as black)."""
    centre = (side - 1) / 2
    rows, cols = np.divmod(np.arange(side * side, dtype=np.float64), side)
    y, x = rows - centre - dy, cols - centre - dx
    a = np.radians(degrees)
    # Output pixel p reads the source at R(-a) (p - centre - shift) + centre.
    sy = np.cos(a) * y + np.sin(a) * x + centre
    sx = np.cos(a) * x - np.sin(a) * y + centre
    # Snap to whole pixels where rounding put a coordinate a hair off one, so a pure
    # shift copies pixels exactly.
    sy = np.where(np.abs(sy - np.round(sy)) < 1e-9, np.round(sy), sy)
    sx = np.where(np.abs(sx - np.round(sx)) < 1e-9, np.round(sx), sx)
    y0, x0 = np.floor(sy), np.floor(sx)
    fy, fx = sy - y0, sx - x0
    index, weight = [], []
    for yy, xx, w in (
        (y0, x0, (1 - fy) * (1 - fx)),
        (y0, x0 + 1, (1 - fy) * fx),
        (y0 + 1, x0, fy * (1 - fx)),
        (y0 + 1, x0 + 1, fy * fx),
    ):
        inside = (yy >= 0) & (yy < side) & (xx >= 0) & (xx < side)
        index.append(np.where(inside, yy * side + xx, 0).astype(np.intp))
        weight.append(np.where(inside, w, 0.0))
    return np.stack(index), np.stack(weight).astype(np.float32)


def warp_images(images: np.ndarray, dy, dx, degrees, side: int = 28) -> np.ndarray:
    """``images`` (``(n, side*side)`` pixels) each rotated by ``degrees`` about its
    centre and moved ``dy`` rows down and ``dx`` columns right (whole numbers, one
    for all or one per image; bilinear interpolation, zeros shifted in)."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 2 or images.shape[1] != side * side:
        raise ValueError(f"images must be (n, {side * side}), got {images.shape}")
    n = images.shape[0]
    amounts = np.broadcast_arrays(*(np.asarray(v) for v in (dy, dx, degrees)))
    amounts = [np.broadcast_to(v, (n,)) for v in amounts]
    if any(not np.array_equal(v, np.round(v)) for v in amounts):
        raise ValueError("shifts and angles must be whole pixels and whole degrees")
    keys = np.column_stack([v.astype(np.int64) for v in amounts])
    out = np.empty_like(images)
    if n == 0:
        return out
    warps, which = np.unique(keys, axis=0, return_inverse=True)
    which = which.ravel()
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(warps) + 1))
    for k, (wy, wx, deg) in enumerate(warps):  # one step per distinct warp, not per image
        rows = order[bounds[k] : bounds[k + 1]]
        index, weight = _warp_table(side, int(wy), int(wx), int(deg))
        group = images[rows]
        if deg == 0:  # a pure shift: one source pixel, weight 1 (0 outside)
            out[rows] = group[:, index[0]] * weight[0]
            continue
        acc = group[:, index[0]] * weight[0]
        for j in range(1, 4):
            acc += group[:, index[j]] * weight[j]
        out[rows] = acc
    return out


def augment_images(
    images: np.ndarray, kinds, seed: int | tuple[int, ...] | list[int], side: int = 28
) -> np.ndarray:
    """A new float32 array: ``images`` (``(n, side*side)`` pixels in [0, 1]) each
    shifted, rotated and/or made noisy by its own random amount (``kinds`` from
    :data:`AUGMENTATIONS`). The same ``seed`` gives the same copies; ``images``
    is left unchanged."""
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation {unknown[0]!r}; use {', '.join(AUGMENTATIONS)}")
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 2 or images.shape[1] != side * side:
        raise ValueError(f"images must be (n, {side * side}), got {images.shape}")
    # One stream per kind, each drawn image by image: the amounts of image i do not
    # depend on how many images follow, so the first rows of a big copy equal a copy
    # of the first images alone (what a page shows beside the originals).
    shift_rng, rotate_rng, noise_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    n = images.shape[0]
    dy = dx = degrees = np.zeros(n, dtype=np.int64)
    if "shift" in kinds:
        dy, dx = shift_rng.integers(-SHIFT_PX, SHIFT_PX + 1, size=(n, 2)).T
    if "rotate" in kinds:
        degrees = rotate_rng.integers(-ROTATE_DEG, ROTATE_DEG + 1, size=n)
    if "shift" in kinds or "rotate" in kinds:
        out = warp_images(images, dy, dx, degrees, side)
    else:
        out = images.copy()
    if "noise" in kinds:
        noise = noise_rng.standard_normal(out.shape, dtype=np.float32)
        noise *= np.float32(NOISE_SIGMA)
        out += noise
        np.clip(out, 0.0, 1.0, out=out)
    return out
