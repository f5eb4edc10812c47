"""The training session: data + network + optimizer state + history.

A :class:`Session` is driven the same way by tests, the CLI, a notebook and the page:
change knobs on its :class:`~playground.experiment.config.Config` (directly, as a
widget does, or through :meth:`Session.set`), call :meth:`Session.step`, read
:attr:`Session.history`. What a knob change does is decided by
:data:`~playground.experiment.knobs.EFFECTS` alone: live knobs reach the running
network, the others rebuild it (and maybe the data). Changes are collected and
applied at the next read or step, so a burst of changes (a data set switch that also
moves its default knobs) rebuilds once. Nothing here imports Panel or Bokeh.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Generic, TypeVar, overload

import numpy as np

from playground.data import Standardizer, feature_matrix, grid_points
from playground.data.augment import augment_images
from playground.data.mnist import N_PIXELS
from playground.engine import MLP
from playground.experiment import metrics as mx
from playground.experiment.config import KNOBS, Config
from playground.experiment.data import SPLITS, ExperimentData, Split
from playground.experiment.evaluation import EpochEvaluation, rows_for
from playground.experiment.history import History
from playground.experiment.knobs import EFFECTS, Effect
from playground.experiment.plan import Plan, make_plan
from playground.experiment.weights import load_weights_json, weights_to_json

#: The training loss and accuracy of each history row are measured on at most this
#: many training rows (a fixed random sample): all of a toy set, 10,000 of MNIST's
#: 60,000 (evaluating all of them would stall a live page for 0.3 s every epoch).
TRAIN_EVAL_MAX = 10_000
T = TypeVar("T")


def _frozen(X: np.ndarray) -> np.ndarray:
    """``X`` marked read-only: the engine then checks it once, not on every use."""
    X.flags.writeable = False
    return X


def _sample(split: Split | None, n: int, seed: int) -> Split | None:
    """The same ``split`` restricted to a fixed random ``n`` of its rows (if larger)."""
    if split is None or split.X.shape[0] <= n:
        return split
    rows = np.sort(np.random.default_rng(seed).permutation(split.X.shape[0])[:n])
    X, Y = np.ascontiguousarray(split.X[rows]), np.ascontiguousarray(split.Y[rows])
    X.flags.writeable = Y.flags.writeable = False  # checked once by the engine
    return Split(X, Y, split.labels[rows], None if split.classes is None else split.classes[rows])


class _Synced(Generic[T]):
    """A read-only session attribute (``model`` reads ``_model``) that first applies
    the knob changes collected so far: whoever reads the session sees its config
    as it is now. One rule, not one hand-written property per attribute."""

    def __init__(self, doc: str):
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self._private = "_" + name

    @overload
    def __get__(self, session: None, owner: type) -> _Synced[T]: ...
    @overload
    def __get__(self, session: Session, owner: type) -> T: ...
    def __get__(self, session, owner=None):
        if session is None:
            return self
        session._sync()
        return getattr(session, self._private)

    def __set__(self, session: Session, value: object) -> None:
        raise AttributeError(f"{self._private[1:]} is read-only: the session sets it")


def build_network(config: Config, plan: Plan | None = None) -> MLP:
    """The untrained network ``config`` describes (weights from its seed); ``plan``
    if the caller already made it. What a session trains, and what a lesson counts
    the parameters of without loading any data."""
    c, plan = config, plan or make_plan(config)
    return MLP(
        plan.n_inputs,
        plan.hidden,
        plan.n_outputs,
        activation=plan.activations,
        output=plan.output,
        loss=plan.loss,
        optimizer=c.optimizer,
        batch_norm=c.batch_norm,
        init=c.init,
        seed=c.seed,
        dtype=plan.dtype,
        **plan.network_kwargs(),
    )


#: How many grid feature matrices (one per resolution and feature set) are kept.
_GRID_CACHE_SIZE = 4


class Session:
    """Data, network and history for one :class:`Config`; steps the training.

    ``Session(config=None, **overrides)`` uses and follows ``config`` (or a new
    default Config), with ``overrides`` applied to it first.
    """

    def __init__(self, config: Config | None = None, **overrides: Any):
        self.config = config if config is not None else Config(**overrides)
        if config is not None and overrides:
            self.config.param.update(**overrides)
        self._history = History()
        self._edited: dict | None = None  # the readout after a hand edit of a weight
        self._diverged = False
        self._message = ""
        self._notes: tuple[str, ...] = ()
        self._arrays: dict[str, Split | None] | None = None  # raw inputs
        self._fed: dict[str, Split | None] = {}  # the same, standardized
        self._scaler = Standardizer.fit(np.empty((0, 0)), "none")
        self._augmented: tuple[tuple, np.ndarray] | None = None  # (key, this epoch's copy)
        #: side -> (its fed inputs, the model's outputs digest, the outputs) of the
        #: newest evaluation of that side (see :meth:`predict`)
        self._outputs: dict[str, tuple[np.ndarray, int, np.ndarray]] = {}
        #: The row of an epoch trained in slices, being evaluated in slices too
        self._closing: EpochEvaluation | None = None
        self._grid_cache: dict[tuple, np.ndarray] = {}
        self._baselines: dict | None = None  # of the current arrays (a page asks each frame)
        self._plan = make_plan(self.config)
        self._data = ExperimentData(self.config, self._plan)
        self._pending: Effect | None = Effect.NETWORK
        self._sync()
        self._watcher = self.config.param.watch(self._config_changed, list(KNOBS), precedence=10)

    # ----------------------------------------------------------- config changes
    def _config_changed(self, *events) -> None:
        level = max(EFFECTS[e.name] for e in events)
        self._pending = level if self._pending is None else max(self._pending, level)

    def set(self, **changes: Any) -> None:
        """Change knobs (validated by param) and apply them at once."""
        self.config.param.update(**changes)
        self._sync()

    def close(self) -> None:
        """Stop following the config (when a page replaces this session)."""
        self.config.param.unwatch(self._watcher)

    def _sync(self) -> None:
        """Apply the collected config changes: the highest effect wins."""
        level, self._pending = self._pending, None
        if level is None:
            return
        if level >= Effect.NETWORK:
            self._closing = None  # its row would go with the history
        if level >= Effect.DATA:
            self._plan = make_plan(self.config)
            self._data = ExperimentData(self.config, self._plan, self._data.round)
        elif level >= Effect.SPLIT:
            self._data.resplit(self.config)
        if level >= Effect.NETWORK:
            self._make_network()
        else:
            self._apply_live()

    # ------------------------------------------------- state (always up to date)
    model: _Synced[MLP] = _Synced("The engine network being trained.")
    history: _Synced[History] = _Synced(
        "One row per epoch since the network was built; row 0 is before training."
    )
    plan: _Synced[Plan] = _Synced(
        "The concrete problem kind, output, loss and sizes behind the config."
    )
    diverged: _Synced[bool] = _Synced(
        "True once the loss or weights became NaN/inf; :meth:`step` then does nothing."
    )
    message: _Synced[str] = _Synced(
        "Why training stopped (divergence, no training points); '' while all is well."
    )
    notes: _Synced[tuple[str, ...]] = _Synced(
        "What was adjusted to make the config fit (an output that fits the labels...)."
    )

    @property
    def epoch(self) -> int:
        """Epochs trained and evaluated since the network was built or reset (an
        epoch trained in slices counts once its row is in the history)."""
        return self.model.epoch - (self._closing is not None)

    @property
    def gradient_norms(self) -> list[float]:
        """Per layer (input side first), the mean L2 norm of its weight gradient over
        the last trained epoch; [] before the first. Measured inside the training
        loop (see ``MLP.gradient_norms``), so reading it costs nothing."""
        return self.model.gradient_norms

    # ------------------------------------------------------------------ network
    def _make_network(self) -> None:
        self._plan = make_plan(self.config)
        self._model = build_network(self.config, self._plan)
        self._apply_live()
        self._arrays = None
        self._history.clear()
        self._edited = None
        self._diverged, self._message = False, ""
        self._history.append(self._row(self._model.current_learning_rate))

    def _apply_live(self) -> None:
        """Hand every live knob to the running network (cheap; no weights change)."""
        c, m = self.config, self._model
        m.learning_rate = c.learning_rate
        m.set_schedule(c.schedule, c.decay, c.decay_every)
        m.set_regularization(c.regularization, c.reg_rate)
        m.dropout, m.clip_norm = c.dropout, c.clip_norm
        m.momentum, m.beta1, m.beta2, m.rho, m.eps = c.momentum, c.beta1, c.beta2, c.rho, c.eps

    def reset(self) -> None:
        """Fresh weights from the seed (as a new Session would have), empty history,
        no divergence; the data, including points a user added, stays."""
        self._pending = max(self._pending or Effect.NETWORK, Effect.NETWORK)
        self._sync()

    def regenerate(self) -> None:
        """New points from the generator (the next data seed); the weights stay."""
        self._sync()
        self._data = ExperimentData(self.config, self._plan, self._data.round + 1)
        self._arrays = None

    # ------------------------------------------------------------------ training
    def _splits(self) -> dict[str, Split | None]:
        """Each side's raw inputs (what :meth:`examples` shows); also (re)fits the
        standardization on the training side whenever the data changed."""
        self._sync()
        if self._arrays is None:
            self._arrays, notes = self._data.splits(self.config, self._plan)
            self._baselines = None
            self._notes = tuple(dict.fromkeys((*self._plan.notes, *notes)))
            train = self._arrays["train"]
            fit_on = train.X if train is not None else np.empty((0, self._plan.n_inputs))
            self._scaler = Standardizer.fit(fit_on, self.config.standardize)
            self._fed = {side: self._feed(split) for side, split in self._arrays.items()}
            self._train_probe = _sample(self._fed["train"], TRAIN_EVAL_MAX, self.config.seed)
            self._grid_cache.clear()  # grids are cached standardized
            self._augmented = None
        return self._arrays

    def _feed(self, split: Split | None) -> Split | None:
        if split is None or not self._scaler.active:
            return split
        return dataclasses.replace(split, X=_frozen(self._scaler(split.X)))

    def _fed_side(self, side: str) -> Split | None:
        """One side as the network sees it (standardized when the config says so)."""
        self._splits()
        return self._fed[side]

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """Raw network inputs ``(n, n_inputs)`` (feature columns, or pixels in [0, 1])
        as the network sees them: standardized with the training side's statistics
        when ``standardize`` is on, else ``X`` itself. Every caller that feeds the
        model (the page's pad, views, the exporter) goes through this."""
        self._splits()
        return self._scaler(X)

    def _row_sides(self) -> list[tuple[str, Split | None]]:
        """What a history row evaluates: the training sample and the other sides."""
        self._splits()
        return [
            ("train", self._train_probe),
            ("validation", self._fed["validation"]),
            ("test", self._fed["test"]),
        ]

    def _score(
        self, side: str, split: Split, loss: float, out: np.ndarray
    ) -> tuple[float, float | None]:
        """Loss and accuracy of one evaluated side; its outputs are kept for
        :meth:`predict` while the weights stay."""
        out.flags.writeable = False
        self._outputs[side] = (split.X, self._model.outputs_digest(), out)
        if split.classes is None:
            return loss, None
        return loss, mx.accuracy(split.classes, mx.predicted_classes(out, self._plan.output))

    def _row(self, learning_rate: float, evaluation: EpochEvaluation | None = None) -> dict:
        """The history row of the weights as they are: every side evaluated now (in
        one pass each), or taken from a finished ``evaluation``."""
        if evaluation is None:
            evaluation = EpochEvaluation(self._model, self._row_sides(), learning_rate)
            evaluation.advance()
        scores = {
            side: self._score(side, split, loss, out)
            for side, (split, loss, out) in evaluation.results.items()
        }
        none = (None, None)
        train_loss, train_acc = scores.get("train", none)
        validation_loss, validation_acc = scores.get("validation", none)
        test_loss, test_acc = scores.get("test", none)
        return {
            "epoch": self._model.epoch,
            "train_loss": train_loss,
            "validation_loss": validation_loss,
            "test_loss": test_loss,
            "train_accuracy": train_acc,
            "validation_accuracy": validation_acc,
            "test_accuracy": test_acc,
            "learning_rate": learning_rate,
        }

    def step(self, epochs: int = 1) -> dict:
        """Train ``epochs`` epochs (one pass over the training points each) and return
        the newest history row. Does nothing while :attr:`diverged` (until
        :meth:`reset`) or while there are no training points (see :attr:`message`)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
            raise ValueError(f"epochs must be a whole number >= 0, got {epochs!r}")
        self._sync()
        self.finish_epoch()
        for _ in range(int(epochs)):
            if self._diverged or not self._train_epoch():
                break
        return self._history.last

    def _train_epoch(self) -> bool:
        train = self._fed_side("train")
        if train is None:
            self._message = "There are no training points: add some or load a CSV file."
            return False
        rate = self._model.current_learning_rate
        X = self._epoch_inputs(train)
        loss = self._model.train_epoch(X, train.Y, self.config.batch_size)
        return self._finish_epoch(loss, rate)

    def train_slice(self, max_batches: int) -> dict | None:
        """Train at most ``max_batches`` steps of the current epoch (a page trains
        MNIST's 60,000 images in slices between redraws). Returns the new history
        row once the epoch is trained and evaluated, else None. The evaluation is
        sliced too (:mod:`~playground.experiment.evaluation`), so the row of an
        epoch may come a few slices after the one that trained its last batch;
        until then :attr:`epoch` does not count it and :attr:`epoch_progress` is 1."""
        self._sync()
        batch_size = self.config.batch_size
        if self._closing is not None:
            return self._close(rows_for(max_batches, batch_size))
        train = self._fed_side("train")
        if self._diverged or train is None:
            return None
        rate, steps = self._model.current_learning_rate, self._model.steps
        X = self._epoch_inputs(train)
        loss = self._model.train_partial(X, train.Y, batch_size, max_batches)
        if loss is None:
            if not self._model.is_finite():
                self._diverge("weights")
            return None
        if not self._trained_finite(loss):
            return None
        self._closing = EpochEvaluation(self._model, self._row_sides(), rate)
        # what is left of this slice goes to the evaluation
        return self._close(rows_for(max_batches - (self._model.steps - steps), batch_size))

    def _close(self, rows: int | None) -> dict | None:
        """Evaluate about ``rows`` more rows (None: all) of the epoch being closed;
        its row once that is done (None if it diverged)."""
        closing = self._closing
        if not closing.advance(rows):
            return None
        self._closing = None
        return self._history.last if self._record(self._row(closing.rate, closing)) else None

    def finish_epoch(self) -> None:
        """Finish evaluating an epoch trained in slices now, if one is being
        evaluated: before the weights change, or when a page pauses (it shows
        that epoch's row)."""
        if self._closing is not None:
            self._close(None)

    def _augment_seed(self) -> list[int]:
        """Augmentation of epoch e is seeded by (seed, e): reproducible runs, and
        every epoch sees new copies."""
        return [self.config.seed, self._model.epoch]

    def _epoch_inputs(self, train: Split) -> np.ndarray:
        """The training inputs of the current epoch: the (standardized) training
        images, or, with augmentation on, an augmented copy of them made once at
        the start of the epoch (all slices of an epoch share it)."""
        kinds = self._plan.augment
        if not kinds:
            return train.X
        key = (self._model.epoch, kinds)
        if self._augmented is None or self._augmented[0] != key:
            self._augmented = None  # free last epoch's copy before making the next
            raw = self._splits()["train"].X
            X = self._scaler(augment_images(raw, kinds, self._augment_seed()))
            self._augmented = (key, _frozen(X))
        return self._augmented[1]

    def augmented_examples(self, n: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """``(originals, augmented)``: the first ``n`` training images and their
        copies as the current epoch trains on them, each ``(n, 784)`` in the raw
        pixel scale; both ``(0, 784)`` when augmentation is off (or on a 2-D set)."""
        self._sync()
        kinds, train = self._plan.augment, self._splits()["train"]
        if not kinds or train is None:
            empty = np.empty((0, N_PIXELS), dtype=np.float32)
            return empty, empty.copy()
        originals = np.array(train.X[: max(0, int(n))], dtype=np.float32)
        return originals, augment_images(originals, kinds, self._augment_seed())

    @property
    def n_train(self) -> int:
        """How many points (or images) one epoch trains on."""
        train = self._splits()["train"]
        return 0 if train is None else int(train.X.shape[0])

    @property
    def epoch_progress(self) -> float:
        """Share of the current epoch trained so far by :meth:`train_slice` (0 to 1;
        1 while its row is being evaluated)."""
        return 1.0 if self._closing is not None else self._model.epoch_progress

    def _finish_epoch(self, loss: float, rate: float) -> bool:
        """Check a finished epoch for divergence and record its history row."""
        return self._trained_finite(loss) and self._record(self._row(rate))

    def _trained_finite(self, loss: float) -> bool:
        """Whether the training loss and the weights are finite (else it diverged)."""
        if not math.isfinite(loss):
            return self._diverge("training loss")
        if not self._model.is_finite():
            return self._diverge("weights")
        return True

    def _record(self, row: dict) -> bool:
        """Add a finished epoch's row to the history, unless a loss diverged."""
        losses = ("train_loss", "validation_loss", "test_loss")
        if not all(row[k] is None or math.isfinite(row[k]) for k in losses):
            return self._diverge("loss")
        self._history.append(row)
        self._edited = None
        self._message = ""
        return True

    def _diverge(self, what: str) -> bool:
        c = self.config
        tips = [f"a smaller learning rate (now {c.learning_rate:g})"]
        if c.regularization != "none" and c.reg_rate >= 1:
            tips.append(f"a smaller regularization rate (now {c.reg_rate:g})")
        if c.clip_norm == 0:
            tips.append("gradient clipping (clip_norm 1)")
        self._diverged = True
        self._message = (
            f"Training diverged at epoch {self._model.epoch}: the {what} became NaN or "
            f"infinite. Try {', or '.join(tips)}, and reset the network."
        )
        return False

    # --------------------------------------------------------------- hand edits
    def set_weight(self, layer: int, out_unit: int, in_unit: int, value: float) -> None:
        """Give one edge a value typed by hand; :attr:`current` then describes it."""
        self._sync()
        self.finish_epoch()
        self._model.set_weight(layer, out_unit, in_unit, value)
        self._edited = self._row(self._model.current_learning_rate)

    def set_bias(self, layer: int, unit: int, value: float) -> None:
        """Give one neuron's bias a value typed by hand."""
        self._sync()
        self.finish_epoch()
        self._model.set_bias(layer, unit, value)
        self._edited = self._row(self._model.current_learning_rate)

    @property
    def current(self) -> dict | None:
        """Losses and accuracies of the weights as they are now: the newest history
        row, or, after a hand edit, the edited weights evaluated afresh (the
        history itself keeps one row per trained epoch)."""
        return self._edited if self._edited is not None else self._history.last

    # ------------------------------------------------------------------ metrics
    def class_names(self) -> list[str]:
        """Display names of the classes, in class-index order ([] for regression)."""
        plan = self.plan
        if not plan.is_classification:
            return []
        return ["-1", "+1"] if plan.kind == "binary" else [str(k) for k in range(plan.n_classes)]

    def _side(self, split: str, fed: bool = False) -> Split | None:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
        return self._fed_side(split) if fed else self._splits()[split]

    def examples(self, split: str = "test") -> tuple[np.ndarray, np.ndarray] | None:
        """The network inputs of one side and each row's class (or target value for
        regression); None if that side is empty. For MNIST the inputs are the images.
        The inputs are raw (unstandardized): pass them through :meth:`inputs` before
        the model."""
        data = self._side(split)
        if data is None:
            return None
        return data.X, (data.classes if data.classes is not None else data.labels)

    def predict(self, split: str = "test") -> np.ndarray | None:
        """Network outputs for the rows of one side (None if that side is empty),
        read-only. The newest history row's evaluation already made the outputs of
        the sides it evaluated (test, validation, and training where its sample is
        all of it): while nothing they depend on has changed, those are handed out
        again instead of a second pass (a page draws its test-set views right after
        each epoch's row)."""
        data = self._side(split, fed=True)
        if data is None:
            return None
        kept = self._outputs.get(split)
        if kept is not None and kept[0] is data.X and kept[1] == self._model.outputs_digest():
            return kept[2]
        out = self._model.predict(data.X)
        out.flags.writeable = False
        return out

    def metrics(self, split: str = "test") -> dict:
        """Metrics on the test (or training, or validation) set.

        Classification: accuracy, confusion matrix (rows = true class), per-class
        precision, recall and F1, and for two classes the ROC curve and its AUC.
        Regression: R², MSE and MAE. Always: ``split``, ``kind`` and ``n``.
        """
        data, plan = self._side(split, fed=True), self._plan
        head = {"split": split, "kind": plan.kind}
        if data is None:
            return {**head, "n": 0}
        out = self.predict(split)
        if not plan.is_classification:
            return {**head, **mx.regression_report(data.labels, out[:, 0])}
        predicted = mx.predicted_classes(out, plan.output)
        scores = mx.positive_scores(out, plan.output) if plan.n_classes == 2 else None
        report = mx.classification_report(data.classes, predicted, plan.n_classes, scores)
        return {**head, "classes": self.class_names(), **report}

    def baselines(self) -> dict:
        """What a model that ignores its inputs scores, to read the accuracy against.

        ``chance``: 1/classes (guessing at random); ``most_frequent``: the test
        accuracy of always answering the most frequent training class; for
        regression ``mean_loss``: the test loss of always answering the mean training
        target. Keys that do not apply (or an empty side) are None.
        """
        splits, plan = self._splits(), self._plan
        if self._baselines is not None:
            return dict(self._baselines)
        train, test = splits["train"], splits["test"]
        out = {"chance": None, "most_frequent": None, "mean_loss": None}
        if plan.is_classification:
            out["chance"] = 1.0 / plan.n_classes
            if train is not None and test is not None:
                counts = np.bincount(train.classes, minlength=plan.n_classes)
                out["most_frequent"] = mx.accuracy(test.classes, np.argmax(counts))
        elif train is not None and test is not None:
            mean = train.Y.mean(axis=0, dtype=np.float64)
            out["mean_loss"] = mx.constant_loss(plan.loss, test.Y, mean, self._model.huber_delta)
        self._baselines = out
        return dict(out)

    # --------------------------------------------------------------- grid views
    def _grid(self, resolution: int) -> np.ndarray:
        """The network inputs at every grid point (standardized like the training
        inputs), computed once per resolution and feature set (the page asks for
        them every frame)."""
        self._splits()
        if self._data.points is None:
            raise ValueError("MNIST images have 784 inputs; there is no 2-D plane to draw")
        key = (resolution, tuple(self.config.features))
        X = self._grid_cache.get(key)
        if X is None:
            if len(self._grid_cache) >= _GRID_CACHE_SIZE:
                self._grid_cache.clear()
            X = np.ascontiguousarray(self._scaler(feature_matrix(grid_points(resolution), key[1])))
            X.flags.writeable = False  # lets the engine reuse its checked copy each frame
            self._grid_cache[key] = X
        return X

    def predict_grid(self, resolution: int = 100) -> np.ndarray:
        """Output over the :func:`~playground.data.grid_points` grid, shaped
        ``(n_outputs, resolution, resolution)`` with image row 0 at the top."""
        out = self._model.predict(self._grid(resolution))
        return np.ascontiguousarray(out.T).reshape(-1, resolution, resolution)

    def layer_maps(self, resolution: int = 50) -> list[np.ndarray]:
        """Every neuron's output over the grid: one ``(units, res, res)`` array per
        hidden layer and the output layer, row 0 at the top."""
        maps = self._model.layer_outputs(self._grid(resolution))
        return [m.reshape(-1, resolution, resolution) for m in maps]

    def feature_maps(self, resolution: int = 50) -> np.ndarray:
        """Each input feature over the grid, ``(n_features, res, res)``, as the
        network sees it (standardized when ``standardize`` is on)."""
        return self._grid(resolution).T.reshape(-1, resolution, resolution)

    # -------------------------------------------------------------- user points
    def _points_view(self, attribute: str, empty: np.ndarray) -> np.ndarray:
        self._sync()
        points = self._data.points
        return empty if points is None else getattr(points, attribute).copy()

    @property
    def points(self) -> np.ndarray:
        """All 2-D points ``(N, 2)`` (a copy); empty for MNIST."""
        return self._points_view("points", np.empty((0, 2)))

    @property
    def labels(self) -> np.ndarray:
        """The label of each point in :attr:`points`."""
        return self._points_view("labels", np.empty(0))

    @property
    def is_train(self) -> np.ndarray:
        """True for each point in :attr:`points` that is trained on."""
        self._sync()
        points = self._data.points
        if points is None:
            return np.empty(0, dtype=bool)
        return points.is_train & ~points.is_validation

    @property
    def is_validation(self) -> np.ndarray:
        """True for each point in :attr:`points` held out for validation."""
        return self._points_view("is_validation", np.empty(0, dtype=bool))

    def add_point(self, x1: float, x2: float, label: float) -> None:
        """Add a training point (label +1/-1, a class number, or a value to regress)."""
        self._sync()
        self._data.editable().add(x1, x2, label)
        self._arrays = None

    def remove_points_near(self, x1: float, x2: float, radius: float) -> int:
        """Erase the points within ``radius`` of (x1, x2); returns how many."""
        self._sync()
        removed = self._data.editable().remove_near(x1, x2, radius)
        self._arrays = None
        return removed

    def load_csv(self, text: str | bytes, *, replace: bool = True) -> int:
        """Use the ``x1,x2,label`` rows of ``text`` instead of (or besides) the current
        points; returns the number of rows. A bad file raises
        :class:`~playground.data.CSVError` (its message is for the user) and the
        current data stays."""
        self._sync()
        n = self._data.load_csv(self.config, text, replace)
        self._arrays = None
        return n

    def export_csv(self) -> str:
        """The current points as ``x1,x2,label`` CSV text."""
        self._sync()
        return self._data.editable().to_csv()

    # ------------------------------------------------------------------ weights
    def weights_json(self) -> str:
        """The network's weights as JSON (see :mod:`playground.experiment.weights`)."""
        return weights_to_json(self.model, config_query=self.config.to_query())

    def load_weights_json(self, text: str | bytes) -> None:
        """Load weights saved by :meth:`weights_json`; ValueError if the architecture
        differs. Clears a divergence, since the loaded weights are finite."""
        self._sync()
        self.finish_epoch()
        load_weights_json(self._model, text)
        self._diverged, self._message = False, ""
