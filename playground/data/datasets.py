"""One registry of the toy data sets and one validated way to make them.

The UI, the URL query and the CLI all pick a data set by name; keeping the names,
human labels, tooltips and kinds in :data:`DATASETS` means a new data set is one entry
here plus its generator in :mod:`playground.data.toy`. :func:`to_targets` keeps the
"output activation and loss go together" rule in one place: a label set can only be
turned into targets for an output layer that can actually produce them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np

from playground.data import toy
from playground.data._checks import check_int, check_real

Kind = Literal["binary", "multiclass", "regression"]
KINDS: tuple[str, ...] = ("binary", "multiclass", "regression")

N_SAMPLES_MAX = 5000
NOISE_MAX = 0.5
N_CLASSES_MIN = 3
N_CLASSES_MAX = 5
TRAIN_RATIO_MIN = 0.1
TRAIN_RATIO_MAX = 0.9
#: The share of class +1 in a two-class set. Even at 5 % a set of 100 points keeps
#: five of the rare class, and the bounds are symmetric (95 % makes -1 the rare one).
BALANCE_MIN = 0.05
BALANCE_MAX = 0.95
#: The largest share of training targets that may be outliers: beyond half, the
#: "outliers" are the data and no loss could tell the true function from them.
OUTLIERS_MAX = 0.5
#: An outlier's target is drawn with a magnitude in this range and a random sign:
#: always well outside the +-1 of the true targets, so every one is a real outlier
#: (a value uniform in +-3 lands inside +-1 a third of the time and is then none).
OUTLIER_SIZE = (2.0, 3.0)


@dataclass(frozen=True)
class DatasetSpec:
    """What the page needs to offer a data set: its key, kind, short name and tooltip."""

    name: str
    kind: Kind
    label: str
    description: str


_SPECS = (
    DatasetSpec(
        "circle",
        "binary",
        "Circle",
        "A disc of one class inside a ring of the other: needs a closed boundary.",
    ),
    DatasetSpec(
        "xor",
        "binary",
        "Exclusive or",
        "Opposite quadrants share a class; no single line can separate them.",
    ),
    DatasetSpec(
        "gauss", "binary", "Gaussian", "Two Gaussian clouds that one straight line separates."
    ),
    DatasetSpec(
        "spiral", "binary", "Spiral", "Two interleaved spirals, the hardest binary set to learn."
    ),
    DatasetSpec(
        "moons", "binary", "Moons", "Two interleaving half circles that need a curved boundary."
    ),
    DatasetSpec(
        "spiral_k",
        "multiclass",
        "Spiral arms",
        "Three to five interleaved spiral arms, one class per arm.",
    ),
    DatasetSpec(
        "blobs",
        "multiclass",
        "Blobs",
        "Three to five Gaussian blobs on a circle, one class per blob.",
    ),
    DatasetSpec(
        "reg_plane",
        "regression",
        "Plane",
        "Regression: the target rises linearly from one corner to the other.",
    ),
    DatasetSpec(
        "reg_gauss",
        "regression",
        "Multi Gaussian",
        "Regression: six bumps of alternating sign on a three-by-two grid.",
    ),
)

DATASETS: Mapping[str, DatasetSpec] = MappingProxyType({s.name: s for s in _SPECS})

_GENERATORS: Mapping[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = MappingProxyType(
    {
        "circle": toy.circle,
        "xor": toy.xor,
        "gauss": toy.gauss,
        "spiral": toy.spiral,
        "moons": toy.moons,
        "spiral_k": toy.spiral_k,
        "blobs": toy.blobs,
        "reg_plane": toy.reg_plane,
        "reg_gauss": toy.reg_gauss,
    }
)


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Dataset:
    """Points and labels of one generated data set; the arrays are read-only.

    ``n_classes`` is 2 for binary (labels +1/-1), k for multiclass (labels 0..k-1 as
    floats) and 0 for regression (labels in [-1, 1]). Read-only arrays let the UI and
    the training session share one copy without either changing it under the other.
    """

    points: np.ndarray
    labels: np.ndarray
    kind: Kind
    n_classes: int

    def __len__(self) -> int:
        return len(self.labels)


def check_dataset_name(name: object) -> DatasetSpec:
    """Return the spec of ``name`` or raise a ValueError listing every valid name."""
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name]


def make_dataset(
    name: str,
    n_samples: int = 500,
    noise: float = 0.0,
    seed: int = 0,
    n_classes: int = 3,
    balance: float = toy.BALANCED,
) -> Dataset:
    """Generate data set ``name`` deterministically from ``seed``.

    ``n_classes`` only matters for multiclass sets (3..5) and ``balance`` (the share
    of class +1, 0.05..0.95) only for binary sets; each is ignored otherwise, so the
    UI can keep one value for it while the user switches between sets.
    """
    spec = check_dataset_name(name)
    n_samples = check_int("n_samples", n_samples, 1, N_SAMPLES_MAX)
    noise = check_real("noise", noise, 0.0, NOISE_MAX)
    seed = check_int("seed", seed, 0)
    balance = check_real("balance", balance, BALANCE_MIN, BALANCE_MAX)
    rng = np.random.default_rng(seed)
    generate = _GENERATORS[spec.name]
    if spec.kind == "multiclass":
        k = check_int("n_classes", n_classes, N_CLASSES_MIN, N_CLASSES_MAX)
        points, labels = generate(n_samples, noise, rng, n_classes=k)
    elif spec.kind == "binary":
        points, labels = generate(n_samples, noise, rng, balance=balance)
        k = 2
    else:
        points, labels = generate(n_samples, noise, rng)
        k = 0
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    return Dataset(_read_only(points), _read_only(labels), spec.kind, k)


def train_test_split(n: int, train_ratio: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random split of ``range(n)`` into (train, test) index arrays (int64).

    The first ``round(n * train_ratio)`` entries of a seeded permutation are the
    training set. The ratio is kept within 10-90 % so neither side is ever trivially
    small in a demo of over-fitting.
    """
    n = check_int("n", n, 0)
    train_ratio = check_real("train_ratio", train_ratio, TRAIN_RATIO_MIN, TRAIN_RATIO_MAX)
    seed = check_int("seed", seed, 0)
    order = np.random.default_rng(seed).permutation(n).astype(np.int64)
    n_train = int(round(n * train_ratio))
    return order[:n_train].copy(), order[n_train:].copy()


