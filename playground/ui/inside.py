"""Views inside the network for the 2-D page's stage: what they show, built
from a Session for each frame.

* **Hidden space**: the training points as one hidden layer sees them (two of
  its units as x and y), with the image of the input plane's grid under that
  layer (the warped grid, each cell coloured by the network's output there, so
  the decision boundary is drawn as the layer sees it). XOR through a 2-unit
  layer becomes linearly separable there as it learns (deck 002).
* **Gradient flow**: per layer, the size of its weight gradient over each
  epoch (log scale), the update-to-weight ratio and the units that never fire
  on the data: vanishing gradients in a deep sigmoid net, dead ReLUs (decks
  000, 001, 003).
* **Weight histograms**: each layer's weights, binned; they spread, shift and
  die as training goes on (deck 004's TensorBoard pages).
* **Metrics** (classification): the test set's confusion matrix, precision,
  recall and F1 per class, and for two classes the ROC curve with its area and
  the operating point of a decision threshold that the page's slider moves
  (the heatmap is recoloured at that threshold: :meth:`Views.rescale`).

Each view costs its frame only while it is shown. Declared once here
(:data:`VIEWS`): the page's toggle, ``show=``, the scene and the stage read it.

Panel-free: the tests build these sections from a Session.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

import numpy as np

from playground.experiment import Session
from playground.experiment import metrics as mx
from playground.ui.frame import Section
from playground.ui.theme import LAYER_COLORS


@dataclass(frozen=True)
class View:
    """One view inside the network: its label on the page and what it teaches."""

    label: str
    doc: str


#: Every view, by the name ``show=`` and the page use for it.
VIEWS = {
    "hidden_space": View(
        "Hidden space",
        "The training points as a hidden layer sees them (two of its units as x and y) "
        "and the input plane's grid bent by the layers below: tangled classes become "
        "separable there as the network learns.",
    ),
    "gradients": View(
        "Gradients",
        "How large each layer's weight gradient is, epoch by epoch (log scale): in a "
        "deep sigmoid net the input side's vanish; with the update-to-weight ratio and "
        "the units that never fire on the data (dead ReLUs).",
    ),
    "histograms": View(
        "Weights",
        "Each layer's weights, binned: watch them spread, shift or collapse while it trains.",
    ),
    "metrics": View(
        "Metrics",
        "The test set's confusion matrix, precision, recall and F1 per class; for two "
        "classes the ROC curve, its area, and the point a decision threshold picks.",
    ),
}
#: Lines of the warped grid each way (the heatmap's grid, every 5th row and column).
MESH = 21
#: Bins of each layer's weight histogram.
BINS = 24
#: The views are redrawn ten times a second at most: a person reads them at that
#: pace, and they cost about 0.3 ms of server CPU (``bench_page.py
#: --frame-cost``), which at sixty frames a second would double a frame's cost.
#: (The gradient flow's row, 0.05 ms, travels every frame: a point an epoch.)
EVERY_S = 0.1


class Views:
    """What the shown views need each frame, and the page's choices for them."""

    def __init__(self):
        self.shown: frozenset[str] = frozenset()
        #: The hidden layer the hidden space shows; None: the last one, which the
        #: output layer reads as a straight line (the one to watch untangle).
        self.layer: int | None = None
        #: The decision threshold on the output's colour scale (0: the output's own).
        self.threshold = 0.0
        #: Seconds between two frames that carry the views (tests set 0).
        self.every_s = EVERY_S
        self._at = -math.inf  # when the views were last sent

    def changed(self) -> None:
        """Send the views with the next frame (a new scene, a new choice)."""
        self._at = -math.inf

    def scene(self, session: Session) -> dict:
        """What the stage needs to lay the views out."""
        plan = session.plan
        hidden = session.model.sizes[1:-1]
        layer = self.layer_of(session)
        return {
            "shown": [n for n in VIEWS if n in self.shown],
            "labels": {n: v.label for n, v in VIEWS.items()},
            "layer": layer,
            "layer_units": hidden[layer] if hidden else 0,
            "layers": len(session.model.sizes) - 1,
            "bins": BINS,
            "mesh": MESH,
            "classes": plan.n_classes if plan.is_classification else 0,
            "names": session.class_names(),
            "layer_colors": list(LAYER_COLORS[: len(session.model.sizes) - 1]),
        }

    def sections(self, session: Session, maps: list[np.ndarray], grid: int) -> dict:
        """The sections of the shown views, at most every ``every_s`` seconds
        (the browser keeps the last); ``maps`` are the frame's layer maps over
        the ``grid`` x ``grid`` heatmap grid (reused: no second pass)."""
        out: dict[Section, np.ndarray] = {}
        if not self.shown:
            return out
        # Every unit's value at every training point, once a frame for the views
        # that read it (the gradient flow's dead units, the hidden space's points).
        seen = cache(lambda: training_outputs(session))
        if "gradients" in self.shown:  # every frame: a point an epoch on its curves
            row = gradient_row(session, seen)
            if row is not None:
                out[Section.GRADIENTS] = row
        now = time.monotonic()
        if now - self._at < self.every_s:
            return out
        self._at = now
        if "hidden_space" in self.shown:
            out.update(self._hidden_space(session, maps, grid, seen))
        if "histograms" in self.shown:
            out[Section.HISTOGRAMS] = histograms(session)
        if "metrics" in self.shown and session.plan.is_classification:
            out.update(self._metrics(session))
        return out

    def layer_of(self, session: Session) -> int:
        """The hidden layer shown (0 if there is none)."""
        n = len(session.model.sizes) - 2
        return max(0, n - 1 if self.layer is None else min(self.layer, n - 1))

    # ------------------------------------------------------------- the views
    def _hidden_space(self, session: Session, maps: list[np.ndarray], grid: int, seen) -> dict:
        if len(session.model.sizes) < 3:
            return {}
        layer = self.layer_of(session)
        units = maps[layer][:2]  # (2 or 1, grid, grid): the first two units
        step = (grid - 1) / (MESH - 1)
        pick = np.round(np.arange(MESH) * step).astype(int)
        mesh = units[:, pick][:, :, pick]  # (u, MESH, MESH), row 0 at the top
        if len(mesh) == 1:  # one unit: its value against nothing (a line)
            mesh = np.concatenate([mesh, np.zeros_like(mesh)])
        labels, outputs = seen()
        if outputs:
            xy = outputs[layer][:2]
            if len(xy) == 1:
                xy = np.concatenate([xy, np.zeros_like(xy)])
            points = np.column_stack([xy[0], xy[1], labels])
        else:
            points = np.zeros((0, 3))
        return {
            Section.HIDDEN_MESH: np.stack([mesh[0], mesh[1]], axis=-1).ravel(),
            Section.HIDDEN_POINTS: points.ravel(),
        }

    def _metrics(self, session: Session) -> dict:
        test = session.examples("test")
        if test is None or not len(test[0]):
            return {}
        X, y = test
        y = np.asarray(y, dtype=np.int64)
        plan = session.plan
        out = session.predict("test")  # (the test side as fed: standardized once)
        facts = plan.output_facts
        k = plan.n_classes
        if k == 2:
            score = mx.positive_scores(out, plan.output)
            cut = facts.threshold + self.threshold / facts.gain  # scale -> output units
            guess = (score >= cut).astype(np.int64)
        else:
            guess = mx.predicted_classes(out, plan.output)
        report = mx.classification_report(y, guess, k)
        sections = {
            Section.CONFUSION: np.asarray(report["confusion_matrix"], dtype=np.float64).ravel(),
            Section.PER_CLASS: np.concatenate(
                [report["precision"], report["recall"], report["f1"]]
            ),
        }
        if k == 2:
            fpr, tpr, _ = mx.roc_curve(y, score)
            at_fpr = np.mean(guess[y == 0]) if (y == 0).any() else 0.0
            at_tpr = np.mean(guess[y == 1]) if (y == 1).any() else 0.0
            head = [mx.auc(fpr, tpr), at_fpr, at_tpr, self.threshold]
            sections[Section.ROC] = np.concatenate([head, np.column_stack([fpr, tpr]).ravel()])
        return sections

    def rescale(self, grid: np.ndarray) -> np.ndarray:
        """The heatmap (on the ±1 colour scale) recoloured at the decision
        threshold: the threshold becomes the neutral middle, each side keeps
        its own range."""
        t = self.threshold
        if t == 0.0:
            return grid
        return np.where(grid >= t, (grid - t) / (1 - t), (grid - t) / (1 + t))


