"""What the MNIST page's stage shows, built from a Session: its scene and frames.

The same two kinds of message as the 2-D page (:mod:`scene`): a JSON *scene*
when what is drawn changes (the colour tables, how many weight images, whether
they are class templates, which parts are shown) and a binary *frame*
(:mod:`frame`) with the numbers. Every frame carries the counter, the progress
through the epoch, the readouts and the new loss rows; the weight images, the
confusion counts with the per-class table, and the gallery's digits with their
guesses travel only when they have changed, and the browser keeps the last.

The confusion matrix, the per-class table and the gallery are drawn from one
:class:`TestPass`, so a cell that says 20 digits opens a gallery of those 20.

Panel-free: the tests build frames from a Session and read them back.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from playground.experiment import Session
from playground.experiment.metrics import classification_report
from playground.ui.conv_frames import (
    conv_scene,
    feature_map_images,
    filter_images,
    map_digits,
    summary_rows,
)
from playground.ui.frame import Section, pack, quantize
from playground.ui.scene import LossRows
from playground.ui.theme import Theme, count_rgb, grey_rgb, palette_rgb, stage_colors

#: Side of an MNIST image.
SIDE = 28
#: Weight images shown at most (the first units of the first layer).
MAX_UNITS = 32
#: The gallery's grid.
GALLERY_COLS, GALLERY_ROWS = 8, 3
#: Training images shown beside their augmented copies (augment on).
AUGMENTED_SHOWN = 8
#: The outline of a digit the network gets wrong (the gallery).
MISTAKE = "#d62728"
#: The parts an embedded MNIST page's ``show=`` picks among, drawn by the stage.
DIGIT_PARTS = ("network", "data", "output", "loss")
#: What ``hide=`` can take away inside the MNIST stage: the pin buttons.
DIGIT_HIDEABLE = ("pins",)


class TestPass(NamedTuple):
    """The test set as the network saw it at one moment: every test-set view is
    drawn from one of these, never from a forward pass of its own."""

    images: np.ndarray
    labels: np.ndarray
    probs: np.ndarray
    guess: np.ndarray

    @classmethod
    def of(cls, session: Session) -> TestPass:
        images, labels = session.examples("test")
        probs = session.predict("test")
        return cls(images, labels.astype(int), probs, probs.argmax(axis=1))

    def pick(self, cell: tuple[int, int] | None, mistakes: bool) -> tuple[np.ndarray, np.ndarray]:
        """The indices the gallery shows (all, the mistakes, or one cell of the
        confusion matrix) and the PICK section saying which."""
        every = np.arange(len(self.guess))
        if cell is not None:
            true, pred = cell
            chosen = every[(self.labels == true) & (self.guess == pred)]
            kind = (2, true, pred)
        elif mistakes:
            chosen = every[self.guess != self.labels]
            kind = (1, -1, -1)
        else:
            chosen, kind = every, (0, -1, -1)
        return chosen, np.array([*kind, len(chosen), len(self.guess)], dtype=np.float64)


def weight_images(W: np.ndarray) -> np.ndarray:
    """The first MAX_UNITS units' weights, ``(units, 784)``, each scaled to its
    largest magnitude and quantized (0 is -1, 255 is +1)."""
    W = np.asarray(W[:MAX_UNITS], dtype=np.float32)
    scale = np.abs(W).max(axis=1, keepdims=True)
    return quantize(W / np.where(scale > 0, scale, 1.0)).ravel()


def guesses(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Rows true label, the top-3 digits, their probabilities (GUESSES)."""
    order = np.argsort(-probs, axis=1)[:, :3]
    top = np.take_along_axis(probs, order, axis=1)
    return np.column_stack([labels, order, top]).astype(np.float64).ravel()


