"""The editable 2-D points a session trains on.

They start as a generated toy set; a user may then click points in, erase points,
or upload a CSV that replaces or extends them. Each point remembers whether it is
for training or testing, so adding one point never reshuffles the others: a clicked
point is a training point (the user is teaching the network), uploaded rows are split
by the configured ratio.

A share of the training side may be held out for validation (``is_validation``, a
subset of ``is_train``): those points are never trained on; they measure the network
for choices such as early stopping, so the test points stay untouched by any choice.
The held-out points are drawn from their own random stream of the seed, so a share of
0 leaves the training/test split exactly as it was without validation.

Regression sets may carry outliers: a share of the *training* points whose target is
replaced by a wild value (:func:`~playground.data.with_outliers`). The true targets
are kept beside the labels, so a new split draws the outliers afresh among the new
training points instead of leaving them in the test set.
"""

from __future__ import annotations

import numpy as np

from playground.data import (
    MAX_ROWS,
    CSVError,
    Dataset,
    PointSet,
    parse_csv,
    to_csv,
    train_test_split,
    with_outliers,
)
from playground.data.features import EXTENT


def allowed_labels(kind: str, n_classes: int) -> frozenset[float] | None:
    """Labels a point may carry: +1/-1, the class numbers, or any number (regression)."""
    if kind == "binary":
        return frozenset({-1.0, 1.0})
    if kind == "multiclass":
        return frozenset(float(k) for k in range(n_classes))
    return None


