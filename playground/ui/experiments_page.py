"""Experiments mode: grid or random search over up to three knobs, run in the
background while the trials arrive on the page as points, table rows and curves.

The search itself is :class:`playground.experiment.sweep.Sweep` (other processes
or threads, not this page's): the page builds a SweepSpec from its form, starts
the sweep and reads ``Sweep.results()`` a few times a second on a periodic
callback, so the page answers clicks while it runs. Stop, leaving the page and
closing the tab stop the sweep. Every trial's query reopens it in the playground
with the same data and initial weights.

The page stands in the shell's registry beside the training pages and answers
the calls the shell makes of any page (``config`` for the address bar, ``hide``,
``close``, the keyboard's play/pause as Run/Stop); it trains no Session itself.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import NumberFormatter

from playground.experiment import Config
from playground.experiment.sweep import (
    MAX_AXES,
    PAGE_MAX_EPOCHS,
    PAGE_MAX_TRIALS,
    SEARCHES,
    SWEEP_VALIDATION,
    Axis,
    Sweep,
    SweepSpec,
    narrow,
    parse_axis,
    ranked,
)
from playground.ui.declare import PageDeclaration
from playground.ui.sweep_form import (
    LESSON,
    LESSON_AXES,
    LESSON_TRIALS,
    START_ROWS,
    best_html,
    check_spec,
    choice_text,
    distinct,
    is_choice,
    label,
    spec_of,
)
from playground.ui.sweep_rows import AxisRow, LiveSweep
from playground.ui.sweep_views import BestCurves, ColourScale, TrialScatter
from playground.ui.theme import THEMES, Theme

#: Milliseconds between two looks at the sweep's results.
POLL_MS = 300
#: The table's figures of each trial (the test figures are not among them: the
#: test set is looked at once, for the best trial).
RESULT_COLUMNS = ("validation_accuracy", "validation_loss", "train_loss")


class ExperimentsPage(pn.viewable.Viewer):
    """The Experiments mode of the page for one browser session."""

    #: No knob has a control of its own here (the base query sets them), nothing
    #: is hidden from students, and it is not embedded in slides.
    DECLARED = PageDeclaration(knobs=())
    hideable: dict[str, tuple] = {}
    parts: dict[str, pn.viewable.Viewable] = {}

    def __init__(
        self,
        config: Config | None = None,
        *,
        theme: str | Theme = "light",
        warnings: list[str] | None = None,
        queries: Callable[[], dict[str, str]] | None = None,
    ):
        super().__init__()
        if not isinstance(theme, Theme):
            theme = THEMES.get(theme, THEMES["light"])
        self.theme = theme
        #: The base settings as knobs (the shell writes them into the address bar).
        self.config = config if config is not None else Config.from_query("")[0]
        self.playing = False  # nothing here pauses with the tab; see set_playing
        self._queries = queries or (lambda: {})
        self.live: dict[str, LiveSweep] = {}
        self._estimate = 0.0
        self._loop = None

        self.base = pn.widgets.TextInput(
            name="Base settings (a playground query)",
            value=self.config.to_query(),
            sizing_mode="stretch_width",
            styles={"flex": "1 1 400px", "min-width": "0"},  # the button beside it fits
            description="Every trial starts from these knobs (as in the playground's "
            "address) and changes only the knobs varied below.",
        )
        self.base.param.watch(lambda e: self._base_changed(e.new), "value")
        self.from_playground = pn.widgets.Button(
            label="Use the 2-D page's settings",
            width=200,
            align="end",
            description="Copy the knobs of the 2-D playground page into the base settings.",
        )
        self.from_playground.on_click(lambda e: self.use_page_settings())
        self.rows = [AxisRow(name) for name in START_ROWS[:MAX_AXES]]
        self.search = pn.widgets.RadioButtonGroup(
            name="Search",
            options=list(SEARCHES),
            value="random",
            button_type="primary",
            button_style="outline",
            align="end",
            description="Grid: every combination of evenly spaced values; random: "
            "each trial draws every knob at random (in log space on a log scale).",
        )
        self.trials = pn.widgets.IntInput(
            name="Trials",
            value=20,
            start=1,
            end=PAGE_MAX_TRIALS,
            width=90,
            description=f"How many trainings to run (at most {PAGE_MAX_TRIALS} from the page). "
            "A grid uses round(trials^(1/knobs)) values per knob.",
        )
        self.epochs = pn.widgets.IntInput(
            name="Epochs",
            value=200,
            start=1,
            end=PAGE_MAX_EPOCHS,
            width=90,
            description=f"Epochs each trial trains (at most {PAGE_MAX_EPOCHS} from the page).",
        )
        self.run_button = pn.widgets.Button(label="▶ Run", button_type="primary", width=90)
        self.stop_button = pn.widgets.Button(label="■ Stop", width=80, disabled=True)
        self.narrow_button = pn.widgets.Button(
            label="Narrow to the best",
            width=150,
            disabled=True,
        )
        self.lesson_button = pn.widgets.Button(
            label="Grid vs random",
            width=140,
        )
        # One tooltip beside the buttons, not one on each: a button's tooltip stays
        # up after a click and covers what the click shows (see transport.py).
        self.buttons_help = pn.widgets.TooltipIcon(
            value="Run: start the search (space). Stop: stop it; the trials done stay. "
            "Narrow to the best: set the ranges around the best trials (coarse to fine), "
            "then Run again. Grid vs random: the lesson, the same number of trials as a "
            "grid and at random over the learning rate (which matters) and momentum "
            "(which does nothing with plain SGD): random tries many more learning rates.",
            margin=(12, 4),
        )
        self.run_button.on_click(lambda e: self.run())
        self.stop_button.on_click(lambda e: self.stop())
        self.narrow_button.on_click(lambda e: self.narrow())
        self.lesson_button.on_click(lambda e: self.run_lesson())
        self.progress = pn.indicators.Progress(
            value=0, max=1, sizing_mode="stretch_width", height=12, visible=False
        )
        self.status = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["pg-sweep-status"])
        self.notice = pn.pane.Alert(
            "<br>".join(html.escape(w) for w in warnings or []),
            alert_type="warning",
            visible=bool(warnings),
        )
        self.message = pn.pane.Alert("", alert_type="danger", visible=False)

        self.scatter_slot = pn.Column(sizing_mode="stretch_width", min_width=0)
        self.curves = BestCurves(theme)
        self.best = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["pg-sweep-best"])
        self.table = pn.widgets.Tabulator(
            pd.DataFrame(),
            show_index=False,
            disabled=True,
            height=300,
            sizing_mode="stretch_width",
            layout="fit_data_fill",
            formatters={
                "open": {"type": "html"},
                **{c: NumberFormatter(format="0.0000") for c in RESULT_COLUMNS},
            },
            css_classes=["pg-sweep-table"],
        )
        self.results_view = pn.Column(
            pn.FlexBox(
                pn.Column(self.scatter_slot, styles={"flex": "1 1 420px", "min-width": "0"}),
                pn.Column(
                    pn.pane.Bokeh(self.curves.figure, sizing_mode="stretch_width"),
                    styles={"flex": "1 1 420px", "min-width": "0"},
                ),
                sizing_mode="stretch_width",
            ),
            self.best,
            self.table,
            sizing_mode="stretch_width",
            visible=False,
        )
        self.compare_view = pn.Column(sizing_mode="stretch_width", visible=False)
        panel = {"background": theme.panel, "border-bottom": f"1px solid {theme.grid}"}
        self.top = pn.Column(
            pn.FlexBox(self.base, self.from_playground, align_items="flex-end"),
            pn.FlexBox(*self.rows, sizing_mode="stretch_width"),
            pn.FlexBox(
                self.search,
                self.trials,
                self.epochs,
                self.run_button,
                self.stop_button,
                self.narrow_button,
                self.lesson_button,
                self.buttons_help,
                align_items="flex-end",
            ),
            self.progress,
            self.status,
            styles=panel,
            sizing_mode="stretch_width",
        )
        self._layout = pn.Column(
            self.top,
            self.notice,
            self.message,
            self.results_view,
            self.compare_view,
            sizing_mode="stretch_width",
            styles={"background": theme.background, "color": theme.text},
        )
        self._base_changed(self.base.value)
        self._doc = pn.state.curdoc if pn.state.curdoc is not None else None

    # ------------------------------------------------------------- the form
    def _base_changed(self, text: str) -> None:
        """Read the base query: say what was wrong with it, follow it in the
        address bar, and say when a sweep will add a validation share."""
        config, warnings = Config.from_query(text.strip().lstrip("?"))
        values = config.values()
        changed = {k: v for k, v in values.items() if getattr(self.config, k) != v}
        if changed:
            self.config.param.update(**changed)
        notes = [f"Base settings: {w}" for w in warnings]
        if config.validation_ratio == 0:
            notes.append(
                "The base settings hold out no validation points: the sweep holds out "
                f"{SWEEP_VALIDATION} % of the training points "
                f"(validation_ratio={SWEEP_VALIDATION}) to choose on."
            )
        self._say(notes, "warning")

    def use_page_settings(self) -> None:
        """The 2-D page's knobs become the base settings (if it has been opened)."""
        query = self._queries().get("playground")
        if query is None:
            self._say(["Open the 2-D playground first: its knobs are copied from there."])
            return
        self.base.value = query

    def axes(self) -> tuple[Axis, ...]:
        """The varied knobs; ValueError says what is wrong."""
        axes = [a for a in (row.axis() for row in self.rows) if a is not None]
        if not axes:
            raise ValueError("Pick at least one knob to vary.")
        return tuple(axes)  # (the SweepSpec refuses a knob varied twice)

    def _say(self, lines: list[str], kind: str = "warning") -> None:
        self.notice.alert_type = kind
        self.notice.object = "<br>".join(html.escape(line) for line in lines)
        self.notice.visible = bool(lines)

    def _error(self, text: str) -> None:
        self.message.object = html.escape(text)
        self.message.visible = True

    # ---------------------------------------------------------------- running
    @property
    def running(self) -> bool:
        return any(not live.sweep.done for live in self.live.values())

    def _start(self, specs: dict[str, SweepSpec], titles: dict[str, str]) -> bool:
        """Check the caps of every spec, then start them all (or none)."""
        seconds, notes = 0.0, []
        try:
            for spec in specs.values():
                estimate, said = check_spec(spec)
                seconds += estimate
                notes += [n for n in said if n not in notes]
        except ValueError as err:
            self._error(str(err))
            return False
        self._estimate = seconds
        self._say([n[0].upper() + n[1:] for n in notes], "info")
        sweeps = {key: Sweep(spec) for key, spec in specs.items()}
        self.stop()
        self.message.visible = False
        colours = ColourScale()  # one scale for side-by-side scatters
        self.live = {
            key: LiveSweep(
                sweep, TrialScatter(sweep.spec.axes, self.theme, titles.get(key, ""), colours)
            )
            for key, sweep in sweeps.items()
        }
        for live in self.live.values():
            live.sweep.start()
        self.progress.param.update(value=0, max=sum(s.total for s in sweeps.values()), visible=True)
        self.run_button.disabled = True
        self.stop_button.disabled = False
        self.narrow_button.disabled = True
        self._start_polling()
        return True

    def run(self) -> bool:
        """Start the search the form describes (refused with a message if the
        form is wrong or over the caps). True if it started."""
        try:
            axes = self.axes()
            spec = spec_of(
                self.base.value.strip().lstrip("?"),
                axes,
                self.search.value,
                int(self.trials.value),
                int(self.epochs.value),
            )
        except ValueError as err:
            self._error(str(err))
            return False
        if not self._start({"main": spec}, {}):
            return False
        live = self.live["main"]
        figure = pn.pane.Bokeh(live.scatter.figure, sizing_mode="stretch_width")
        self.scatter_slot.objects = [figure]
        self.table.value = pd.DataFrame()
        self.table.titles = {
            **{a.name: label(a.name) for a in axes},
            **{c: c.replace("_", " ") for c in RESULT_COLUMNS},
        }
        self.best.object = ""
        self.compare_view.visible = False
        self.results_view.visible = True
        self.curves.show([], [])
        self._say_status()
        return True

    def run_lesson(self) -> bool:
        """Grid vs random: the same number of trials over the learning rate (it
        matters) and momentum (nothing, with plain SGD), side by side."""
        base, epochs = LESSON.query, LESSON.epochs
        axes = tuple(parse_axis(t) for t in LESSON_AXES)
        specs = {s: spec_of(base, axes, s, LESSON_TRIALS, epochs) for s in SEARCHES}
        if not self._start(specs, {s: f"{s.capitalize()} search" for s in SEARCHES}):
            return False
        self.compare_counts = {
            s: pn.pane.HTML("", css_classes=[f"pg-count-{s}"], sizing_mode="stretch_width")
            for s in SEARCHES
        }
        self.compare_view.objects = [
            pn.pane.HTML(
                f"<b>Grid vs random, {LESSON_TRIALS} trials each.</b> The learning rate "
                "matters; momentum does nothing with plain SGD. A grid tries only a few "
                "learning rates, each with every momentum; random search tries a new "
                "learning rate in every trial.",
                sizing_mode="stretch_width",
            ),
            pn.FlexBox(
                *(
                    pn.Column(
                        pn.pane.Bokeh(self.live[s].scatter.figure, sizing_mode="stretch_width"),
                        self.compare_counts[s],
                        styles={"flex": "1 1 380px", "min-width": "0"},
                    )
                    for s in SEARCHES
                ),
                sizing_mode="stretch_width",
            ),
        ]
        self.results_view.visible = False
        self.compare_view.visible = True
        self._say_status()
        return True

    def stop(self) -> None:
        """Stop every running sweep (the trials finished so far stay)."""
        for live in self.live.values():
            live.sweep.stop()
        self.poll()

    def narrow(self) -> None:
        """Set the rows to the ranges around the best trials (coarse to fine)."""
        live = self.live.get("main")
        if live is None or not live.results:
            return
        for row, axis in zip(self.rows, narrow(live.sweep.spec.axes, live.results)):
            row.set_axis(axis)
        self.search.value = "random"

    def _start_polling(self) -> None:
        if self._doc is None or self._doc.session_context is None:
            return  # headless (tests): the caller polls
        if self._loop is None:
            self._loop = pn.state.add_periodic_callback(self.poll, period=POLL_MS, start=False)
        if not self._loop.running:
            self._loop.start()

    def poll(self) -> None:
        """Show the trials finished since the last look; when every sweep is
        done (or stopped), the final report."""
        # Whether all are done is asked before the results are read: asked after,
        # a trial finishing in between would be left out of the final report.
        finished = not self.running
        for key, live in self.live.items():
            new = live.take_new()
            if key == "main" and new:
                self._show_main(live)
            elif new:
                self._show_count(key, live)
        self.progress.value = min(
            self.progress.max, sum(len(live.results) for live in self.live.values())
        )
        if finished:
            self._finished()
        self._say_status(finished)

    def _show_main(self, live: LiveSweep) -> None:
        # The whole table each time (at most 100 rows, a few times a second), best
        # first as the sweep ranks them (rows streamed in would be appended below);
        # a click on a column's header sorts by it.
        rows = [self._row(r, live.names) for r in ranked(live.results)]
        self.table.value = pd.DataFrame(rows)
        self.curves.show(live.results, live.names)
        self.best.object = best_html(live.sweep.best(), live.names, done=False)

    @staticmethod
    def _row(result: dict, names: list[str]) -> dict:
        row = {"trial": result["trial"]}
        for n in names:
            v = result[n]
            row[n] = choice_text(v) if is_choice(n) else v
        row.update({c: result.get(c) for c in RESULT_COLUMNS})
        row.update(
            open=f"<a href='/?{html.escape(result['query'])}' target='_blank'>open ↗</a>",
        )
        return row

    def _show_count(self, key: str, live: LiveSweep) -> None:
        lr = live.names[0]
        best = live.sweep.best()
        acc = best.get("validation_accuracy") if best else None
        best_text = (
            f"; best validation accuracy {100 * acc:.1f} %" if isinstance(acc, float) else ""
        )
        self.compare_counts[key].object = (
            f"<b>{key.capitalize()}</b>: {len(live.results)} trials, "
            f"<b>{distinct(live.results, lr)}</b> distinct {label(lr).lower()} values"
            f"{best_text}"
        )

    def _finished(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.run_button.disabled = False
        self.stop_button.disabled = True
        failed = [live.sweep.error for live in self.live.values() if live.sweep.error]
        if failed:
            self._error(f"A trial failed, so the sweep stopped: {failed[0]}")
        live = self.live.get("main")
        if live is not None:
            self.best.object = best_html(live.sweep.best(), live.names, done=True)
            self.narrow_button.disabled = not live.results

    def _say_status(self, finished: bool = False) -> None:
        done = sum(len(live.results) for live in self.live.values())
        total = sum(live.sweep.total for live in self.live.values())
        if not self.live:
            self.status.object = ""
        elif not finished:
            self.status.object = (
                f"Running: {done} of {total} trials done (about {self._estimate:.0f} s in all) …"
            )
        else:
            stopped = any(live.sweep.stopped for live in self.live.values())
            self.status.object = f"{done} of {total} trials done{' (stopped)' if stopped else ''}."

    # ------------------------------------------------------ what the shell asks
    def set_playing(self, playing: bool) -> None:
        """The shell's play (autoplay, a returning visitor) runs the search; its
        pause (switching modes, a hidden tab) lets a running sweep finish: it is
        bounded, and its results wait on the page."""
        if playing and not self.running:
            self.run()

    def toggle(self) -> None:
        """The space bar: Run, or Stop while running."""
        if self.running:
            self.stop()
        else:
            self.run()

    def step(self) -> None:
        """(No epochs to step here.)"""

    def reset(self) -> None:
        """(Nothing to reset: Run starts afresh.)"""

    def resume(self) -> None:
        """(Nothing pauses here.)"""

    def set_stop(self, epoch: int | None, reason: str = "") -> None:
        """(Lessons stop training pages, not searches.)"""

    def open_views(self, names) -> None:
        """(No views inside a network here.)"""

    def refuse_upload(self, filename: str, size: int) -> None:
        """(No uploads here.)"""

    def hide(self, names) -> None:
        """(Nothing to hide: the page declares no ``hide=`` names.)"""

    def show_only(self, parts) -> None:
        """(Not embedded: every part stays.)"""

    def close(self) -> None:
        """The tab has gone: stop the sweeps and the loop that watches them."""
        for live in self.live.values():
            live.sweep.stop()
        if self._loop is not None:
            self._loop.stop()

    def __panel__(self):
        return self._layout