class DigitFrames:
    """Turns one MNIST page's Session into scenes and frames, remembering what
    the browser already has (the scene, the loss rows) and what changed since
    (weights, the test-set views)."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.parts: tuple[str, ...] = DIGIT_PARTS
        #: What ``hide=`` takes away inside the stage (DIGIT_HIDEABLE).
        self.hidden: frozenset[str] = frozenset()
        self._palette = palette_rgb(theme).ravel().tolist()
        self._grey = grey_rgb().ravel().tolist()
        self._counts = count_rgb().ravel().tolist()
        self._key: tuple | None = None
        self._scene_id = 0
        self.losses = LossRows()
        self._due: dict[Section, np.ndarray] = {}
        #: A conv net's feature maps are drawn for this test digit and for the
        #: pad's digit (None: nothing drawn), both set by the page.
        self.map_digit = 0
        self.pad_image: np.ndarray | None = None

    # ----------------------------------------------------------------- scenes
    def invalidate(self) -> None:
        """Send a whole new scene with the next frame (a new browser, new parts)."""
        self._key = None

    def resync(self) -> None:
        """The browser lost track of the loss rows: send them all again."""
        self.losses.resync()

    def scene(self, session: Session) -> dict | None:
        """A new scene if what is drawn has changed since the last one, else None."""
        model = session.model
        sizes = model.sizes
        summary = summary_rows(model)  # it names every layer's shape and kind
        augment = list(session.config.augment)
        key = (str(summary), str(augment), self.parts, self.hidden, *self.losses.key(session))
        if key == self._key:
            return None
        self._key = key
        self._scene_id = self._scene_id % 0xFFFF + 1
        self.losses.resync()
        t = self.theme
        templates = len(sizes) == 2 and not model.conv  # the weights are class templates
        return {
            "type": "scene",
            "id": self._scene_id,
            "side": SIDE,
            # a conv net's first dense layer reads maps, not pixels: its filters instead
            "units": 0 if model.conv else min(sizes[1], MAX_UNITS),
            "summary": summary,
            "conv": conv_scene(model),
            "augment": augment,
            "augmented": AUGMENTED_SHOWN,
            "layer_units": sizes[1],
            "templates": templates,
            "n_classes": sizes[-1],
            "gallery": [GALLERY_COLS, GALLERY_ROWS],
            "lut": self._palette,
            "grey_lut": self._grey,
            "count_lut": self._counts,
            "colors": {**stage_colors(t), "mistake": MISTAKE},
            "chance": math.log(sizes[-1]),
            "scale": t.scale,
            "parts": list(self.parts),
            "hide": sorted(self.hidden),
            **self.losses.scene(session),
        }

    # ------------------------------------------------------- what has changed
    def weights_changed(self, session: Session) -> None:
        """Send the weight images (a conv net's filters and feature maps) with the next frame."""
        model = session.model
        if not model.conv:
            self._due[Section.WEIGHT_IMAGES] = weight_images(model.get_weights()[0][0])
            return
        self._due[Section.FILTERS] = filter_images(model)
        self.maps_changed(session)

    def augmented_changed(self, session: Session) -> None:
        """Send a few training images and their augmented copies (as this epoch
        trains on them) with the next frame; nothing while augmentation is off."""
        originals, augmented = session.augmented_examples(AUGMENTED_SHOWN)
        if len(originals):
            both = np.concatenate([originals, augmented])
            self._due[Section.AUGMENTED] = quantize(both, 0.0, 1.0).ravel()

    def maps_changed(self, session: Session) -> None:
        """Send a conv net's feature maps of the chosen test digit and the pad's
        digit (one ``feature_maps`` call for both) with the next frame."""
        model = session.model
        test = session.examples("test")
        if not model.conv or test is None:
            return
        X, labels = test
        if not 0 <= self.map_digit < len(X):  # a smaller test set since it was picked
            self.map_digit = 0
        images, index, true = (
            X[self.map_digit][None],
            [self.map_digit],
            [int(labels[self.map_digit])],
        )
        if self.pad_image is not None:
            images = np.vstack([images, self.pad_image[None].astype(images.dtype)])
            index, true = [*index, -1], [*true, -1]
        inputs = session.inputs(images)  # (standardized, when that knob says so)
        self._due[Section.FEATURE_MAPS] = feature_map_images(model, images, inputs)
        self._due[Section.MAP_DIGITS] = map_digits(model, inputs, index, true)

    def test_pass_changed(self, test: TestPass) -> None:
        """Send the confusion counts and the per-class table of ``test``."""
        m = classification_report(test.labels, test.guess, test.probs.shape[1])
        self._due[Section.CONFUSION] = np.asarray(m["confusion_matrix"], dtype=np.float64).ravel()
        self._due[Section.PER_CLASS] = np.concatenate([m["precision"], m["recall"], m["f1"]])

    def gallery_changed(self, test: TestPass, cell: tuple[int, int] | None, mistakes: bool):
        """Send the gallery: the first digits of what ``cell``/``mistakes`` pick."""
        chosen, pick = test.pick(cell, mistakes)
        shown = chosen[: GALLERY_COLS * GALLERY_ROWS]
        self._due[Section.GALLERY] = quantize(test.images[shown], 0.0, 1.0).ravel()
        self._due[Section.GUESSES] = guesses(test.probs[shown], test.labels[shown])
        self._due[Section.PICK] = pick
        self._due[Section.GALLERY_INDEX] = shown.astype(np.float64)

    # ----------------------------------------------------------------- frames
    def frame(self, session: Session, number: int) -> bytes:
        """The frame showing ``session`` now (call :meth:`scene` first)."""
        sections: dict[Section, np.ndarray] = {
            Section.PROGRESS: np.array([session.epoch_progress], dtype=np.float64)
        }
        sections.update(self.losses.sections(session))
        sections.update(self._due)
        self._due = {}
        return pack(number, session.epoch, self._scene_id, sections)
