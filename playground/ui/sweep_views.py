"""The Experiments page's figures: the trials as points over the varied knobs
(colour = validation accuracy, as on the lecture's slide), and the loss curves
of the best few. Both are Bokeh figures fed by ColumnDataSources that grow as
trials finish (a few updates a second at most, not a frame loop).
"""

from __future__ import annotations

from collections.abc import Sequence

from bokeh.models import (
    ColorBar,
    ColumnDataSource,
    CustomJS,
    FactorRange,
    HoverTool,
    LinearColorMapper,
    TapTool,
)
from bokeh.palettes import Category10_10, Viridis256
from bokeh.plotting import figure

from playground.experiment.sweep import Axis, ranked
from playground.ui.sweep_form import choice_text, label, metric_of, trial_title, value_text
from playground.ui.theme import Theme

#: How many of the best trials the curves figure overlays.
BEST_CURVES = 3
#: A click on a point opens that trial in the playground, in a new tab (the
#: query holds every knob and the seed, so it starts from the same data and weights).
OPEN_TRIAL_JS = """
const i = source.selected.indices[0];
if (i === undefined) return;
window.open('/?' + source.data.query[i], '_blank');
source.selected.indices = [];
"""


def _style(fig, theme: Theme) -> None:
    fig.background_fill_color = theme.panel
    fig.border_fill_color = theme.background
    fig.outline_line_color = theme.grid
    fig.title.text_color = theme.text
    for axis in (*fig.xaxis, *fig.yaxis):
        axis.axis_label_text_color = theme.text
        axis.major_label_text_color = theme.text
    fig.grid.grid_line_color = theme.grid
    fig.toolbar.logo = None


def short_title(result: dict, names: Sequence[str]) -> str:
    """``#7 learning_rate 0.031, reg_rate 0.00012`` (a legend's line)."""
    return f"#{result['trial']} " + ", ".join(f"{n} {value_text(result[n])}" for n in names)


def _range_kind(axis: Axis | None) -> tuple[str, list[str] | None]:
    """('log' | 'linear', None) for a number, ('linear', factors) for choices."""
    if axis is None:
        return "linear", None
    if axis.choices:
        return "linear", [choice_text(c) for c in axis.choices]
    return ("log" if axis.scale == "log" else "linear"), None


class ColourScale:
    """The colour of a metric, shared by the scatters shown side by side so
    that one colour means one accuracy in both."""

    def __init__(self) -> None:
        self.mapper = LinearColorMapper(palette=Viridis256, low=0.0, high=1.0, nan_color="#9e9e9e")
        self._lo = self._hi = None

    def add(self, scores: Sequence[float]) -> None:
        finite = [s for s in scores if s == s]
        if not finite:
            return
        lo = min(finite) if self._lo is None else min(self._lo, *finite)
        hi = max(finite) if self._hi is None else max(self._hi, *finite)
        self._lo, self._hi = lo, hi
        self.mapper.update(low=lo, high=hi if hi > lo else lo + 1e-9)


