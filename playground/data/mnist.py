"""The real MNIST digits, from the ``assets/mnist.npz`` that ships with the repository.

Nothing is ever downloaded: a lecture hall's network is not to be trusted, so the file
is part of the repo. Decompressing and scaling 60 000 images takes a noticeable moment
and about 220 MB, so :func:`load_mnist` does it once per process and hands out
read-only arrays that every session can share safely.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data._checks import check_int

ASSETS_DIR: Path = Path(
    os.environ.get("PLAYGROUND_ASSETS") or Path(__file__).resolve().parents[2] / "assets"
)
MNIST_FILE = "mnist.npz"
N_TRAIN = 60_000
N_TEST = 10_000
SIDE = 28  # an image is SIDE x SIDE pixels
N_PIXELS = SIDE * SIDE
N_DIGITS = 10


@dataclass(frozen=True)
class Mnist:
    """Flattened MNIST: float32 images ``(N, 784)`` in [0, 1] and int64 digit labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def _images(raw: np.ndarray, name: str, path: Path) -> np.ndarray:
    if raw.ndim != 3 or raw.shape[1:] != (28, 28) or raw.dtype != np.uint8:
        raise ValueError(f"{path}: {name} should be uint8 (N, 28, 28), got {raw.dtype} {raw.shape}")
    images = raw.reshape(len(raw), N_PIXELS).astype(np.float32)
    images /= np.float32(255.0)  # in place: one 188 MB buffer instead of two
    return _frozen(images)


def read_mnist_npz(path: str | os.PathLike[str]) -> Mnist:
    """Read and convert an MNIST ``.npz`` (uint8 x_train/x_test, labels) without caching.

    Use :func:`load_mnist` in the application; this is the uncached worker, exposed for
    tests and for reading a copy kept elsewhere.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST not found at {path}. The file ships in the repository's assets/ "
            f"folder as {MNIST_FILE} (set PLAYGROUND_ASSETS to the folder holding it); "
            "the playground never downloads it."
        )
    with np.load(path, allow_pickle=False) as npz:
        x_train = _images(npz["x_train"], "x_train", path)
        x_test = _images(npz["x_test"], "x_test", path)
        y_train = _frozen(npz["y_train"].astype(np.int64))
        y_test = _frozen(npz["y_test"].astype(np.int64))
    if y_train.shape != (len(x_train),) or y_test.shape != (len(x_test),):
        raise ValueError(f"{path}: labels and images differ in length")
    return Mnist(x_train, y_train, x_test, y_test)


@functools.lru_cache(maxsize=1)
def load_mnist() -> Mnist:
    """The full MNIST set from ``ASSETS_DIR/mnist.npz``, loaded once per process."""
    return read_mnist_npz(ASSETS_DIR / MNIST_FILE)


def stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of ``range(len(labels))`` whose every prefix is close to stratified.

    Each item's key is its (random) rank within its class divided by the class size,
    so the classes interleave in proportion to their frequency: the first n items hold
    each class in its overall share to within one item. A 100-image subset then has
    about 10 of each digit instead of whatever a plain permutation happens to give.
    """
    labels = np.asarray(labels)
    perm = rng.permutation(len(labels))
    permuted = labels[perm]
    by_class = np.argsort(permuted, kind="stable")
    _, class_of, counts = np.unique(permuted, return_inverse=True, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(labels), dtype=np.float64)
    rank[by_class] = np.arange(len(labels)) - np.repeat(starts, counts)
    key = (rank + 0.5) / counts[class_of]
    return perm[np.argsort(key, kind="stable")]


def _subset(
    x: np.ndarray, y: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    if n == len(y):
        return x, y  # already read-only; no need to copy 188 MB
    chosen = np.sort(stratified_order(y, rng)[:n])
    return _frozen(x[chosen]), _frozen(y[chosen])


def mnist_subset(n_train: int | None, n_test: int | None, seed: int = 0) -> Mnist:
    """A seeded random subset of MNIST with about equal shares of every digit.

    ``None`` keeps the whole split. Subsets of the same seed are nested (the 100-image
    subset is inside the 1000-image one), and images keep their original order, so a
    smaller subset is a faster but otherwise comparable version of the bigger run.
    """
    full = load_mnist()
    seed = check_int("seed", seed, 0)
    n_train = N_TRAIN if n_train is None else check_int("n_train", n_train, 1, N_TRAIN)
    n_test = N_TEST if n_test is None else check_int("n_test", n_test, 1, N_TEST)
    if n_train == len(full.y_train) and n_test == len(full.y_test):
        return full
    train_rng, test_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    x_train, y_train = _subset(full.x_train, full.y_train, n_train, train_rng)
    x_test, y_test = _subset(full.x_test, full.y_test, n_test, test_rng)
    return Mnist(x_train, y_train, x_test, y_test)
