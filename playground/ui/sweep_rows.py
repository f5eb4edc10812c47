"""The Experiments page's parts that hold state of their own: a row of the
form (one knob to vary) and a running sweep with what the page has shown of it."""

from __future__ import annotations

import panel as pn

from playground.experiment import Config
from playground.experiment.sweep import Axis, Sweep
from playground.ui.sweep_form import (
    CHOICE_KNOBS,
    NUMERIC_KNOBS,
    axis_of,
    choice_text,
    choices_of,
    is_choice,
    label,
    start_range,
)
from playground.ui.sweep_views import TrialScatter

#: The row's "no knob" entry.
UNUSED = "— (not varied)"


class AxisRow(pn.viewable.Viewer):
    """One knob to vary: a numeric range (low, high, log scale) or choices."""

    def __init__(self, name: str):
        super().__init__()
        options = {UNUSED: ""}
        options.update({label(n): n for n in (*NUMERIC_KNOBS, *CHOICE_KNOBS)})
        self.knob = pn.widgets.Select(
            name="Vary", options=options, value=name, width=200, description=""
        )
        self.lo = pn.widgets.FloatInput(name="Low", width=95)
        self.hi = pn.widgets.FloatInput(name="High", width=95)
        self.log = pn.widgets.Checkbox(name="log", width=50, margin=(28, 10, 5, 5))
        self.choices = pn.widgets.MultiChoice(name="Try", options=[], width=290)
        self.knob.param.watch(lambda e: self.set_knob(e.new), "value")
        self._layout = pn.FlexBox(
            self.knob,
            self.lo,
            self.hi,
            self.log,
            self.choices,
            align_items="flex-end",
            # side by side where they fit (1280 wide: two, 1600: three), wrapped on a phone
            styles={"flex": "0 1 540px", "min-width": "0"},
            margin=(0, 12, 0, 0),
        )
        self.set_knob(name)

    @property
    def varied(self) -> str:
        """The knob this row varies ("" when unused)."""
        return self.knob.value

    def set_knob(self, name: str) -> None:
        """Show the widgets of knob ``name``, starting where the form says."""
        if self.knob.value != name:
            self.knob.value = name  # (calls back here)
            return
        numeric = bool(name) and not is_choice(name)
        for w in (self.lo, self.hi, self.log):
            w.visible = numeric
        self.choices.visible = bool(name) and is_choice(name)
        self.knob.description = Config.param[name].doc if name else "Pick a knob to vary."
        if numeric:
            lo, hi, log = start_range(name)
            bounds = Config.param[name].bounds
            tip = f"{Config.param[name].doc} (from {bounds[0]:g} to {bounds[1]:g})"
            self.lo.param.update(value=lo, description=tip)
            self.hi.param.update(value=hi, description=tip)
            self.log.value = log
        elif name:
            self.choices.options = choices_of(name)
            self.choices.value = list(self.choices.options)

    def set_axis(self, axis: Axis) -> None:
        """Show ``axis`` (after "Narrow to the best")."""
        self.set_knob(axis.name)
        if axis.choices:
            self.choices.value = [choice_text(c) for c in axis.choices]
        else:
            self.lo.value, self.hi.value = float(axis.lo), float(axis.hi)
            self.log.value = axis.scale == "log"

    def axis(self) -> Axis | None:
        """The row as an Axis (None when unused); ValueError if it makes no sense."""
        if not self.varied:
            return None
        lo, hi, log = self.lo.value, self.hi.value, self.log.value
        return axis_of(self.varied, lo, hi, log, self.choices.value)

    def __panel__(self):
        return self._layout


class LiveSweep:
    """One running sweep and what the page has shown of it."""

    def __init__(self, sweep: Sweep, scatter: TrialScatter):
        self.sweep = sweep
        self.scatter = scatter
        self.names = [a.name for a in sweep.spec.axes]
        self.results: list[dict] = []

    def take_new(self) -> list[dict]:
        """The trials finished since the last look (results come in trial order,
        and the workers finish them in any order)."""
        seen = {r["trial"] for r in self.results}
        self.results = self.sweep.results()
        new = [r for r in self.results if r["trial"] not in seen]
        if new:
            self.scatter.add(new)
        return new