#: Tells the outliers' random stream apart from the seed's own (data and split).
_OUTLIER_STREAM = 0x0071


def with_outliers(labels: np.ndarray, train: np.ndarray, share: float, seed: int) -> np.ndarray:
    """``labels`` (a new array) with ``round(share * len(train))`` of the rows
    ``train`` given a wild target (magnitude in :data:`OUTLIER_SIZE`, random sign).

    Only training rows: the test side measures how well the network fits the true
    function, and an outlier there would charge it for not predicting noise. The
    draws come from their own stream of ``seed``, so share 0 changes nothing and any
    share leaves the points, the other labels and the split as they were.
    """
    share = check_real("outliers", share, 0.0, OUTLIERS_MAX)
    seed = check_int("seed", seed, 0)
    labels = np.array(labels, dtype=np.float64)
    train = np.asarray(train, dtype=np.int64).reshape(-1)
    count = int(round(share * len(train)))
    if count == 0:
        return labels
    rng = np.random.default_rng([seed, _OUTLIER_STREAM])
    rows = rng.choice(train, count, replace=False)
    size = rng.uniform(*OUTLIER_SIZE, count)
    labels[rows] = np.where(rng.random(count) < 0.5, -size, size)
    return labels


#: Outputs with one unit per class, trained on one-hot targets: softmax
#: probabilities and the raw class scores of the hinge (multi-class SVM) loss.
ONE_HOT_OUTPUTS: tuple[str, ...] = ("softmax", "scores")
OUTPUTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "binary": ("tanh", "sigmoid", *ONE_HOT_OUTPUTS),
        "multiclass": ONE_HOT_OUTPUTS,
        "regression": ("tanh", "linear"),
    }
)


def _check_kind(kind: object) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return str(kind)


def class_index(labels: np.ndarray, kind: str) -> np.ndarray:
    """Class indices (int64) for metrics and one-hot targets.

    Binary: +1 -> 1 and -1 -> 0 (so "positive" is class 1, as in a confusion matrix);
    multiclass: the integer labels themselves. Regression has no classes.
    """
    kind = _check_kind(kind)
    labels = np.asarray(labels, dtype=np.float64)
    if kind == "regression":
        raise ValueError(
            "regression labels have no class index; only binary and multiclass labels do"
        )
    if kind == "binary":
        if not np.all((labels == 1.0) | (labels == -1.0)):
            raise ValueError("binary labels must all be +1 or -1")
        return (labels > 0).astype(np.int64)
    if not np.all((labels >= 0) & (labels == np.round(labels))):
        raise ValueError("multiclass labels must be non-negative integers 0..k-1")
    return labels.astype(np.int64)


def to_targets(labels: np.ndarray, kind: str, n_classes: int, output: str) -> np.ndarray:
    """Turn labels into what a network with output activation ``output`` is trained on.

    binary + tanh -> +1/-1 column, binary + sigmoid -> 0/1 column, binary or multiclass +
    softmax or scores -> one-hot ``(N, n_classes)``, regression + tanh/linear -> the labels as a
    column. Anything else (e.g. sigmoid for targets in [-1, 1], softmax for regression)
    cannot fit its targets, so it is refused here rather than training to nowhere.
    """
    kind = _check_kind(kind)
    if output not in OUTPUTS[kind]:
        raise ValueError(
            f"output {output!r} does not fit {kind} labels; use one of {', '.join(OUTPUTS[kind])}"
        )
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    if kind == "regression":
        if not np.all(np.isfinite(labels)):
            raise ValueError("regression labels must be finite")
        if output == "tanh" and np.any(np.abs(labels) > 1.0):
            raise ValueError("a tanh output needs regression labels in [-1, 1]")
        return labels.reshape(-1, 1).copy()
    if kind == "binary" and n_classes != 2:
        raise ValueError(f"binary labels have n_classes=2, got {n_classes}")
    n_classes = check_int("n_classes", n_classes, 2)
    index = class_index(labels, kind)
    if index.size and index.max() >= n_classes:
        raise ValueError(
            f"label {index.max()} is out of range for n_classes={n_classes}; "
            f"labels must be 0..{n_classes - 1}"
        )
    if output in ONE_HOT_OUTPUTS:
        one_hot = np.zeros((len(index), n_classes), dtype=np.float64)
        one_hot[np.arange(len(index)), index] = 1.0
        return one_hot
    if output == "sigmoid":
        return index.astype(np.float64).reshape(-1, 1)
    return labels.reshape(-1, 1).copy()
