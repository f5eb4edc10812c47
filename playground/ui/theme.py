"""Colours and type for the page, chosen once.

The diverging palette runs from orange (negative) through a light neutral to
blue (positive), as in the TensorFlow Playground: orange and blue stay
distinguishable under the common colour-vision deficiencies (deuteranopia,
protanopia, tritanopia), and a projector's washed-out contrast still leaves
the two ends far apart. Bokeh's ``interp_palette`` builds the 256 steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from bokeh.palettes import Blues256, interp_palette

NEGATIVE = "#f59322"  # orange: class -1, negative weights
POSITIVE = "#0877bd"  # blue: class +1, positive weights
#: Loss curves: test solid and dark, training dashed and grey (page, export).
TEST_COLOR = "#111111"
TRAIN_COLOR = "#8c8c8c"
#: The validation curve: its own hue, apart from the classes' orange and blue.
VALIDATION_COLOR = "#9b4dca"
#: The decision-boundary heatmap is drawn a little transparent so the points on it
#: stand out (page and export alike).
HEAT_ALPHA = 0.7
#: Distinct colours for the classes of the multi-class sets (Okabe-Ito, colour-blind safe).
CLASS_COLORS = ("#e69f00", "#0072b2", "#009e73", "#cc79a7", "#d55e00")
#: One colour per layer (the gradient-flow curves), input side first: Okabe-Ito's
#: other colours after the classes', so nine layers stay apart.
LAYER_COLORS = (*CLASS_COLORS, "#56b4e9", "#8c6d31", "#7f7f7f", "#b2182b")


@dataclass(frozen=True)
class Theme:
    """One look of the page (light for a bright room, dark for a dim one)."""

    name: str
    background: str
    panel: str
    text: str
    muted: str
    grid: str
    neutral: str  # the palette's midpoint: value 0
    #: Size of plots, lines, points and figure text (presenter mode: larger).
    scale: float = 1.0

    @property
    def quiet_button(self) -> str:
        """The Bokeh button type of a secondary control (a radio group, a
        download): "light" is a white button, a glare on the dark page."""
        return "light" if self.name == "light" else "default"

    @property
    def palette(self) -> tuple[str, ...]:
        """256 colours from orange (-1) through ``neutral`` (0) to blue (+1)."""
        return tuple(interp_palette((NEGATIVE, self.neutral, POSITIVE), 256))


LIGHT = Theme("light", "#ffffff", "#f7f7f7", "#212121", "#666666", "#d9d9d9", "#e8eaeb")
DARK = Theme("dark", "#15171a", "#1f2226", "#ececec", "#a0a0a0", "#3a3f45", "#3b3f44")
THEMES = {t.name: t for t in (LIGHT, DARK)}


#: How much of a class's colour a certain pixel of the multi-class output takes
#: (the rest is background): full colour would hide the points drawn on it.
CLASS_STRENGTH = 0.85


def rgb(hex_color: str) -> np.ndarray:
    """``#rrggbb`` as three float32 channel values 0..255."""
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


@cache
def palette_rgb(theme: Theme) -> np.ndarray:
    """The diverging palette as a ``(256, 3)`` uint8 table (neuron maps, edges).
    (The tables are made once per theme and shared by every page; read only.)"""
    return _frozen(np.stack([rgb(c) for c in theme.palette]).astype(np.uint8))


@cache
def grey_rgb() -> np.ndarray:
    """MNIST digits' ``(256, 3)`` table: 0 black paper to 255 white ink, as the
    data set is usually shown (the same on every theme)."""
    ramp = np.arange(256, dtype=np.uint8)
    return _frozen(np.stack([ramp, ramp, ramp], axis=1))


@cache
def count_rgb() -> np.ndarray:
    """The confusion matrix's ``(256, 3)`` table: from light to dark blue as a
    count grows (log scale, drawn by the stage); an empty cell takes the theme's
    panel colour instead, not a glare of near-white on the dark page."""
    return _frozen(np.stack([rgb(c) for c in Blues256[::-1]]).astype(np.uint8))