class Points:
    """Points ``(N, 2)``, labels ``(N,)`` and a training mask ``(N,)``."""

    def __init__(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        is_train: np.ndarray,
        allowed: frozenset[float] | None,
        is_validation: np.ndarray | None = None,
    ):
        self.points = np.array(points, dtype=np.float64).reshape(-1, 2)
        self.labels = np.array(labels, dtype=np.float64).reshape(-1)
        #: The training side of the train/test split (validation points included).
        self.is_train = np.array(is_train, dtype=bool).reshape(-1)
        #: The training-side points held out for validation (never trained on).
        self.is_validation = (
            np.zeros_like(self.is_train)
            if is_validation is None
            else np.array(is_validation, dtype=bool).reshape(-1) & self.is_train
        )
        self.allowed = allowed
        #: The targets without outliers; ``labels`` differs only at the outliers.
        self.truth = self.labels.copy()
        self.outliers = 0.0
        self._outlier_seed = 0

    @classmethod
    def from_dataset(
        cls,
        data: Dataset,
        train_ratio: float,
        seed: int,
        allowed: frozenset[float] | None,
        validation: float = 0.0,
    ) -> Points:
        """A generated set, split by ``train_ratio`` (a fraction) with ``seed``, and
        ``validation`` (a fraction) of its training side held out for validation."""
        is_train = _split_mask(len(data), train_ratio, seed)
        is_validation = validation_mask(is_train, validation, seed)
        return cls(data.points, data.labels, is_train, allowed, is_validation)

    def __len__(self) -> int:
        return len(self.labels)

    def resplit(self, train_ratio: float, seed: int, validation: float = 0.0) -> None:
        """Assign every point to training, validation or test afresh (outliers follow
        the points trained on)."""
        self.is_train = _split_mask(len(self), train_ratio, seed)
        self.is_validation = validation_mask(self.is_train, validation, seed)
        if self.outliers:
            self.add_outliers(self.outliers, self._outlier_seed)

    def add_outliers(self, share: float, seed: int) -> None:
        """Give ``share`` of the points trained on a wild target, drawn from ``seed``
        (validation points keep their true targets, like the test points)."""
        fitted = np.flatnonzero(self.is_train & ~self.is_validation)
        self.labels = with_outliers(self.truth, fitted, share, seed)
        self.outliers, self._outlier_seed = share, seed

    def _check(self) -> PointSet:
        return PointSet(self.allowed)

    def add(self, x1: float, x2: float, label: float) -> None:
        """Add one training point; ValueError for a bad label or coordinate, or a full set."""
        checker = self._check()
        checker.add(x1, x2, label)  # validates finiteness and the label
        if len(self) >= MAX_ROWS:
            raise ValueError(f"the data set holds at most {MAX_ROWS} points")
        self._append(checker.points, checker.labels, np.ones(1, dtype=bool), np.zeros(1, bool))

    def remove_near(self, x1: float, x2: float, radius: float) -> int:
        """Remove every point within ``radius`` of (x1, x2); return how many went."""
        x1, x2, radius = float(x1), float(x2), float(radius)
        if not (np.isfinite(x1) and np.isfinite(x2)) or not radius >= 0:
            raise ValueError("remove_points_near needs finite coordinates and a radius >= 0")
        keep = np.hypot(self.points[:, 0] - x1, self.points[:, 1] - x2) > radius
        removed = int(len(self) - keep.sum())
        self.points, self.labels, self.is_train, self.is_validation, self.truth = (
            self.points[keep],
            self.labels[keep],
            self.is_train[keep],
            self.is_validation[keep],
            self.truth[keep],
        )
        return removed

    def load_csv(
        self,
        text: str | bytes,
        *,
        replace: bool,
        train_ratio: float,
        seed: int,
        validation: float = 0.0,
    ) -> int:
        """Parse ``x1,x2,label`` rows; replace the points or add to them.

        The new rows are split by ``train_ratio`` (and ``validation`` of their
        training side held out). A bad file raises
        :class:`~playground.data.CSVError` and leaves the points unchanged; so does
        a point off the plane the page draws (:data:`~playground.data.features.EXTENT`).
        Returns the number of rows read.
        """
        allowed = set(self.allowed) if self.allowed else None
        points, labels = parse_csv(text, allowed, extent=EXTENT)
        total = len(labels) + (0 if replace else len(self))
        if total > MAX_ROWS:
            raise CSVError(
                f"together with the current points that makes {total}; the limit is {MAX_ROWS}"
            )
        is_train = _split_mask(len(labels), train_ratio, seed)
        is_validation = validation_mask(is_train, validation, seed)
        if replace:
            self.points, self.labels, self.is_train = points, labels, is_train
            self.is_validation = is_validation
            self.truth, self.outliers = labels.copy(), 0.0
        else:
            self._append(points, labels, is_train, is_validation)
        return len(labels)

    def to_csv(self) -> str:
        """All points as ``x1,x2,label`` text (what :meth:`load_csv` reads back)."""
        return to_csv(self.points, self.labels)

    def _append(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        is_train: np.ndarray,
        is_validation: np.ndarray,
    ) -> None:
        self.points = np.concatenate([self.points, points])
        self.labels = np.concatenate([self.labels, labels])
        self.is_train = np.concatenate([self.is_train, is_train])
        self.is_validation = np.concatenate([self.is_validation, is_validation])
        self.truth = np.concatenate([self.truth, labels])


def _split_mask(n: int, train_ratio: float, seed: int) -> np.ndarray:
    train, _ = train_test_split(n, train_ratio, seed)
    mask = np.zeros(n, dtype=bool)
    mask[train] = True
    return mask


#: Tells the validation hold-out's random stream apart from the seed's own (data and
#: split), so holding out validation points never moves the training/test split.
_VALIDATION_STREAM = 0x0056


def held_out(n: int, share: float, seed: int) -> np.ndarray:
    """Sorted indices of the ``round(share * n)`` of ``range(n)`` held out for
    validation (at most ``n - 1``: something is always left to train on), drawn from
    the validation stream of ``seed``. ``share`` 0 holds out nothing."""
    if not 0.0 <= share < 1.0:
        raise ValueError(f"the validation share must be in [0, 1), got {share!r}")
    k = min(int(round(share * n)), max(n - 1, 0))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.random.default_rng([seed, _VALIDATION_STREAM]).permutation(n)
    return np.sort(order[:k]).astype(np.int64)


def validation_mask(is_train: np.ndarray, share: float, seed: int) -> np.ndarray:
    """The points of the training side ``is_train`` held out for validation."""
    train = np.flatnonzero(is_train)
    mask = np.zeros(len(is_train), dtype=bool)
    mask[train[held_out(len(train), share, seed)]] = True
    return mask
