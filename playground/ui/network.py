"""The network diagram: every neuron as a live map, every weight as an edge.

One Bokeh figure holds the whole diagram so that hundreds of edges and dozens
of maps update in one websocket message per frame:

* input features on the left, one tile each; clicking a tile switches the
  feature on or off (switched-off tiles are faded and have no edges);
* each hidden layer a column of neuron maps (at most ``SHOWN_UNITS`` drawn;
  the rest are summarised as "+N more");
* the output neuron(s) on the right;
* edges as curves whose width follows |weight| and whose colour follows its
  sign and size (the same palette as the maps); hovering one shows its value;
* a small square at each neuron's lower left for its bias, hoverable too.

Clicking an edge or a bias selects it; :class:`WeightEditor` then lets the
user type a new value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import panel as pn
import param
from bokeh.events import MouseLeave
from bokeh.models import (
    ColumnDataSource,
    CustomJS,
    HoverTool,
    LinearColorMapper,
    Range1d,
    TapTool,
)
from bokeh.plotting import figure

from playground.data import FEATURES, feature_matrix, grid_points
from playground.ui.theme import Theme

#: Neurons drawn per layer; wider layers show the first ones and a count.
SHOWN_UNITS = 8
NODE = 0.62  # node size in data units
ROW = 1.0  # vertical distance between nodes
COLUMN = 2.3  # horizontal distance between layers
PX = 58  # pixels per data unit, the same both ways so that maps stay square
X_MARGIN_LEFT = -0.5  # data x at the figure's left edge (the feature column is at x = 0)
Y_MARGIN_TOP = 0.7  # data y at the figure's top edge (the first row is at y = 0)
_CURVE = np.linspace(0.0, 1.0, 14)
_EASE = _CURVE * _CURVE * (3 - 2 * _CURVE)  # smoothstep: flat at both ends


def edge_width(w: np.ndarray) -> np.ndarray:
    """Line width in pixels for weights ``w``: thin near 0, capped for |w| >= 3."""
    return 0.6 + 5.4 * np.minimum(np.abs(w), 3.0) / 3.0


def _curve(x0: float, y0: float, x1: float, y1: float) -> tuple[list, list]:
    xs = x0 + (x1 - x0) * _CURVE
    ys = y0 + (y1 - y0) * _EASE
    return xs.tolist(), ys.tolist()


class NetworkDiagram(param.Parameterized):
    """Builds and refreshes the diagram figure for a session's network."""

    selected = param.Dict(default=None, allow_None=True, doc="The edge or bias clicked last.")

    def __init__(
        self, theme: Theme, on_toggle_feature: Callable[[str], None], resolution: int = 25, **params
    ):
        super().__init__(**params)
        self.theme = theme
        self.resolution = resolution
        self._tiles = feature_tiles(resolution).astype(np.float32)
        self._on_toggle_feature = on_toggle_feature
        self.mapper = LinearColorMapper(palette=theme.palette, low=-1.0, high=1.0)
        self.nodes = ColumnDataSource(
            dict(image=[], x=[], y=[], dw=[], dh=[], alpha=[], tip=[], feature=[])
        )
        self.frames = ColumnDataSource(dict(x=[], y=[], w=[], h=[], alpha=[]))
        self.edges = ColumnDataSource(
            dict(xs=[], ys=[], width=[], value=[], layer=[], row=[], col=[], kind=[])
        )
        self.biases = ColumnDataSource(
            dict(x=[], y=[], value=[], layer=[], row=[], col=[], kind=[])
        )
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        self.figure = self._make_figure()
        self._shape: tuple | None = None

    # ------------------------------------------------------------------ figure
    def _make_figure(self):
        t = self.theme
        fig = figure(
            height=420,
            width=600,
            tools="",
            toolbar_location=None,
            x_range=Range1d(-0.7, 3.7),
            y_range=Range1d(-7.6, 0.8),
            background_fill_color=t.background,
            border_fill_color=t.background,
            outline_line_color=None,
            min_border=0,
            css_classes=["pg-network"],
        )
        fig.axis.visible = False
        fig.grid.visible = False
        edge_r = fig.multi_line(
            "xs",
            "ys",
            source=self.edges,
            line_width="width",
            line_color={"field": "value", "transform": self.mapper},
            line_alpha=0.85,
            hover_line_alpha=1.0,
            hover_line_color={"field": "value", "transform": self.mapper},
            selection_line_alpha=1.0,
            nonselection_line_alpha=0.85,
        )
        fig.rect(
            "x",
            "y",
            "w",
            "h",
            source=self.frames,
            fill_color=None,
            line_color=t.muted,
            line_alpha="alpha",
        )
        node_r = fig.image(
            "image",
            x="x",
            y="y",
            dw="dw",
            dh="dh",
            source=self.nodes,
            color_mapper=self.mapper,
            global_alpha=1.0,
        )
        bias_r = fig.rect(
            "x",
            "y",
            width=0.14,
            height=0.14,
            source=self.biases,
            line_color=t.muted,
            fill_color={"field": "value", "transform": self.mapper},
        )
        fig.text(
            "x",
            "y",
            "text",
            source=self.labels,
            text_color=t.muted,
            text_font_size=t.font(11),
            text_align="center",
            text_baseline="bottom",
        )
        fig.add_tools(
            HoverTool(
                renderers=[edge_r],
                tooltips="Weight @value{0.000} (click to edit)",
                line_policy="interp",
                attachment="above",
                point_policy="follow_mouse",
            ),
            HoverTool(
                renderers=[bias_r],
                tooltips="Bias @value{0.000} (click to edit)",
                attachment="above",
            ),
            TapTool(renderers=[edge_r, bias_r, node_r]),
        )
        self._node_hover = HoverTool(renderers=[node_r], tooltips="@tip", attachment="above")
        fig.add_tools(self._node_hover)
        self.edges.selected.on_change("indices", self._edge_tapped)
        self.biases.selected.on_change("indices", self._bias_tapped)
        self.nodes.selected.on_change("indices", self._node_tapped)
        return fig

    def link_preview(self, preview: ColumnDataSource, renderer) -> None:
        """While the mouse rests on a neuron, show its map large in ``renderer``.

        Runs in the browser only (no round trip): the hovered node's map is
        already there, in this diagram's data.
        """
        self._node_hover.callback = CustomJS(
            args=dict(nodes=self.nodes, preview=preview, r=renderer),
            code="""
            const hits = cb_data.index.image_indices;
            if (hits.length > 0) {
              preview.data = {image: [nodes.data.image[hits[0].index]]};
              r.visible = true;
            } else {
              r.visible = false;
            }""",
        )
        self.figure.js_on_event(
            MouseLeave, CustomJS(args=dict(r=renderer), code="r.visible = false")
        )

    # ------------------------------------------------------------- interaction
    def _edge_tapped(self, attr, old, new):
        if new:
            d = self.edges.data
            i = new[0]
            self.selected = {k: d[k][i] for k in ("kind", "layer", "row", "col", "value")}

    def _bias_tapped(self, attr, old, new):
        if new:
            d = self.biases.data
            i = new[0]
            self.selected = {k: d[k][i] for k in ("kind", "layer", "row", "col", "value")}

    def _node_tapped(self, attr, old, new):
        if new:
            name = self.nodes.data["feature"][new[0]]
            self.nodes.selected.indices = []
            if name:
                self._on_toggle_feature(name)

    # ------------------------------------------------------------------ layout
    def _positions(self, sizes: tuple[int, ...], n_features: int):
        """Node centres per column: features, hidden layers, output."""
        columns = [n_features] + [min(s, SHOWN_UNITS) for s in sizes[1:]]
        return [[(c * COLUMN, -ROW * r) for r in range(n)] for c, n in enumerate(columns)]

    def update(self, session, maps: list[np.ndarray]) -> None:
        """Redraw from ``session``: ``maps`` (one array per layer, each
        ``(units, res, res)``, row 0 at the top) and the network's weights.

        The geometry (positions, curves, labels) is rebuilt only when the
        architecture or the inputs change; an ordinary frame sends just the
        maps and the weight values, a fraction of the bytes.
        """
        shape = (session.model.sizes, tuple(session.config.features))
        if shape != self._shape:
            self._shape = shape
            self._rebuild(session, maps)
            return
        self.nodes.data.update(image=self._images(maps))
        values = self._weight_values(session)
        self.edges.data.update(
            value=values,
            width=(edge_width(values) * self.theme.scale).tolist(),
        )
        biases = self._bias_values(session)
        self.biases.data.update(value=biases)

    def _images(self, maps: list[np.ndarray]) -> list[np.ndarray]:
        """Feature tiles, then the drawn neurons of each layer, rows flipped
        (Bokeh's image row 0 is at the bottom)."""
        out = [np.ascontiguousarray(tile[::-1]) for tile in self._tiles]
        for layer in maps:
            out += [np.ascontiguousarray(m[::-1]) for m in layer[:SHOWN_UNITS]]
        return out

    def _weight_values(self, session) -> list[float]:
        """Every drawn edge's weight, in the order the edges were laid out."""
        vals = [W[:SHOWN_UNITS, :SHOWN_UNITS].ravel() for W, _ in session.model.get_weights()]
        return np.concatenate(vals).tolist()

    def _bias_values(self, session) -> list[float]:
        vals = [b[:SHOWN_UNITS] for _, b in session.model.get_weights()]
        return np.concatenate(vals).tolist()

    def _rebuild(self, session, maps: list[np.ndarray]) -> None:
        active = list(session.config.features)
        names = list(FEATURES)
        sizes = session.model.sizes
        cols = self._positions(sizes, len(names))
        half = NODE / 2
        xs, ys, alpha, tips, feats, labels = [], [], [], [], [], []
        for r, name in enumerate(names):
            on = name in active
            xs.append(cols[0][r][0] - half)
            ys.append(cols[0][r][1] - half)
            alpha.append(1.0 if on else 0.25)
            label = FEATURES[name].label
            tips.append(f"Input {label}: click to switch it {'off' if on else 'on'}")
            feats.append(name)
        for l in range(len(maps)):
            shown = cols[l + 1]
            last = l == len(maps) - 1
            for j, (x, y) in enumerate(shown):
                xs.append(x - half)
                ys.append(y - half)
                alpha.append(1.0)
                tips.append(f"Output neuron {j + 1}" if last else f"Layer {l + 1}, neuron {j + 1}")
                feats.append("")
            if sizes[l + 1] > SHOWN_UNITS:
                labels.append(
                    (shown[-1][0], shown[-1][1] - 0.95, f"+{sizes[l + 1] - SHOWN_UNITS} more")
                )
        for l in range(len(sizes) - 1):
            title = "Output" if l == len(sizes) - 2 else f"{sizes[l + 1]} neurons"
            labels.append((cols[l + 1][0][0], 0.45, title))
        labels.append((0.0, 0.45, "Features"))
        images = self._images(maps)
        self.nodes.data = dict(
            image=images,
            x=xs,
            y=ys,
            dw=[NODE] * len(images),
            dh=[NODE] * len(images),
            alpha=alpha,
            tip=tips,
            feature=feats,
        )
        self.frames.data = dict(
            x=[x + half for x in xs],
            y=[y + half for y in ys],
            w=[NODE] * len(xs),
            h=[NODE] * len(xs),
            alpha=[0.9 if a == 1.0 else 0.35 for a in alpha],
        )
        self.labels.data = dict(
            x=[t[0] for t in labels], y=[t[1] for t in labels], text=[t[2] for t in labels]
        )
        self._layout_edges(session, cols, active, names)
        n_rows = max(len(col) for col in cols)
        x0, x1 = X_MARGIN_LEFT, COLUMN * (len(cols) - 1) + 0.5
        y0, y1 = -ROW * (n_rows - 1) - 1.2, Y_MARGIN_TOP
        self.figure.x_range.update(start=x0, end=x1)
        self.figure.y_range.update(start=y0, end=y1)
        self.figure.width = int((x1 - x0) * PX * self.theme.scale)
        self.figure.height = int((y1 - y0) * PX * self.theme.scale)

    def _layout_edges(self, session, cols, active, names) -> None:
        """Curves for every drawn edge and a square for every drawn bias."""
        half = NODE / 2
        e = {k: [] for k in ("xs", "ys", "layer", "row", "col")}
        b = {k: [] for k in ("x", "y", "layer", "row")}
        for l in range(len(cols) - 1):
            dst = cols[l + 1]
            # the first layer's inputs are the active features, at their tile's row
            src = [cols[0][names.index(n)] for n in active] if l == 0 else cols[l]
            for j, (x1, y1) in enumerate(dst):
                for k, (x0, y0) in enumerate(src[:SHOWN_UNITS]):
                    cx, cy = _curve(x0 + half, y0, x1 - half, y1)
                    e["xs"].append(cx)
                    e["ys"].append(cy)
                    e["layer"].append(l)
                    e["row"].append(j)
                    e["col"].append(k)
                b["x"].append(x1 - half)
                b["y"].append(y1 - half)
                b["layer"].append(l)
                b["row"].append(j)
        values = self._weight_values(session)
        e.update(
            value=values,
            width=(edge_width(np.asarray(values)) * self.theme.scale).tolist(),
            kind=["weight"] * len(values),
        )
        biases = self._bias_values(session)
        b.update(
            value=biases,
            col=[-1] * len(biases),
            kind=["bias"] * len(biases),
        )
        self.edges.data = e
        self.biases.data = b