@cache
def heat_rgb(theme: Theme) -> np.ndarray:
    """The output heatmap's ``(256, 3)`` table: the palette drawn at HEAT_ALPHA
    over the background, so the points on it stand out."""
    table = np.stack([rgb(c) for c in theme.palette])
    return _frozen(_over(table, rgb(theme.background), HEAT_ALPHA))


def class_strength(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The winning class of each pixel of ``probs`` ``(classes, ...)`` and how sure
    the network is, 0 (a guess, 1/k) to 1 (certain)."""
    k = probs.shape[0]
    conf = probs.max(axis=0)
    return probs.argmax(axis=0), np.clip((conf - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)


def class_mix(classes: np.ndarray, strength: np.ndarray, theme: Theme, n_classes: int):
    """RGB (float) of each pixel of the multi-class output: its class's colour,
    ``strength`` 0..1 of the way from the background (before HEAT_ALPHA)."""
    back = rgb(theme.background)
    colors = np.stack([rgb(c) for c in class_colors("multiclass", n_classes)])
    s = (np.asarray(strength, dtype=np.float32) * CLASS_STRENGTH)[..., None]
    return back * (1 - s) + colors[classes] * s


@cache
def class_rgb(theme: Theme, n_classes: int) -> np.ndarray:
    """The multi-class heatmap's ``(n_classes * 256, 3)`` table: row ``k * 256 + s``
    is class ``k`` at strength ``s`` (0 is a guess, 255 certainty), at HEAT_ALPHA."""
    classes, steps = np.divmod(np.arange(n_classes * 256), 256)
    mixed = class_mix(classes, steps / 255.0, theme, n_classes)
    return _frozen(_over(mixed, rgb(theme.background), HEAT_ALPHA))


def _frozen(table: np.ndarray) -> np.ndarray:
    table.flags.writeable = False
    return table


def _over(table: np.ndarray, back: np.ndarray, alpha: float) -> np.ndarray:
    return np.clip(back * (1 - alpha) + table * alpha + 0.5, 0, 255).astype(np.uint8)


def class_colors(kind: str, n_classes: int) -> tuple[str, ...]:
    """Colour of each class index (binary: index 0 is label -1, orange)."""
    return (NEGATIVE, POSITIVE) if kind == "binary" else CLASS_COLORS[:n_classes]


def point_colors(theme: Theme, kind: str, n_classes: int, labels: np.ndarray) -> list[str]:
    """Each point's fill (``#rrggbb``): its class's colour, or for regression its
    value on the palette (the page's thumbnails and the exporter; js/plane.js draws
    the live points by the same rule)."""
    labels = np.asarray(labels)
    if kind == "regression":
        pal = theme.palette
        idx = np.clip(((labels + 1) / 2 * 255).round().astype(int), 0, 255)
        return [pal[i] for i in idx]
    table = class_colors(kind, n_classes)
    idx = (labels > 0).astype(int) if kind == "binary" else labels.astype(int)
    return [table[int(i)] for i in idx]


def stage_colors(theme: Theme) -> dict[str, str]:
    """The colours a live stage draws with (both pages' scenes send these; the
    stage sets them as CSS variables): the theme's, and the curves' test and
    training colours (the test curve takes the text colour on the dark page) and
    the validation colour."""
    return {
        "background": theme.background,
        "panel": theme.panel,
        "text": theme.text,
        "muted": theme.muted,
        "grid": theme.grid,
        "test": theme.text if theme.name == "dark" else TEST_COLOR,
        "train": TRAIN_COLOR,
        "validation": VALIDATION_COLOR,
    }


def format_loss(value: float | None) -> str:
    """A loss as the page and the exporter write it: three decimals, or four
    significant digits once it is large (a diverging 9.5e+301, not 300 digits).
    js/core.js's ``fmtLoss`` follows the same rule."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:.4g}"


def with_tip(widget, text: str):
    """``widget`` with a one-sentence tooltip icon beside it (for widget types
    that have no ``description`` of their own, such as check boxes)."""
    import panel as pn

    return pn.Row(widget, pn.widgets.TooltipIcon(value=text, margin=(8, 0)))


def presenter(theme: Theme, scale: float = 1.35) -> Theme:
    """``theme`` for a projector: larger plots, thicker lines, bigger figure text."""
    return replace(theme, scale=scale)
