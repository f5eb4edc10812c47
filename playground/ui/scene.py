"""What the 2-D page's stage shows, built from a Session: the scene and the frames.

A *scene* (JSON, rare) says what is drawn where: the inputs with their labels,
the layer sizes, the colour tables of the theme, the problem kind, which parts
are shown. A *frame* (:mod:`frame`, every update) carries the numbers: the
output grid, every drawn neuron's map, the weights and biases, the readouts,
the loss rows the browser has not had yet, and the points when they changed.

The browser recomputes no colour and no layout rule of its own beyond
geometry: every colour comes from the tables here (theme.py), so the light,
dark and presenter looks stay in one place.

Panel-free: the tests build frames from a Session and read them back.
"""

from __future__ import annotations

import math

import numpy as np

from playground.data import FEATURES, feature_matrix, grid_points
from playground.data.features import EXTENT
from playground.experiment import Session
from playground.ui.frame import (
    HISTORY_COLUMNS,
    POINT_SIDES,
    READOUT_COLUMNS,
    Section,
    pack,
    quantize,
)
from playground.ui.inside import Views
from playground.ui.pins import LABEL as PIN_LABEL
from playground.ui.pins import MAX_PINS, Pins
from playground.ui.theme import (
    Theme,
    class_colors,
    class_rgb,
    class_strength,
    heat_rgb,
    palette_rgb,
    stage_colors,
)

#: Resolution of the output heatmap; each neuron's map takes every 4th pixel.
GRID = 100
THUMB_STEP = 4
MAP_RES = GRID // THUMB_STEP
#: Neurons drawn per layer; wider layers show the first ones and a count.
SHOWN_UNITS = 8
#: The parts of the page the stage draws (an embedded page's ``show=`` picks among them).
STAGE_PARTS = ("network", "output", "loss")
#: What ``hide=`` can take away inside the stage: the layer and neuron buttons,
#: the weight editor, the inputs that are switched off, and the pin buttons.
STAGE_HIDEABLE = ("layers", "editor", "features", "pins")


def feature_tiles(resolution: int) -> np.ndarray:
    """Every input feature over the grid, scaled into [-1, 1] for display,
    ``(n_features, res, res)`` with row 0 at the top."""
    values = feature_matrix(grid_points(resolution), list(FEATURES)).T
    peak = np.abs(values).max(axis=1, keepdims=True)
    return (values / np.where(peak > 0, peak, 1.0)).reshape(-1, resolution, resolution)


class LossRows:
    """The loss rows the browser has, so each frame carries only the new ones,
    the readouts, and what else the charts show: the validation curve, the
    baselines beside the readouts and the pinned runs (both pages' stages draw
    them alike, in core.js)."""

    def __init__(self):
        self.sent = 0
        self.pins = Pins()

    def key(self, session: Session) -> tuple:
        """What the charts' part of a scene depends on (a new scene when it changes)."""
        base = session.baselines()
        labels = tuple(self.pins.labels(session.config))
        return (session.config.validation_ratio > 0, tuple(base.items()), self.pins.version, labels)

    def scene(self, session: Session) -> dict:
        """The charts' part of a scene: whether there is a validation curve, the
        baselines, and the pinned runs with their labels."""
        return {
            "validation": session.config.validation_ratio > 0,
            "baselines": session.baselines(),
            "pins": self.pins.scene(session.config),
            "pin_label": PIN_LABEL,
            "max_pins": MAX_PINS,
        }

    def resync(self) -> None:
        """Send every row again with the next frame (a new scene, the browser asked)."""
        self.sent = 0

    def sections(self, session: Session) -> dict[Section, np.ndarray]:
        """HISTORY (the rows the browser has not had; empty once after a reset,
        so it clears its curves) and READOUT (the last losses and accuracies,
        and where the rows start)."""
        out: dict[Section, np.ndarray] = {}
        history = session.history
        if len(history) < self.sent:  # cleared (reset, new network)
            self.sent = 0
        start = self.sent
        if len(history) > start:
            cols = [history.column(k, start) for k in HISTORY_COLUMNS]
            out[Section.HISTORY] = np.stack(cols, axis=1).ravel()
            self.sent = len(history)
        elif start == 0:
            out[Section.HISTORY] = np.zeros(0)
        last = {**(session.current or {}), "start": start}
        out[Section.READOUT] = np.array([_number(last.get(k)) for k in READOUT_COLUMNS])
        return out