class TrialScatter:
    """The trials over the first two varied knobs (one knob: over the metric)."""

    def __init__(
        self,
        axes: Sequence[Axis],
        theme: Theme,
        title: str = "",
        colours: ColourScale | None = None,
        height: int = 340,
    ):
        self.axes = tuple(axes)
        x_axis = self.axes[0]
        y_axis = self.axes[1] if len(self.axes) > 1 else None
        x_type, x_factors = _range_kind(x_axis)
        y_type, y_factors = _range_kind(y_axis)
        self.source = ColumnDataSource(self._empty())
        ranges = {}
        if x_factors:
            ranges["x_range"] = FactorRange(*x_factors)
        if y_factors:
            ranges["y_range"] = FactorRange(*y_factors)
        fig = figure(
            height=height,
            sizing_mode="stretch_width",
            min_width=260,
            x_axis_type=x_type,
            y_axis_type=y_type,
            **ranges,
            title=title or "Trials (click one to open it)",
            tools="pan,wheel_zoom,reset",
        )
        fig.xaxis.axis_label = label(x_axis.name)
        fig.yaxis.axis_label = label(y_axis.name) if y_axis else "validation accuracy"
        self.colours = colours or ColourScale()
        self.mapper = self.colours.mapper
        points = fig.scatter(
            "x",
            "y",
            source=self.source,
            size=11,
            line_color=theme.text,
            line_width=0.6,
            fill_color={"field": "score", "transform": self.mapper},
        )
        self.bar = ColorBar(color_mapper=self.mapper, width=10, title="validation accuracy")
        self.bar.background_fill_color = theme.background
        self.bar.major_label_text_color = theme.text
        self.bar.title_text_color = theme.text
        fig.add_layout(self.bar, "right")
        fig.add_tools(
            HoverTool(renderers=[points], tooltips=[("", "@title"), ("", "@score_text")]),
            TapTool(renderers=[points]),
        )
        self.source.selected.js_on_change(
            "indices", CustomJS(args={"source": self.source}, code=OPEN_TRIAL_JS)
        )
        _style(fig, theme)
        self.figure = fig
        self.metric = "validation_accuracy"

    @staticmethod
    def _empty() -> dict:
        return {k: [] for k in ("x", "y", "score", "title", "score_text", "query")}

    def add(self, results: Sequence[dict]) -> None:
        """Stream newly finished trials in."""
        if not results:
            return
        metric = metric_of(results)
        if metric != self.metric:
            self.metric = metric
            self.bar.title = "validation loss"
        names = [a.name for a in self.axes]
        rows = self._empty()
        for r in results:
            score = r.get(self.metric)
            score = float("nan") if score is None else float(score)
            rows["x"].append(_coord(self.axes[0], r))
            rows["y"].append(_coord(self.axes[1], r) if len(self.axes) > 1 else score)
            rows["score"].append(score)
            rows["title"].append(trial_title(r, names))
            rows["score_text"].append(
                f"validation accuracy {100 * score:.1f} %"
                if self.metric == "validation_accuracy"
                else f"validation loss {score:.4f}"
            )
            rows["query"].append(r["query"])
        self.source.stream(rows)
        self.colours.add(rows["score"])


def _coord(axis: Axis, result: dict):
    value = result[axis.name]
    return choice_text(value) if axis.choices else float(value)


class BestCurves:
    """The training (solid) and validation (dashed) loss of the best few trials."""

    def __init__(self, theme: Theme, height: int = 340):
        fig = figure(
            height=height,
            sizing_mode="stretch_width",
            min_width=260,
            title=f"Loss of the best {BEST_CURVES} (solid: training, dashed: validation)",
            tools="pan,wheel_zoom,reset",
            x_axis_label="epoch",
            y_axis_label="loss",
        )
        self.train = ColumnDataSource({"xs": [], "ys": [], "color": [], "label": []})
        self.valid = ColumnDataSource({"xs": [], "ys": [], "color": [], "label": []})
        fig.multi_line("xs", "ys", source=self.train, line_color="color", line_width=2)
        fig.multi_line(
            "xs",
            "ys",
            source=self.valid,
            line_color="color",
            line_width=2,
            line_dash="dashed",
            legend_field="label",
        )
        fig.legend.location = "top_right"
        fig.legend.background_fill_alpha = 0.7
        fig.legend.label_text_font_size = "11px"
        fig.legend.padding = 4
        fig.legend.spacing = 0
        _style(fig, theme)
        self.figure = fig
        self._shown: tuple = ()

    def show(self, results: Sequence[dict], names: Sequence[str]) -> None:
        """Overlay the curves of the best trials (redrawn only when they change)."""
        best = ranked(results)[:BEST_CURVES]
        key = tuple(r["trial"] for r in best)
        if key == self._shown:
            return
        self._shown = key
        train = {"xs": [], "ys": [], "color": [], "label": []}
        valid = {"xs": [], "ys": [], "color": [], "label": []}
        for r, color in zip(best, Category10_10):
            curve = r["curve"]
            for data, column in ((train, "train_loss"), (valid, "validation_loss")):
                ys = [float("nan") if y is None else y for y in curve.get(column) or []]
                if not ys:
                    continue
                data["xs"].append(list(curve["epoch"]))
                data["ys"].append(ys)
                data["color"].append(color)
                data["label"].append(short_title(r, names))
        self.train.data = train
        self.valid.data = valid
