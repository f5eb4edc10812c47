"""Colours and type for the page, chosen once.

The diverging palette runs from orange (negative) through a light neutral to
blue (positive), as in the TensorFlow Playground: orange and blue stay
distinguishable under the common colour-vision deficiencies (deuteranopia,
protanopia, tritanopia), and a projector's washed-out contrast still leaves
the two ends far apart. Bokeh's ``interp_palette`` builds the 256 steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bokeh.palettes import interp_palette

NEGATIVE = "#f59322"  # orange: class -1, negative weights
POSITIVE = "#0877bd"  # blue: class +1, positive weights
#: Loss curves: test solid and dark, training dashed and grey (page, export).
TEST_COLOR = "#111111"
TRAIN_COLOR = "#8c8c8c"
#: The decision-boundary heatmap is drawn a little transparent so the points on it
#: stand out (page and export alike).
HEAT_ALPHA = 0.7
#: Distinct colours for the classes of the multi-class sets (Okabe-Ito, colour-blind safe).
CLASS_COLORS = ("#e69f00", "#0072b2", "#009e73", "#cc79a7", "#d55e00")


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

    def px(self, pixels: float) -> int:
        """``pixels`` at this theme's scale."""
        return int(round(pixels * self.scale))

    def font(self, pixels: float) -> str:
        """A Bokeh font size of ``pixels`` at this theme's scale."""
        return f"{pixels * self.scale:.0f}px"

    @property
    def palette(self) -> tuple[str, ...]:
        """256 colours from orange (-1) through ``neutral`` (0) to blue (+1)."""
        return tuple(interp_palette((NEGATIVE, self.neutral, POSITIVE), 256))


LIGHT = Theme("light", "#ffffff", "#f7f7f7", "#212121", "#666666", "#d9d9d9", "#e8eaeb")
DARK = Theme("dark", "#15171a", "#1f2226", "#ececec", "#a0a0a0", "#3a3f45", "#3b3f44")
THEMES = {t.name: t for t in (LIGHT, DARK)}


def class_colors(kind: str, n_classes: int) -> tuple[str, ...]:
    """Colour of each class index (binary: index 0 is label -1, orange)."""
    return (NEGATIVE, POSITIVE) if kind == "binary" else CLASS_COLORS[:n_classes]


def with_tip(widget, text: str):
    """``widget`` with a one-sentence tooltip icon beside it (for widget types
    that have no ``description`` of their own, such as check boxes)."""
    import panel as pn

    return pn.Row(widget, pn.widgets.TooltipIcon(value=text, margin=(8, 0)))


def presenter(theme: Theme, scale: float = 1.35) -> Theme:
    """``theme`` for a projector: larger plots, thicker lines, bigger figure text."""
    return replace(theme, scale=scale)
