"""Widgets derived from the experiment's Config, and the data-set picker.

Every control is made from its ``param`` Parameter, so its label, bounds,
choices and tooltip (the Parameter's ``doc``) are never restated here. Only
the *kind* of widget is chosen: a ladder of round values for rates (as the
TensorFlow Playground offers them), sliders for percentages.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import panel as pn
import param
from bokeh.events import Tap
from bokeh.models import PrintfTickFormatter
from bokeh.plotting import figure

from playground.data import DATASETS, make_dataset
from playground.experiment import Config
from playground.ui.theme import Theme, class_colors, with_tip

#: Round values offered for rates; only those inside the Parameter's bounds are shown.
RATE_LADDER = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_LADDER = (1, 2, 5, 10, 16, 25, 32, 50, 64, 100, 128, 256)

#: The 2-D data sets offered on the page, in the order the picker shows them.
PICKER_SETS = tuple(DATASETS)


def _ladder(config: Config, name: str, ladder) -> list:
    lo, hi = config.param[name].bounds
    values = [v for v in ladder if lo <= v <= hi]
    current = getattr(config, name)
    if current not in values:
        values = sorted({*values, current})
    return values


#: Fewest and most significant digits a float knob's widget shows.
MIN_DIGITS, MAX_DIGITS = 3, 6


def _significant_digits(x: float | None) -> int:
    """How many significant digits the shortest exact text of ``x`` has (0.99999: 5)."""
    if x is None or not np.isfinite(x) or x == 0:
        return 0
    mantissa = f"{abs(x):.15g}".split("e")[0].replace(".", "").strip("0")
    return len(mantissa)


def number_format(p: param.Number, value: float) -> PrintfTickFormatter:
    """A format with the significant digits that the knob's step, bounds and value need.

    Bokeh's default shows two decimals, so Adam's β2 of 0.999 read "1" and could
    not be told from its neighbours; the bound 0.99999 says five digits matter.
    ``%g`` drops trailing zeros (0.9 stays "0.9") and writes 1e-08 as such.
    """
    lo, hi = p.bounds if p.bounds is not None else (None, None)
    needed = max(_significant_digits(x) for x in (p.step, lo, hi, p.default, value))
    return PrintfTickFormatter(format=f"%.{min(MAX_DIGITS, max(MIN_DIGITS, needed))}g")


class TickBox(pn.viewable.Viewer):
    """A check box whose words tick it too.

    Panel's ``Checkbox`` is drawn by Bokeh (3.9) as an ``<input>`` with a ``<div>``
    beside it, not a ``<label>`` around it, so clicking the words did nothing. The
    one option of a ``CheckBoxGroup`` is a real label; this keeps a plain boolean
    ``value`` in front of it.
    """

    value = param.Boolean(default=False, doc="Whether the box is ticked.")

    def __init__(self, label: str, value: bool = False, **widget_params) -> None:
        super().__init__(value=value)
        self._label = label
        self.group = pn.widgets.CheckBoxGroup(
            options=[label], value=[label] if value else [], **widget_params
        )
        self.group.param.watch(lambda e: setattr(self, "value", label in e.new), "value")
        self.param.watch(self._show, "value")

    def _show(self, event: param.parameterized.Event) -> None:
        self.group.value = [self._label] if event.new else []

    def __panel__(self) -> pn.widgets.CheckBoxGroup:
        return self.group


def _tick_box(config: Config, name: str, opts: dict) -> TickBox:
    """A :class:`TickBox` bound both ways to the boolean knob ``name``."""
    params = {k: v for k, v in opts.items() if k in pn.widgets.CheckBoxGroup.param and k != "label"}
    box = TickBox(opts["label"], getattr(config, name), **params)
    box.param.watch(lambda e: setattr(config, name, e.new), "value")
    config.param.watch(lambda e: setattr(box, "value", e.new), name)
    return box


def knob(config: Config, name: str, **overrides) -> pn.viewable.Viewable:
    """The control for knob ``name``, bound both ways to ``config``.

    Rates and batch sizes get a drop-down of round values, percentages a
    slider; everything else the widget Panel derives from the Parameter type.
    The tooltip is the Parameter's doc (beside the widget where the widget
    type has no tooltip of its own).
    """
    p = config.param[name]
    opts = dict(description=p.doc, label=p.label, sizing_mode="stretch_width")
    opts.update(overrides)
    if name in ("learning_rate", "reg_rate"):
        cls, opts["options"] = pn.widgets.Select, _ladder(config, name, RATE_LADDER)
    elif name == "batch_size":
        cls, opts["options"] = pn.widgets.Select, _ladder(config, name, BATCH_LADDER)
    elif isinstance(p, param.Boolean):
        return with_tip(_tick_box(config, name, opts), p.doc)
    elif name in ("noise", "train_ratio"):
        cls, opts["format"] = pn.widgets.IntSlider, PrintfTickFormatter(format="%d%%")
    else:
        cls = pn.Param.widget_type(p)
        if issubclass(cls, pn.widgets.FloatSlider):
            opts.setdefault("format", number_format(p, getattr(config, name)))
    widget = cls.from_param(p, **{k: v for k, v in opts.items() if k in cls.param})
    return widget if "description" in cls.param else with_tip(widget, p.doc)


class DatasetPicker(pn.viewable.Viewer):
    """A thumbnail per 2-D data set; clicking one picks it (the Select is kept in sync)."""

    SIZE = 58

    def __init__(self, config: Config, theme: Theme, on_pick: Callable[[str], None]):
        super().__init__()
        self._config = config
        self._on_pick = on_pick
        self.theme = theme
        self._figures = {name: self._thumbnail(name) for name in PICKER_SETS}
        grid = pn.GridBox(
            *[
                pn.Column(
                    pn.pane.Bokeh(f, margin=0),
                    pn.pane.HTML(
                        f"<div style='font-size:10px;text-align:center;width:{self.SIZE}px'>"
                        f"{DATASETS[n].label}</div>",
                        margin=(0, 2),
                    ),
                    margin=2,
                )
                for n, f in self._figures.items()
            ],
            ncols=3,
        )
        self._layout = pn.Column(pn.pane.HTML("<b>Which dataset do you want to use?</b>"), grid)
        config.param.watch(lambda e: self._highlight(), "dataset")
        self._highlight()

    def _thumbnail(self, name: str):
        spec = DATASETS[name]
        data = make_dataset(name, 120, noise=0.0, seed=1)
        fig = figure(
            width=self.SIZE,
            height=self.SIZE,
            tools="",
            toolbar_location=None,
            x_range=(-6.5, 6.5),
            y_range=(-6.5, 6.5),
            min_border=1,
            background_fill_color=self.theme.background,
            border_fill_color=self.theme.background,
        )
        fig.axis.visible = False
        fig.grid.visible = False
        if spec.kind == "regression":
            pal = self.theme.palette
            idx = np.clip(((data.labels + 1) / 2 * 255).round().astype(int), 0, 255)
            colors = [pal[i] for i in idx]
        else:
            table = class_colors(spec.kind, data.n_classes)
            idx = (data.labels > 0).astype(int) if spec.kind == "binary" else data.labels
            colors = [table[int(i)] for i in idx]
        fig.scatter(data.points[:, 0], data.points[:, 1], size=2.5, color=colors)
        fig.on_event(Tap, lambda event, n=name: self._on_pick(n))
        fig.name = f"dataset-{name}"
        fig.css_classes = [f"dataset-{name}"]
        return fig

    def _highlight(self) -> None:
        for name, fig in self._figures.items():
            chosen = name == self._config.dataset
            fig.outline_line_color = "#0877bd" if chosen else self.theme.grid
            fig.outline_line_width = 3 if chosen else 1

    def __panel__(self):
        return self._layout
