"""The output: the decision boundary with the data on top, and clicks that edit the data.

The heatmap is the network's output over a 100x100 grid of the plane; for two
classes and regression it goes through the diverging palette, for several
classes each pixel takes its winning class's colour, paler where the network
is unsure. Training points have a white outline, test points a dark one.
Clicking adds a point of the chosen class; with the eraser it removes the
points near the click.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import panel as pn
from bokeh.events import Tap
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper, Range1d
from bokeh.plotting import figure

from playground.data.features import EXTENT
from playground.ui.theme import HEAT_ALPHA, Theme, class_colors, with_tip

ERASER = "Eraser"
ERASE_RADIUS = 0.6


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def multiclass_image(probs: np.ndarray, colors, background: str, discretize: bool) -> np.ndarray:
    """RGBA image (uint32 view) of the winning class, faded by its probability.

    ``probs`` is ``(classes, res, res)`` with row 0 at the top.
    """
    k, res, _ = probs.shape
    win = probs.argmax(axis=0)
    conf = np.ones((res, res), np.float32) if discretize else probs.max(axis=0)
    # 1/k (a guess) shows as background, certainty as the full class colour.
    strength = np.clip((conf - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None] * 0.85
    table = np.stack([_rgb(c) for c in colors])
    rgb = _rgb(background) * (1 - strength) + table[win] * strength
    rgba = np.empty((res, res, 4), dtype=np.uint8)
    rgba[..., :3] = rgb.astype(np.uint8)
    rgba[..., 3] = 255
    return rgba[::-1].copy().view(np.uint32).reshape(res, res)


class OutputView(pn.viewable.Viewer):
    """Boundary heatmap + points + the click tools that add and erase points."""

    def __init__(self, theme: Theme, on_click: Callable[[float, float, str], None]):
        super().__init__()
        self.theme = theme
        self._on_click = on_click
        self.mapper = LinearColorMapper(palette=theme.palette, low=-1.0, high=1.0)
        self.heat = ColumnDataSource(dict(image=[np.zeros((1, 1), np.float32)]))
        self.heat_rgba = ColumnDataSource(dict(image=[np.zeros((1, 1), np.uint32)]))
        self.points = ColumnDataSource(dict(x=[], y=[], color=[], line=[], alpha=[]))
        self.show_test = pn.widgets.Checkbox(label="Show test data", value=False)
        self.discretize = pn.widgets.Checkbox(label="Discretize output", value=False)
        self.brush = pn.widgets.RadioButtonGroup(
            label="Click adds",
            options=["Orange (−1)", "Blue (+1)", ERASER],
            value="Blue (+1)",
            button_type="light",
            description="Clicking on the output adds a point of this class; the eraser "
            "removes points near the click.",
        )
        self.count = pn.pane.HTML("", margin=(0, 5))
        self.brush_row = pn.Row(pn.pane.Markdown("**Click adds:**", margin=(8, 5)), self.brush)
        self.figure = self._make_figure()
        self._layout = pn.Column(
            self.count,
            pn.pane.Bokeh(self.figure, sizing_mode="fixed"),
            pn.Row(
                with_tip(
                    self.show_test,
                    "Also draw the test points (dark outline) the network never trains on.",
                ),
                with_tip(
                    self.discretize,
                    "Show only which class wins at each spot, not how sure the network is.",
                ),
            ),
            self.brush_row,
        )

    def _make_figure(self):
        t = self.theme
        fig = figure(
            width=t.px(330),
            height=t.px(330),
            x_range=Range1d(-EXTENT, EXTENT),
            y_range=Range1d(-EXTENT, EXTENT),
            tools="",
            toolbar_location=None,
            background_fill_color=t.background,
            border_fill_color=t.background,
            outline_line_color=t.grid,
            min_border=8,
            css_classes=["pg-output"],
        )
        fig.image(
            "image",
            x=-EXTENT,
            y=-EXTENT,
            dw=2 * EXTENT,
            dh=2 * EXTENT,
            source=self.heat,
            color_mapper=self.mapper,
            global_alpha=HEAT_ALPHA,
        )
        self._rgba_renderer = fig.image_rgba(
            "image",
            x=-EXTENT,
            y=-EXTENT,
            dw=2 * EXTENT,
            dh=2 * EXTENT,
            source=self.heat_rgba,
            global_alpha=HEAT_ALPHA,
        )
        # A neuron's map, shown large while the mouse rests on it in the diagram
        # (filled in by the browser: see NetworkDiagram.link_preview).
        self.preview = ColumnDataSource(dict(image=[np.zeros((1, 1), np.float32)]))
        self.preview_renderer = fig.image(
            "image",
            x=-EXTENT,
            y=-EXTENT,
            dw=2 * EXTENT,
            dh=2 * EXTENT,
            source=self.preview,
            color_mapper=self.mapper,
            visible=False,
        )
        fig.scatter(
            "x",
            "y",
            source=self.points,
            size=6 * t.scale,
            fill_color="color",
            line_color="line",
            line_width=1.2,
            fill_alpha="alpha",
        )
        fig.grid.visible = False
        fig.axis.major_label_text_color = t.muted
        fig.axis.major_label_text_font_size = t.font(11)
        fig.axis.axis_line_color = t.grid
        fig.axis.major_tick_line_color = t.grid
        fig.axis.minor_tick_line_color = None
        fig.add_layout(
            ColorBar(
                color_mapper=self.mapper,
                width=8,
                padding=2,
                major_label_text_color=t.muted,
                background_fill_color=t.background,
            ),
            "right",
        )
        fig.on_event(Tap, self._tapped)
        return fig

    def _tapped(self, event) -> None:
        if event.x is None or event.y is None:
            return
        self._on_click(float(event.x), float(event.y), self.brush.value)

    def set_classes(self, kind: str, n_classes: int) -> None:
        """Offer one brush per class (or a value for regression) plus the eraser."""
        if kind == "binary":
            options = ["Orange (−1)", "Blue (+1)"]
        elif kind == "multiclass":
            options = [f"Class {k}" for k in range(n_classes)]
        else:
            options = ["Value −1", "Value 0", "Value +1"]
        options.append(ERASER)
        if list(self.brush.options) != options:
            self.brush.options = options
            self.brush.value = options[-2]
        self.mapper.update(low=-1.0, high=1.0)

    def update(self, session, out: np.ndarray) -> None:
        """Draw the output grid ``out`` (``(n_outputs, res, res)``, row 0 at the top)."""
        plan = session.plan
        if plan.kind == "multiclass":
            colors = class_colors(plan.kind, plan.n_classes)
            self.heat_rgba.data = dict(
                image=[multiclass_image(out, colors, self.theme.background, self.discretize.value)]
            )
            if self._rgba_renderer.visible is False:  # the other map, emptied once
                self.heat.data = dict(image=[np.full((1, 1), np.nan, np.float32)])
        else:
            grid = out[0]
            if plan.output == "sigmoid":
                grid = 2 * grid - 1  # probability of +1 on the same -1..1 scale
            if self.discretize.value:
                grid = np.sign(grid) if plan.kind == "binary" else np.round(grid * 2) / 2
            self.heat.data = dict(image=[np.ascontiguousarray(grid[::-1], dtype=np.float32)])
            if self._rgba_renderer.visible is not False:
                self.heat_rgba.data = dict(image=[np.zeros((1, 1), np.uint32)])
        self._rgba_renderer.visible = plan.kind == "multiclass"

    def update_points(self, session) -> None:
        """Redraw the data points (after new data, a click, or a toggle)."""
        plan = session.plan
        pts, labels, train = session.points, session.labels, session.is_train
        keep = train | self.show_test.value
        pts, labels, train = pts[keep], labels[keep], train[keep]
        if plan.kind == "regression":
            palette = self.theme.palette
            idx = np.clip(((labels + 1) / 2 * 255).round().astype(int), 0, 255)
            colors = [palette[i] for i in idx]
        else:
            table = class_colors(plan.kind, plan.n_classes)
            idx = (labels > 0).astype(int) if plan.kind == "binary" else labels.astype(int)
            colors = [table[i] for i in idx]
        n_train = int(session.is_train.sum())
        n_test = len(session.is_train) - n_train
        self.count.object = (
            f"<small><span id='n-train'>{n_train}</span> training points, "
            f"<span id='n-test'>{n_test}</span> test points</small>"
        )
        line = np.where(train, "#ffffff", "#111111").tolist()
        self.points.data = dict(
            x=pts[:, 0], y=pts[:, 1], color=colors, line=line, alpha=np.where(train, 1.0, 0.9)
        )

    def brush_label(self) -> str:
        return self.brush.value

    def __panel__(self):
        return self._layout
