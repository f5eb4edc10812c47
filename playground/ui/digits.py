"""What the MNIST page shows: weight images, confusion matrix, gallery, drawing pad.

Each view is one Bokeh figure fed by one or two ColumnDataSources, so a redraw
is a data update, never a new plot.
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
    TapTool,
)
from bokeh.palettes import Blues256, Greys256
from bokeh.plotting import figure

from playground.data.drawing import strokes_to_mnist
from playground.ui.theme import Theme

SIDE = 28
MISTAKE = "#d62728"


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


class WeightImages(pn.viewable.Viewer):
    """Each first-layer unit's 784 weights as a 28x28 image (orange < 0 < blue).

    With no hidden layer the first layer *is* the output layer: the ten images
    are the class templates the softmax regression has learned.
    """

    COLS = 8
    MAX_UNITS = 32

    def __init__(self, theme: Theme):
        super().__init__()
        self.mapper = LinearColorMapper(palette=theme.palette, low=-1.0, high=1.0)
        self.source = ColumnDataSource(dict(image=[], x=[], y=[], label=[]))
        self.figure = _plot(
            theme, 8 * 46, 4 * 52, (0, self.COLS * 1.1), (-4.4, 0.3), "pg-weights", min_border=0
        )
        _bare(self.figure)
        self.figure.image(
            "image", x="x", y="y", dw=1, dh=1, source=self.source, color_mapper=self.mapper
        )
        self.figure.text(
            "x",
            "y",
            "label",
            source=self.source,
            text_font_size="9px",
            text_color=theme.muted,
            y_offset=-1,
        )
        self.title = pn.pane.HTML("")

    def update(self, W: np.ndarray, *, templates: bool) -> None:
        """``W`` is the first layer's (units, 784) weight matrix."""
        W = W[: self.MAX_UNITS]
        scale = np.abs(W).max(axis=1, keepdims=True)
        W = W / np.where(scale > 0, scale, 1.0)
        k = np.arange(len(W))
        labels = [f"{i}" for i in k] if templates else [""] * len(W)
        self.source.data = dict(
            image=[_flip(w) for w in W],
            x=(k % self.COLS) * 1.1,
            y=-(k // self.COLS) * 1.1 - 1.0,
            label=labels,
        )
        what = (
            "the class templates of the softmax regression"
            if templates
            else f"the first {len(W)} units of the first hidden layer"
        )
        self.title.object = f"<b>Weights</b> <small>({what}; each scaled to its largest)</small>"

    def __panel__(self):
        if not hasattr(self, "_layout"):
            self._layout = pn.Column(self.title, self.figure)
        return self._layout


class ConfusionMatrix(pn.viewable.Viewer):
    """Test-set confusion matrix; clicking a cell shows those digits in the gallery."""

    def __init__(self, theme: Theme, on_pick: Callable[[int, int], None]):
        super().__init__()
        self._on_pick = on_pick
        # An empty cell (shade NaN) takes the theme's panel colour: the palette's
        # lightest blue is near white, a glare of empty cells on the dark page.
        self.mapper = LinearColorMapper(
            palette=Blues256[::-1], low=0, high=np.log1p(1000), nan_color=theme.panel
        )
        self.source = ColumnDataSource(
            dict(true=[], pred=[], count=[], shade=[], text=[], color=[])
        )
        fig = _plot(theme, 300, 300, (-0.5, 9.5), (9.5, -0.5), "pg-confusion")
        fig.xaxis.axis_label = "predicted"
        fig.yaxis.axis_label = "true digit"
        for ax in (fig.xaxis, fig.yaxis):
            ax.ticker = list(range(10))
            ax.major_label_text_color = theme.muted
            ax.axis_label_text_color = theme.muted
        fig.grid.visible = False
        cells = fig.rect(
            "pred",
            "true",
            0.95,
            0.95,
            source=self.source,
            fill_color={"field": "shade", "transform": self.mapper},
            line_color=None,
            selection_line_color=MISTAKE,
            selection_line_width=2,
            nonselection_fill_alpha=1.0,
        )
        fig.text(
            "pred",
            "true",
            "text",
            source=self.source,
            text_align="center",
            text_baseline="middle",
            text_font_size="9px",
            text_color="color",
            nonselection_text_alpha=1.0,
        )
        fig.add_tools(
            HoverTool(
                renderers=[cells], tooltips="@count digits @true predicted as @pred (click to see)"
            ),
            TapTool(renderers=[cells]),
        )
        self.source.selected.on_change("indices", self._picked)
        self.figure = fig

    def _picked(self, attr, old, new) -> None:
        if new:
            d = self.source.data
            self._on_pick(int(d["true"][new[0]]), int(d["pred"][new[0]]))

    def update(self, matrix: np.ndarray) -> None:
        true, pred = np.indices(matrix.shape)
        counts = matrix.ravel()
        shade = np.where(counts > 0, np.log1p(counts), np.nan)
        top = float(np.nanmax(shade)) if counts.any() else 1.0
        self.mapper.high = top  # the largest cell is the darkest, whatever the test-set size
        self.source.data = dict(
            true=true.ravel(),
            pred=pred.ravel(),
            count=counts,
            shade=shade,
            text=[str(c) if c else "" for c in counts],
            color=["#ffffff" if s > 0.6 * top else "#333333" for s in shade],
        )

    def __panel__(self):
        if not hasattr(self, "_layout"):
            self._layout = pn.Column(
                pn.pane.HTML("<b>Confusion matrix</b> <small>(test set)</small>"), self.figure
            )
        return self._layout


class DigitGallery(pn.viewable.Viewer):
    """Test digits with the network's top-3 guesses; mistakes are outlined in red."""

    COLS, ROWS = 8, 3

    def __init__(self, theme: Theme):
        super().__init__()
        self.mapper = LinearColorMapper(palette=Greys256, low=0.0, high=1.0)
        self.images = ColumnDataSource(dict(image=[], x=[], y=[]))
        self.cells = ColumnDataSource(dict(x=[], y=[], line=[], top=[], rest=[]))
        w = self.COLS * 1.3
        fig = _plot(
            theme,
            int(w * 52),
            int(self.ROWS * 1.6 * 52),
            (-0.1, w),
            (-self.ROWS * 1.6, 0.1),
            "pg-gallery",
            min_border=0,
        )
        _bare(fig)
        fig.image("image", x="x", y="y", dw=1, dh=1, source=self.images, color_mapper=self.mapper)
        fig.rect(
            "x",
            "y",
            1.08,
            1.08,
            source=self.cells,
            fill_color=None,
            line_color="line",
            line_width=2,
        )
        # Text below each image: screen y offsets grow downwards from the cell centre.
        fig.text(
            "x",
            "y",
            "top",
            source=self.cells,
            text_align="center",
            text_baseline="top",
            text_font_size="12px",
            text_font_style="bold",
            text_color=theme.text,
            y_offset=29,
        )
        fig.text(
            "x",
            "y",
            "rest",
            source=self.cells,
            text_align="center",
            text_baseline="top",
            text_font_size="10px",
            text_color=theme.muted,
            y_offset=44,
        )
        self.figure = fig
        self.title = pn.pane.HTML("")

    def update(self, images: np.ndarray, labels: np.ndarray, probs: np.ndarray, title: str) -> None:
        n = min(len(images), self.COLS * self.ROWS)
        k = np.arange(n)
        x = (k % self.COLS) * 1.3
        y = -(k // self.COLS) * 1.6 - 1.0
        order = np.argsort(-probs[:n], axis=1)[:, :3]
        top = [f"{o[0]}  {100 * p[o[0]]:.0f}%" for o, p in zip(order, probs[:n])]
        rest = [" ".join(f"{d}:{100 * p[d]:.0f}%" for d in o[1:]) for o, p in zip(order, probs)]
        wrong = order[:, 0] != labels[:n]
        self.images.data = dict(image=[_flip(im) for im in images[:n]], x=x, y=y)
        self.cells.data = dict(
            x=x + 0.5,
            y=y + 0.5,
            top=top,
            rest=rest,
            line=np.where(wrong, MISTAKE, "rgba(0,0,0,0)").tolist(),
        )
        self.title.object = title

    def __panel__(self):
        if not hasattr(self, "_layout"):
            self._layout = pn.Column(self.title, self.figure)
        return self._layout


class DrawingPad(pn.viewable.Viewer):
    """Draw a digit; see what the network makes of it, stroke by stroke.

    The strokes are preprocessed the way MNIST was (20x20 box, centred by
    mass, anti-aliased: :func:`playground.data.drawing.strokes_to_mnist`), and
    the 28x28 image the network actually sees is shown beside the pad.
    """

    def __init__(self, theme: Theme, predict: Callable[[np.ndarray], np.ndarray]):
        super().__init__()
        self._predict = predict
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
        self.strokes.on_change("data", lambda attr, old, new: self.refresh())
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

    def refresh(self) -> None:
        """Preprocess the strokes and show the class probabilities."""
        strokes = list(zip(self.strokes.data["xs"], self.strokes.data["ys"]))
        try:
            image = strokes_to_mnist(strokes)
        except ValueError as err:
            self.seen.data = dict(image=[np.zeros((SIDE, SIDE), np.float32)])
            self.probs.data.update(p=[0.0] * 10, color=["#9ecae1"] * 10)
            empty = str(err) == "the drawing is empty"
            self.answer.object = (
                "<small>Draw a digit in the white square.</small>"
                if empty
                else f"<small>{err}</small>"
            )
            return
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
