"""Widgets derived from the experiment's Config, and the data-set picker.

Every control is made from its ``param`` Parameter, so its label, bounds,
choices and tooltip (the Parameter's ``doc``) are never restated here. Only
the *kind* of widget is chosen: a ladder of round values for rates (as the
TensorFlow Playground offers them) and other knobs that span decades, sliders
stepping by the Parameter's ``step`` for the rest.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

import numpy as np
import panel as pn
import param
from bokeh.models import PrintfTickFormatter
from panel.custom import JSComponent
from PIL import Image, ImageDraw

from playground.data import DATASETS, make_dataset
from playground.experiment import Config
from playground.ui.theme import Theme, point_colors, with_tip

#: Round values offered for rates; only those inside the Parameter's bounds are shown.
RATE_LADDER = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_LADDER = (1, 2, 5, 10, 16, 25, 32, 50, 64, 100, 128, 256)
#: The adaptive optimizers' epsilon by decades: its bounds span twelve of them, so
#: no step of a linear slider both reaches 1e-8 and leaves the slider usable.
EPS_LADDER = (1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)
#: Gradient clipping norms (0: off); the bound of a million is a guard, not a range
#: to slide over (one pixel of a slider would be thousands).
CLIP_LADDER = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: The knobs offered as a drop-down of round values, and the values. Every other
#: float knob is a slider stepping by its Parameter's ``step``.
LADDERS: Mapping[str, tuple] = MappingProxyType(
    {
        "learning_rate": RATE_LADDER,
        "reg_rate": RATE_LADDER,
        "batch_size": BATCH_LADDER,
        "eps": EPS_LADDER,
        "clip_norm": CLIP_LADDER,
    }
)

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


#: List knobs with a few names, each switched on and off by its own button
#: (a multi-select list box would hide that they combine).
TOGGLE_LISTS = ("augment",)


def knob(config: Config, name: str, **overrides) -> pn.viewable.Viewable:
    """The control for knob ``name``, bound both ways to ``config``.

    Rates, batch sizes, epsilon and the clipping norm get a drop-down of round
    values (:data:`LADDERS`), percentages a slider; everything else the widget
    Panel derives from the Parameter type (a float slider steps by the
    Parameter's ``step``).
    The tooltip is the Parameter's doc (beside the widget where the widget
    type has no tooltip of its own).
    """
    p = config.param[name]
    opts = dict(description=p.doc, label=p.label, sizing_mode="stretch_width")
    opts.update(overrides)
    if name in LADDERS:
        cls, opts["options"] = pn.widgets.Select, _ladder(config, name, LADDERS[name])
    elif isinstance(p, param.Boolean):
        return with_tip(_tick_box(config, name, opts), p.doc)
    elif name in TOGGLE_LISTS:  # a button group shows no label of its own: put it above
        cls = pn.widgets.CheckButtonGroup
        group = cls.from_param(p, **{k: v for k, v in opts.items() if k in cls.param})
        title = pn.pane.HTML(f"<label>{html.escape(p.label)}</label>", margin=(5, 10, 0, 10))
        return with_tip(pn.Column(title, group, margin=0), p.doc)
    elif name in ("noise", "train_ratio", "validation_ratio"):
        cls, opts["format"] = pn.widgets.IntSlider, PrintfTickFormatter(format="%d%%")
    else:
        cls = pn.Param.widget_type(p)
        if issubclass(cls, pn.widgets.FloatSlider):
            opts.setdefault("format", number_format(p, getattr(config, name)))
    widget = cls.from_param(p, **{k: v for k, v in opts.items() if k in cls.param})
    return widget if "description" in cls.param else with_tip(widget, p.doc)


class DatasetPicker(JSComponent):
    """A thumbnail per 2-D data set; clicking one picks it.

    One small component with the thumbnails as images, not a Bokeh figure each:
    nine figures were 260 of a page's 450 Bokeh models, and so most of what a
    new session cost the server to build and send. The images are drawn once
    per server process and theme (:func:`thumbnails`) and shared by every page.
    """

    value = param.String(default="", doc="The data set picked.")
    options = param.List(default=[], doc="name, label, tooltip and image of each data set.")

    _esm = """
    export function render({model, el}) {
      const title = document.createElement("div");
      title.className = "title";
      title.textContent = "Which dataset do you want to use?";
      const grid = document.createElement("div");
      grid.className = "grid";
      const buttons = {};
      for (const o of model.options) {
        const b = document.createElement("button");
        b.className = `thumb dataset-${o.name}`;
        b.title = o.tooltip;
        const img = document.createElement("img");
        img.src = o.image;
        img.alt = "";
        const caption = document.createElement("span");
        caption.textContent = o.label;
        b.append(img, caption);
        b.onclick = () => { model.value = o.name; };
        grid.append(b);
        buttons[o.name] = b;
      }
      const mark = () => {
        for (const [name, b] of Object.entries(buttons)) {
          b.classList.toggle("on", name === model.value);
          b.setAttribute("aria-pressed", String(name === model.value));
        }
      };
      mark();
      model.on("value", mark);
      el.append(title, grid);
    }
    """
    _stylesheets = [
        """
        .title { font-weight: 700; margin: 0 0 4px 2px; }
        .grid { display: grid; grid-template-columns: repeat(3, 66px); gap: 4px; }
        .thumb { display: flex; flex-direction: column; align-items: center; padding: 2px;
                 border: 0; background: none; color: inherit; cursor: pointer; font: inherit; }
        .thumb img { width: 58px; height: 58px; border: 1px solid var(--pg-grid, #d9d9d9); }
        .thumb.on img { outline: 3px solid #0877bd; outline-offset: -1px; }
        .thumb span { font-size: 10px; line-height: 1.15; text-align: center; }
        """
    ]

    def __init__(self, config: Config, theme: Theme, on_pick: Callable[[str], None], **params):
        super().__init__(value=config.dataset, options=thumbnails(theme), **params)
        self.param.watch(lambda e: on_pick(e.new), "value")
        config.param.watch(lambda e: setattr(self, "value", e.new), "dataset")


@cache
def thumbnails(theme: Theme, size: int = 116) -> list[dict]:
    """Each 2-D data set's thumbnail (a PNG, ``size`` pixels, drawn at twice the
    shown size for sharp screens) with its label and tooltip, once per theme."""
    out = []
    for name in PICKER_SETS:
        spec = DATASETS[name]
        data = make_dataset(name, 120, noise=0.0, seed=1)
        image = Image.new("RGB", (size, size), theme.background)
        draw = ImageDraw.Draw(image)
        for (x, y), color in zip(
            data.points, point_colors(theme, spec.kind, data.n_classes, data.labels)
        ):
            px, py = (x + 6.5) / 13 * size, (6.5 - y) / 13 * size
            draw.ellipse((px - 2.5, py - 2.5, px + 2.5, py + 2.5), fill=color)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        out.append({"name": name, "label": spec.label, "tooltip": spec.description, "image": uri})
    return out
