"""Data augmentation for MNIST: shifted, rotated and noisy copies of training images.

The lecture decks' recipe for a small training set: show the network the same digits
moved a little, turned a little, with a little noise, so it learns what does not
change a digit. Everything is vectorised over the images (one bilinear warp by index
arithmetic for shift and rotation together); the only loop is over chunks of images,
to keep the temporary arrays small.

The amounts are declared once here:

* shift: up to :data:`SHIFT_PX` pixels in x and in y (whole pixels). MNIST's digits
  are centred by their centre of mass in a 20x20 box inside 28x28, so 2 px keeps
  every stroke inside the image and is a realistic miscentring.
* rotate: up to :data:`ROTATE_DEG` degrees either way; people slant their digits about
  that much, while at ±45° a 6 starts to look like a 9 turned.
* noise: Gaussian pixel noise of deviation :data:`NOISE_SIGMA` (a tenth of the ink's
  range), clipped back to [0, 1]: visible, yet every digit stays readable.
"""

from __future__ import annotations

import numpy as np

AUGMENTATIONS = ("shift", "rotate", "noise")
SHIFT_PX = 2
ROTATE_DEG = 15.0
NOISE_SIGMA = 0.1
#: Images warped per chunk: bounds the temporaries (about a dozen float32 arrays of
#: CHUNK x 784) to a few tens of MB, and is big enough that numpy's per-call overhead
#: does not matter.
CHUNK = 4096


def _warp(images: np.ndarray, side: int, dy, dx, angle, rotate: bool) -> np.ndarray:
    """Each image (rows of ``side*side`` pixels) shifted by (dy, dx) pixels and, if
    ``rotate``, turned by ``angle`` radians about its centre (bilinear interpolation),
    with zeros outside. Without rotation the shifts are whole pixels: one gather."""
    n = images.shape[0]
    # Two zero pixels on every side: a source pixel clipped to the edge of the padded
    # image and its right/lower neighbour are then both zero.
    width = side + 4
    padded = np.zeros((n, width, width), dtype=np.float32)
    padded[:, 2 : side + 2, 2 : side + 2] = images.reshape(n, side, side)
    flat = padded.ravel()
    base = (np.arange(n, dtype=np.int64) * width * width)[:, None]
    rows, cols = np.divmod(np.arange(side * side, dtype=np.float32), side)
    if not rotate:
        y = np.clip(rows[None, :] - dy[:, None] + 2, 0, side + 3).astype(np.int64)
        x = np.clip(cols[None, :] - dx[:, None] + 2, 0, side + 3).astype(np.int64)
        return flat[base + y * width + x]
    centre = np.float32((side - 1) / 2)
    # Output pixel p reads the source at R(-angle) (p - centre - shift) + centre.
    y = rows[None, :] - centre - dy[:, None]
    x = cols[None, :] - centre - dx[:, None]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    sy = cos * y + sin * x + centre
    sx = cos * x - sin * y + centre
    y0, x0 = np.floor(sy), np.floor(sx)
    fy, fx = sy - y0, sx - x0
    # Outside the image everything lands on the zero border.
    i00 = base + (
        np.clip(y0 + 2, 0, side + 2).astype(np.int64) * width
        + np.clip(x0 + 2, 0, side + 2).astype(np.int64)
    )
    top = flat[i00] * (1 - fx) + flat[i00 + 1] * fx
    bottom = flat[i00 + width] * (1 - fx) + flat[i00 + width + 1] * fx
    return top * (1 - fy) + bottom * fy


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
    zeros = np.zeros(n, dtype=np.float32)
    dy, dx = zeros, zeros
    if "shift" in kinds:
        dy, dx = shift_rng.integers(-SHIFT_PX, SHIFT_PX + 1, size=(n, 2)).T.astype(np.float32)
    angle = zeros
    if "rotate" in kinds:
        angle = np.radians(rotate_rng.uniform(-ROTATE_DEG, ROTATE_DEG, n)).astype(np.float32)
    rotating = "rotate" in kinds
    if "shift" in kinds or rotating:
        out = np.empty_like(images)
        for start in range(0, n, CHUNK):
            part = slice(start, start + CHUNK)
            out[part] = _warp(images[part], side, dy[part], dx[part], angle[part], rotating)
    else:
        out = images.copy()
    if "noise" in kinds:
        noise = noise_rng.standard_normal(out.shape, dtype=np.float32)
        noise *= np.float32(NOISE_SIGMA)
        out += noise
        np.clip(out, 0.0, 1.0, out=out)
    return out