def training_outputs(session: Session) -> tuple[np.ndarray, list[np.ndarray]]:
    """The training points' labels and every layer's ``(units, points)`` values
    there ([] without training points)."""
    X, labels = session.examples("train")
    return labels, session.model.layer_outputs(session.inputs(X)) if len(X) else []


def gradient_row(session: Session, seen) -> np.ndarray | None:
    """GRADIENTS for the last finished epoch (None before the first): per layer
    the mean norm of its weight gradient, the update-to-weight ratio (learning
    rate x gradient / weights) and how many of its units are 0 on every
    training point (dead ReLUs; none counted for the output layer). ``seen()``
    gives :func:`training_outputs`."""
    norms = session.gradient_norms
    if not norms:
        return None
    model = session.model
    rate = model.current_learning_rate
    _, outputs = seen()
    row = [float(session.epoch)]
    # pieces=True: the gradient norm covers both pieces of a maxout unit, so must the size.
    for layer, ((W, _), g) in enumerate(zip(model.get_weights(pieces=True), norms)):
        size = float(np.linalg.norm(W))
        hidden = layer < len(norms) - 1 and len(outputs)
        dead = int((np.abs(outputs[layer]).max(axis=1) == 0).sum()) if hidden else 0
        row += [g, rate * g / size if size else 0.0, dead]
    return np.array(row)


def histograms(session: Session) -> np.ndarray:
    """Per layer (input side first): its largest |weight|, then BINS counts of
    its weights over [-largest, +largest] (HISTOGRAMS)."""
    rows = []
    for W, _ in session.model.get_weights(pieces=True):  # every weight, both maxout pieces
        w = np.asarray(W, dtype=np.float64).ravel()
        top = float(np.abs(w).max()) if w.size and np.isfinite(w).all() else 1.0
        top = top or 1.0
        # (a bincount: np.histogram took 30 us a layer, this 5)
        where = np.clip(((w + top) * (BINS / (2 * top))).astype(np.int64), 0, BINS - 1)
        counts = np.bincount(where, minlength=BINS)
        rows.append(np.concatenate([[top], counts]))
    return np.concatenate(rows).astype(np.float32)
