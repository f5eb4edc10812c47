"""Where a session's data comes from, and how it becomes the engine's arrays.

A 2-D toy set is generated from the config (and may then be edited by the user, see
:mod:`playground.experiment.points`); MNIST is a seeded, stratified subset of the
shipped digits. Either way the session needs, per side (train / validation / test),
the network inputs, the targets for the chosen output activation and the class of
each row: :meth:`ExperimentData.splits` builds exactly that. The validation side is
``validation_ratio`` percent of the training side held out (empty at 0): it is never
trained on, and only it, never the test side, may guide a choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data import (
    Mnist,
    class_index,
    feature_matrix,
    make_dataset,
    mnist_subset,
    to_targets,
)
from playground.data import mnist as _mnist
from playground.experiment.config import Config
from playground.experiment.knobs import MNIST
from playground.experiment.plan import Plan
from playground.experiment.points import Points, allowed_labels, held_out

SPLITS = ("train", "validation", "test")


def data_seed(seed: int, round_: int) -> int:
    """The data seed after ``round_`` regenerations: ``seed`` itself at first, so a
    fresh session's data is exactly ``make_dataset(..., seed=seed)``."""
    if round_ == 0:
        return seed
    return int(np.random.SeedSequence([seed, round_]).generate_state(1)[0])


@dataclass(frozen=True)
class Split:
    """One side of the data, ready for the engine."""

    X: np.ndarray  # network inputs, contiguous, in the network's float type
    Y: np.ndarray  # targets for the chosen output activation
    labels: np.ndarray  # the raw labels: +1/-1, class numbers or real values
    classes: np.ndarray | None  # class index per row (None for regression)


class ExperimentData:
    """The points or images of one session; ``round_`` counts regenerations."""

    def __init__(self, config: Config, plan: Plan, round_: int = 0):
        self.round = round_
        self.seed = data_seed(config.seed, round_)
        self.points: Points | None = None
        self.mnist: Mnist | None = None
        if config.dataset == MNIST:
            n_train = None if config.mnist_train == _mnist.N_TRAIN else config.mnist_train
            n_test = None if config.mnist_test == _mnist.N_TEST else config.mnist_test
            self.mnist = mnist_subset(n_train, n_test, self.seed)
        else:
            data = make_dataset(
                config.dataset,
                config.n_samples,
                config.noise / 100,
                self.seed,
                config.n_classes,
                balance=config.balance,
            )
            allowed = allowed_labels(plan.kind, plan.n_classes)
            self.points = Points.from_dataset(
                data, config.train_ratio / 100, self.seed, allowed, config.validation_ratio / 100
            )
            if plan.kind == "regression" and config.outliers:
                self.points.add_outliers(config.outliers, self.seed)

    def resplit(self, config: Config) -> None:
        """Split the current points afresh by ``config.train_ratio`` and
        ``config.validation_ratio`` (MNIST's hold-out is chosen in :meth:`splits`)."""
        if self.points is not None:
            self.points.resplit(config.train_ratio / 100, self.seed, config.validation_ratio / 100)

    def load_csv(self, config: Config, text: str | bytes, replace: bool) -> int:
        """Read user CSV rows into the points (see :meth:`Points.load_csv`)."""
        return self.editable().load_csv(
            text,
            replace=replace,
            train_ratio=config.train_ratio / 100,
            seed=self.seed,
            validation=config.validation_ratio / 100,
        )

    def editable(self) -> Points:
        """The 2-D points, or ValueError for MNIST."""
        if self.points is None:
            raise ValueError("MNIST images cannot be edited; choose a 2-D data set")
        return self.points

    def splits(self, config: Config, plan: Plan) -> tuple[dict[str, Split | None], list[str]]:
        """Engine arrays for each side (None for an empty side) and notes on what was
        adjusted to fit the output."""
        notes: list[str] = []
        return {side: self._split(side, config, plan, notes) for side in SPLITS}, notes

    def _split(self, side: str, config: Config, plan: Plan, notes: list[str]) -> Split | None:
        if self.mnist is not None:
            x, labels = self._mnist_side(side, config.validation_ratio / 100)
            if not len(labels):
                return None
        else:
            p = self.points
            mask = {
                "train": p.is_train & ~p.is_validation,
                "validation": p.is_validation,
                "test": ~p.is_train,
            }[side]
            if not mask.any():
                return None
            x = feature_matrix(self.points.points[mask], config.features)
            labels = self.points.labels[mask]
        labels = np.asarray(labels, dtype=np.float64)
        targets = labels
        if plan.kind == "regression" and plan.output == "tanh" and np.abs(labels).max() > 1:
            targets = np.clip(labels, -1.0, 1.0)
            notes.append("labels beyond +-1 are clipped: a tanh output cannot reach them.")
        Y = to_targets(targets, plan.kind, plan.n_classes, plan.output).astype(plan.dtype)
        classes = class_index(labels, plan.kind) if plan.is_classification else None
        X = np.ascontiguousarray(x, dtype=plan.dtype)
        # Read-only: the engine then validates them once, not on every epoch.
        X.flags.writeable = False
        Y = np.ascontiguousarray(Y)
        Y.flags.writeable = False
        return Split(X, Y, labels, classes)

    def _mnist_side(self, side: str, share: float) -> tuple[np.ndarray, np.ndarray]:
        """MNIST images and labels of one side: ``share`` of the training images,
        drawn from the seed, are the validation side and are left out of training."""
        m = self.mnist
        if side == "test":
            return m.x_test, m.y_test
        rows = held_out(len(m.y_train), share, self.seed)
        if side == "validation":
            return m.x_train[rows], m.y_train[rows]
        if not len(rows):  # no copy of 60,000 images when nothing is held out
            return m.x_train, m.y_train
        keep = np.ones(len(m.y_train), dtype=bool)
        keep[rows] = False
        return m.x_train[keep], m.y_train[keep]