def feature_tiles(resolution: int) -> np.ndarray:
    """Every input feature over the grid, scaled into [-1, 1] for display,
    ``(n_features, res, res)`` with row 0 at the top."""
    values = feature_matrix(grid_points(resolution), list(FEATURES)).T
    peak = np.abs(values).max(axis=1, keepdims=True)
    return (values / np.where(peak > 0, peak, 1.0)).reshape(-1, resolution, resolution)


class WeightEditor(pn.viewable.Viewer):
    """Type a new value for the edge or bias clicked in the diagram."""

    def __init__(self, diagram: NetworkDiagram, on_set: Callable[[dict, float], None]):
        super().__init__()
        self._diagram = diagram
        self._on_set = on_set
        self.value = pn.widgets.FloatInput(
            label="Value",
            width=110,
            step=0.1,
            description="Type a new value and press Set; training continues from it.",
        )
        self.button = pn.widgets.Button(label="Set", width=60, button_type="primary")
        self.info = pn.pane.Markdown("Click an edge or a bias square to edit it.", margin=(0, 5))
        self.button.on_click(self._set)
        diagram.param.watch(self._selected, "selected")
        self._layout = pn.Row(self.info, self.value, self.button, visible=True)

    def _selected(self, event) -> None:
        s = event.new
        if not s:
            return
        where = (
            f"weight from unit {s['col'] + 1} to neuron {s['row'] + 1} of layer {s['layer'] + 1}"
            if s["kind"] == "weight"
            else f"bias of neuron {s['row'] + 1} in layer {s['layer'] + 1}"
        )
        self.info.object = f"Editing the **{where}**"
        self.value.value = round(s["value"], 4)

    def _set(self, event=None) -> None:
        s = self._diagram.selected
        if s and self.value.value is not None:
            self._on_set(s, float(self.value.value))

    def __panel__(self):
        return self._layout