class FrameBuilder:
    """Turns one page's Session into scenes and frames, remembering what the
    browser already has (the scene, the loss rows, the points)."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.parts: tuple[str, ...] = STAGE_PARTS
        self.hidden: frozenset[str] = frozenset()
        self.show_test = False
        self.discretize = False
        #: The views inside the network the page shows (none: they cost nothing).
        self.views = Views()
        self._tiles = quantize(feature_tiles(MAP_RES))
        self._lut = palette_rgb(theme).ravel().tolist()
        self._heat_lut = heat_rgb(theme).ravel().tolist()
        self._key: tuple | None = None
        self._scene_id = 0
        self.losses = LossRows()
        self._points_due = True
        self._tiles_due = True

    # ----------------------------------------------------------------- scenes
    def invalidate(self) -> None:
        """Send a whole new scene with the next frame (a new browser, new options)."""
        self._key = None

    def points_changed(self) -> None:
        self._points_due = True

    def resync(self) -> None:
        """The browser lost track of the loss rows: send them all again."""
        self.losses.resync()

    def scene(self, session: Session) -> dict | None:
        """A new scene if what is drawn where has changed since the last one, else None."""
        plan = session.plan
        sizes = session.model.sizes
        key = (
            sizes,
            tuple(session.config.features),
            plan.kind,
            plan.n_classes,
            self.parts,
            self.hidden,
            self.show_test,
            self.views.shown,
            self.views.layer,
            *self.losses.key(session),
        )
        if key == self._key:
            return None
        self._key = key
        self._scene_id = self._scene_id % 0xFFFF + 1
        self.losses.resync()
        self.views.changed()
        self._points_due = self._tiles_due = True
        t = self.theme
        active = set(session.config.features)
        lo, hi = session.config.param["hidden"].item_bounds
        n_classes = plan.n_classes if plan.kind == "multiclass" else 2
        return {
            "type": "scene",
            "id": self._scene_id,
            "kind": plan.kind,
            "n_classes": plan.n_classes,
            "res": GRID,
            "mres": MAP_RES,
            "extent": EXTENT,
            "shown": SHOWN_UNITS,
            "features": [
                {"name": n, "label": f.label, "on": n in active}
                for n, f in FEATURES.items()
                if n in active or "features" not in self.hidden
            ],
            "layers": list(sizes[1:]),
            "max_layers": session.config.param["hidden"].bounds[1],
            "item_bounds": [lo, hi],
            "lut": self._lut,
            "heat_lut": self._heat_lut,
            "class_lut": class_rgb(t, n_classes).ravel().tolist()
            if plan.kind == "multiclass"
            else None,
            "class_colors": list(class_colors(plan.kind, n_classes)),
            "colors": stage_colors(t),
            "chance": None,
            "scale": t.scale,
            "show_test": self.show_test,
            "hide": sorted(self.hidden),
            "parts": list(self.parts),
            "views": self.views.scene(session),
            **self.losses.scene(session),
        }

    # ----------------------------------------------------------------- frames
    def frame(self, session: Session, number: int) -> bytes:
        """The frame showing ``session`` now (call :meth:`scene` first)."""
        plan = session.plan
        maps = session.layer_maps(GRID)
        sections: dict[Section, np.ndarray] = {
            **self.views.sections(session, maps, GRID),
            Section.HEAT: self._heat(maps[-1], plan),
            Section.MAPS: quantize(
                np.concatenate([m[:SHOWN_UNITS, ::THUMB_STEP, ::THUMB_STEP].ravel() for m in maps])
            ),
        }
        weights = session.model.get_weights()
        sections[Section.WEIGHTS] = np.concatenate(
            [W[:SHOWN_UNITS, :SHOWN_UNITS].ravel() for W, _ in weights]
        )
        sections[Section.BIASES] = np.concatenate([b[:SHOWN_UNITS] for _, b in weights])
        sections.update(self.losses.sections(session))
        if self._points_due:
            side = np.where(session.is_train, POINT_SIDES["train"], POINT_SIDES["test"])
            side[session.is_validation] = POINT_SIDES["validation"]
            sections[Section.POINTS] = np.column_stack(
                [session.points, session.labels, side]
            ).ravel()
            self._points_due = False
        if self._tiles_due:
            sections[Section.TILES] = self._shown_tiles(session)
            self._tiles_due = False
        return pack(number, session.epoch, self._scene_id, sections)

    def _shown_tiles(self, session: Session) -> np.ndarray:
        names = list(FEATURES)
        if "features" in self.hidden:
            active = set(session.config.features)
            keep = [i for i, n in enumerate(names) if n in active]
            return self._tiles[keep].ravel()
        return self._tiles.ravel()

    def _heat(self, out: np.ndarray, plan) -> np.ndarray:
        """The output grid as uint8: the -1..1 value, or for several classes the
        winning class and how sure (0 a guess, 255 certain) as two planes."""
        if plan.kind == "multiclass":
            win, strength = class_strength(plan.output_facts.class_probabilities(out))
            if self.discretize:
                strength = np.ones_like(strength)
            return np.concatenate([win.astype(np.uint8).ravel(), quantize(strength, 0, 1).ravel()])
        grid = plan.output_facts.to_scale(out)  # on the -1..1 colour scale
        if plan.kind == "binary" and "metrics" in self.views.shown:
            grid = self.views.rescale(grid)  # the decision at the chosen threshold
        if self.discretize:
            grid = np.sign(grid) if plan.kind == "binary" else np.round(grid * 2) / 2
        return quantize(grid).ravel()


def _number(value) -> float:
    return math.nan if value is None else float(value)
