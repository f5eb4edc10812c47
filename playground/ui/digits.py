"""The MNIST page's drawing pad: the one view of that page that stays Bokeh.

It changes when a person draws, not while training runs (the per-frame views
are the page's stage, ``js/digits.js``), and Bokeh's FreehandDrawTool gives the
strokes to the server as data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import panel as pn
from bokeh.models import (
    ColumnDataSource,
    FreehandDrawTool,
    HoverTool,
    LinearColorMapper,
    Range1d,
)
from bokeh.palettes import Greys256
from bokeh.plotting import figure

from playground.data.drawing import strokes_to_mnist
from playground.ui.theme import Theme

SIDE = 28


def _flip(img784: np.ndarray) -> np.ndarray:
    """A (784,) image as a (28, 28) array with row 0 at the bottom (Bokeh's way)."""
    return np.ascontiguousarray(np.asarray(img784, dtype=np.float32).reshape(SIDE, SIDE)[::-1])


#: The drawing pad's paper (white on every theme: the digits are drawn dark on it).
PAPER = "#ffffff"


def _plot(
    theme: Theme,
    width: int,
    height: int,
    x: tuple[float, float],
    y: tuple[float, float],
    css: str | None = None,
    **more,
):
    """A figure as every view here draws one: no tools, fixed ranges (set by the
    server: auto-ranging would send each new extent back), the theme's
    background; ``more`` overrides or adds figure options."""
    options = dict(
        width=width,
        height=height,
        tools="",
        toolbar_location=None,
        x_range=Range1d(*x),
        y_range=Range1d(*y),
        background_fill_color=theme.background,
        border_fill_color=theme.background,
        css_classes=[css] if css else [],
    )
    return figure(**{**options, **more})


def _bare(fig) -> None:
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None


class DrawingPad(pn.viewable.Viewer):
    """Draw a digit; see what the network makes of it, stroke by stroke.

    The strokes are preprocessed the way MNIST was (20x20 box, centred by
    mass, anti-aliased: :func:`playground.data.drawing.strokes_to_mnist`), and
    the 28x28 image the network actually sees is shown beside the pad.
    """

    def __init__(
        self,
        theme: Theme,
        predict: Callable[[np.ndarray], np.ndarray],
        drawn: Callable[[np.ndarray | None], None] | None = None,
    ):
        super().__init__()
        self._predict = predict
        self._drawn = drawn  # told of each new drawing (None: wiped), for a conv net's maps
        #: The 28x28 image (784,) the network sees of the drawing; None while empty.
        self.image: np.ndarray | None = None
        self.strokes = ColumnDataSource(dict(xs=[], ys=[]))
        pad = _plot(theme, 220, 220, (0, 1), (0, 1), "pg-pad", background_fill_color=PAPER)
        _bare(pad)
        pad.outline_line_color = theme.grid
        lines = pad.multi_line(
            "xs",
            "ys",
            source=self.strokes,
            line_width=14,
            line_color="#111111",
            line_cap="round",
            line_join="round",
        )
        draw = FreehandDrawTool(renderers=[lines], num_objects=0)
        pad.add_tools(draw)
        pad.toolbar.active_drag = draw
        self.pad = pad
        self.seen = ColumnDataSource(dict(image=[np.zeros((SIDE, SIDE), np.float32)]))
        seen = _plot(theme, 90, 90, (0, 1), (0, 1), background_fill_color=PAPER, min_border=0)
        _bare(seen)
        seen.image(
            "image",
            x=0,
            y=0,
            dw=1,
            dh=1,
            source=self.seen,
            color_mapper=LinearColorMapper(palette=Greys256, low=0, high=1),
        )
        self.probs = ColumnDataSource(
            dict(digit=list(range(10)), p=[0.0] * 10, color=["#9ecae1"] * 10)
        )
        bars = _plot(theme, 220, 150, (-0.6, 9.6), (0, 1.05), "pg-probs")
        bars.vbar("digit", 0.8, "p", source=self.probs, color="color")
        bars.xaxis.ticker = list(range(10))
        bars.grid.visible = False
        bars.add_tools(HoverTool(tooltips="@digit: @p{0.0%}"))
        self.answer = pn.pane.HTML(
            "<small>Draw a digit in the white square.</small>", css_classes=["pg-answer"]
        )
        self.clear = pn.widgets.Button(
            label="Clear", width=80, description="Wipe the pad and draw another digit."
        )
        self.clear.on_click(lambda e: self.reset())
        self.strokes.on_change("data", lambda attr, old, new: self._stroked())
        self._layout = pn.Column(
            pn.pane.HTML("<b>Draw a digit</b>"),
            pn.Row(
                pad,
                pn.Column(pn.pane.HTML("<small>what the network sees</small>"), seen, self.clear),
            ),
            self.answer,
            bars,
        )

    def reset(self) -> None:
        self.strokes.data = dict(xs=[], ys=[])

    def _stroked(self) -> None:
        self.refresh()
        if self._drawn is not None:
            self._drawn(self.image)

    def refresh(self) -> None:
        """Preprocess the strokes and show the class probabilities."""
        strokes = list(zip(self.strokes.data["xs"], self.strokes.data["ys"]))
        try:
            image = strokes_to_mnist(strokes)
        except ValueError as err:
            self.image = None
            self.seen.data = dict(image=[np.zeros((SIDE, SIDE), np.float32)])
            self.probs.data.update(p=[0.0] * 10, color=["#9ecae1"] * 10)
            empty = str(err) == "the drawing is empty"
            self.answer.object = (
                "<small>Draw a digit in the white square.</small>"
                if empty
                else f"<small>{err}</small>"
            )
            return
        self.image = image
        p = self._predict(image)
        best = int(np.argmax(p))
        self.seen.data = dict(image=[_flip(image)])
        self.probs.data.update(
            p=p.tolist(), color=["#0877bd" if d == best else "#9ecae1" for d in range(10)]
        )
        self.answer.object = (
            f"The network says <b id='pad-answer'>{best}</b> ({100 * p[best]:.0f}% sure)"
        )

    def __panel__(self):
        return self._layout
