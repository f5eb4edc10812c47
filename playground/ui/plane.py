"""The 2-D playground page: composes the views and runs the frame loop.

Each browser session gets its own :class:`Playground` and so its own
:class:`~playground.experiment.Session`. While playing, a periodic callback
trains ``epochs per frame`` epochs and redraws; every redraw goes out in one
batch (``pn.io.hold``). Knob changes reach the session through the widgets'
two-way binding to its Config; the session decides (its EFFECTS table) which
apply live and which rebuild the network.
"""

from __future__ import annotations

import io
import math
import time
from functools import partial

import numpy as np
import panel as pn
from tornado.ioloop import IOLoop

from playground.data import FEATURES, MAX_BYTES, MAX_ROWS, CSVError, check_size
from playground.experiment import EFFECTS, KNOBS, Config, Effect
from playground.ui.controls import DatasetPicker, TickBox, knob
from playground.ui.declare import ITSELF, PageDeclaration
from playground.ui.inside import VIEWS
from playground.ui.inside_controls import LABEL as INSIDE_LABEL
from playground.ui.inside_controls import InsideControls
from playground.ui.pins import LABEL as PIN_LABEL
from playground.ui.scene import STAGE_HIDEABLE, STAGE_PARTS, FrameBuilder
from playground.ui.stage import Stage
from playground.ui.theme import Theme, with_tip
from playground.ui.transport import TrainingPage

#: Milliseconds between two looks of the watchdog while playing: frames are sent
#: when the browser confirms the last one, not on a timer; the watchdog only
#: carries on when confirmations stopped coming (a frame lost with a reload).
WATCHDOG_MS = 250
EPOCHS_PER_FRAME = (1, 2, 5, 10, 25, 100)
#: The most training one frame does before other sessions get their turn: a big
#: network's epochs are trained in slices over several turns (nobody stalls).
TICK_BUDGET_S = 0.1
#: A network whose epoch spans several turns is still drawn this often (seconds).
PARTIAL_FRAME_S = 0.5
ERASER = "Eraser"
SPEED_LABEL = "Epochs per frame"
BRUSH_LABEL = "Click adds"
ERASE_RADIUS = 0.6
TOP_KNOBS = ("learning_rate", "activation", "regularization", "reg_rate", "problem", "optimizer")
DATA_KNOBS = ("train_ratio", "validation_ratio", "noise", "batch_size", "n_classes", "standardize")
#: Knobs in the "More knobs" card under the network (the lessons use them too).
MORE_KNOBS = (
    "n_samples",
    "balance",
    "outliers",
    "seed",
    "init",
    "dropout",
    "batch_norm",
    "schedule",
    "decay",
    "decay_every",
    "output",
    "loss",
    "momentum",
    "beta1",
    "beta2",
    "rho",
    "clip_norm",
)

CSS = """
.pg-heading { text-transform: uppercase; letter-spacing: 0.06em; font-size: 13px; }
"""


class Playground(TrainingPage):
    """One user's playground page.

    The frame loop is driven by the browser: each frame it confirms (``ack``)
    lets the page train ``epochs per frame`` more and send the next, at most
    FRAMES_IN_FLIGHT ahead (:class:`~playground.ui.stage.FrameFlow`). A lone
    page so runs at the browser's frame rate, a slow browser gets fewer frames,
    and nothing is trained that is not shown.
    The server's fair share (``self.share``) spaces the turns of many
    playing pages; a slow watchdog carries on if confirmations stop.
    """

    TICK_MS = WATCHDOG_MS
    PLAY_HELP = "Start or pause training; the page redraws after every frame."
    #: What ``hide=`` may name: every knob with a control here and these parts
    #: (the stage's own, STAGE_HIDEABLE, are hidden inside the stage; the More
    #: knobs by not being built); what an embedded page's ``show=`` picks from
    #: (the stage draws STAGE_PARTS).
    DECLARED = PageDeclaration(
        knobs=(*TOP_KNOBS, *DATA_KNOBS, *MORE_KNOBS),
        parts={
            "dataset": "picker",
            "regenerate": "regenerate",
            "speed": "speed",
            "play": "transport_row",
            "brush": "brush_row",
            "views": "inside",
            **dict.fromkeys(STAGE_HIDEABLE, ITSELF),
        },
        show={
            "controls": "knob_row",
            "data": "side",
            **dict.fromkeys(STAGE_PARTS, ITSELF),
            **dict.fromkeys(VIEWS, ITSELF),
        },
        labels={
            "speed": SPEED_LABEL,
            "brush": BRUSH_LABEL,
            "views": INSIDE_LABEL,
            "pins": PIN_LABEL,
        },
    )

    def __init__(
        self,
        config: Config | None = None,
        *,
        theme: str | Theme = "light",
        warnings: list[str] | None = None,
        live_socket: bool = False,
        **overrides,
    ):
        super().__init__(config, theme, warnings=warnings, **overrides)
        t = self.theme
        self.frames = FrameBuilder(t)
        self._hidden: frozenset[str] = frozenset()
        self.stage = Stage(self._from_browser, socket=live_socket)
        self.picker = DatasetPicker(self.config, t, self._pick_dataset)
        self._io = IOLoop.current() if self._doc is not None else None

        self.speed = pn.widgets.Select(
            label=SPEED_LABEL,
            options=list(EPOCHS_PER_FRAME),
            value=1,
            width=112,
            margin=(5, 5),
            description="How many epochs to train between two redraws: more is faster, "
            "fewer is smoother to watch. A big network trains fewer per redraw, so "
            "the server stays quick for everybody.",
        )
        self.regenerate = pn.widgets.Button(
            label="Regenerate",
            width=110,
            description="Draw new points from the same data set; the network keeps its weights.",
        )
        self.upload = pn.widgets.FileInput(
            accept=".csv,text/csv",
            sizing_mode="stretch_width",
            description=f"Load your own points: a CSV file with x1,x2,label rows (at most "
            f"{MAX_ROWS} rows, {MAX_BYTES // 1_000_000} MB). A bad file is reported and the "
            "current data kept.",
        )
        self.upload.param.watch(self._uploaded, "value")
        self.download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(self.session.export_csv()),
            filename="points.csv",
            label="Download points (CSV)",
            button_type=t.quiet_button,
            sizing_mode="stretch_width",
            description="Save the current points (generated, clicked or loaded) as x1,x2,label.",
        )
        # (TickBox, not Checkbox: clicking the words ticks it too)
        self.show_test = TickBox("Show test data")
        self.discretize = TickBox("Discretize output")
        self.brush = pn.widgets.RadioButtonGroup(
            options=["Orange (−1)", "Blue (+1)", ERASER],
            value="Blue (+1)",
            button_type=t.quiet_button,
            description="Clicking on the output adds a point of this class; the eraser "
            "removes points near the click.",
        )
        self.inside = InsideControls(self.frames.views, t, self._views_changed)
        self.brush_row = pn.Row(pn.pane.Markdown(f"**{BRUSH_LABEL}:**", margin=(8, 5)), self.brush)

        # Flow control (see the class doc): frames sent, frames the browser has
        # confirmed, and whether it has said hello (its module is listening).
        self._pump_due = False
        self._cost_key: tuple = ()
        self._per_batch: float | None = None  # seconds per training step, measured
        self.regenerate.on_click(lambda e: self._regenerate())
        self.show_test.param.watch(lambda e: self._options_changed(), "value")
        self.discretize.param.watch(lambda e: self._options_changed(), "value")
        # After the session's own watcher (precedence 10) has noted the change.
        self.config.param.watch(self._config_changed, list(KNOBS), precedence=20)

        self._layout = self._build_layout()
        self._sync_controls()

    # ------------------------------------------------------------------ layout
    def _build_layout(self):
        t = self.theme
        self._data_controls = {name: knob(self.config, name) for name in DATA_KNOBS}
        self._top_controls = {
            name: knob(self.config, name, width=122, margin=(5, 5), sizing_mode=None)
            for name in TOP_KNOBS
        }
        self.transport_row = pn.Row(
            self.play, self.step_button, self.reset_button, self.transport_help, margin=(0, 4)
        )
        self.knob_row = pn.FlexBox(
            self.speed,
            *self._top_controls.values(),
            align_items="flex-end",
            margin=0,
            # beside the buttons while there is room; below them on a phone
            styles={"flex": "1 1 0", "min-width": "min(100%, 560px)"},
        )
        # An embedded page keeps Play and the counter even when it shows no knobs.
        top = pn.FlexBox(
            self.transport_row,
            self.knob_row,
            styles={"background": t.panel, "border-bottom": f"1px solid {t.grid}"},
            sizing_mode="stretch_width",
            align_items="flex-end",
        )
        #: Where the shell puts a lesson's text: beside the picture, not above it.
        self.sidebar = pn.Column(sizing_mode="stretch_width", margin=0)
        data_col = pn.Column(
            pn.pane.HTML("<b class='pg-heading'>Data</b>"),
            self.picker,
            *self._data_controls.values(),
            self.regenerate,
            self.upload,
            self.download,
            width=220,
        )
        self._options_row = pn.FlexBox(
            with_tip(
                self.show_test,
                "Also draw the test points (dark outline) the network never trains on.",
            ),
            with_tip(
                self.discretize,
                "Show only which class wins at each spot, not how sure the network is.",
            ),
            self.brush_row,
            sizing_mode="stretch_width",
        )
        stage_col = pn.Column(
            self.stage,
            self._options_row,
            self.inside,
            self._more_card(),
            # takes what the data column leaves (and the whole width on a phone)
            styles={"flex": "1 1 340px", "min-width": "0"},
        )
        # After the stage in the page's order, so a phone shows the picture first;
        # beside it, on the left, wherever there is room for both.
        self.side = pn.Column(
            self.sidebar,
            data_col,
            width=230,
            margin=0,
            stylesheets=["@media (min-width: 700px) { :host { order: -1; } }"],
        )
        self.hideable = self.DECLARED.hideable(self, {**self._top_controls, **self._data_controls})
        self.parts = self.DECLARED.shown(self)
        self._data_col = data_col
        return pn.Column(
            top,
            self.notice,
            self.message,
            pn.FlexBox(stage_col, self.side, sizing_mode="stretch_width", flex_wrap="wrap"),
            sizing_mode="stretch_width",
            styles={"background": t.background, "color": t.text},
            stylesheets=[CSS],
        )

    def _more_card(self) -> pn.Card:
        """Every other knob (initialisation, dropout, batch norm, schedule, ...),
        folded away until wanted, and built only then: fifteen widgets nobody
        has opened would be a fifth of what a new session costs the server."""
        self._more_controls: dict[str, pn.viewable.Viewable] = {}
        card = pn.Card(
            title="More knobs",
            collapsed=True,
            sizing_mode="stretch_width",
            margin=(10, 5),
        )

        def build(event=None) -> None:
            if card.collapsed or card.objects:
                return
            self._more_controls = {
                name: knob(self.config, name, width=170, sizing_mode=None)
                for name in MORE_KNOBS
                if name not in self._hidden
            }
            card.objects = [pn.FlexBox(*self._more_controls.values())]

        card.param.watch(build, "collapsed")
        return card

    def hide(self, names) -> None:
        self._hidden = frozenset(names)  # (the More knobs are built without these)
        super().hide(names)
        self.frames.hidden = frozenset(n for n in names if n in STAGE_HIDEABLE)
        self._render()

    def show_only(self, parts) -> None:
        super().show_only(parts)
        self.frames.parts = tuple(p for p in STAGE_PARTS if p in parts)
        self.inside.show(parts)
        self.stage.visible = bool(self.frames.parts) or bool(self.frames.views.shown)
        self._options_row.visible = "output" in parts
        self._render()

    def _sync_controls(self) -> None:
        """The controls that depend on the problem: one brush per class, the
        class-count knob only for the multi-class sets."""
        plan = self.session.plan
        if plan.kind == "binary":
            options = ["Orange (−1)", "Blue (+1)"]
        elif plan.kind == "multiclass":
            options = [f"Class {k}" for k in range(plan.n_classes)]
        else:
            options = ["Value −1", "Value 0", "Value +1"]
        options.append(ERASER)
        if list(self.brush.options) != options:
            self.brush.options = options
            self.brush.value = options[-2]
        self._data_controls["n_classes"].visible = plan.kind == "multiclass"
        self.inside.sync(self.session)

    # -------------------------------------------------------- the browser says
    def _from_browser(self, message: dict) -> None:
        """A message from the stage: confirmations at once, everything that
        touches widgets under the document's lock (it may come from the
        page's own websocket, outside Bokeh's callbacks)."""
        kind = message.get("t")
        if kind == "ack":
            self.flow.ack(message.get("f"))
            self._pump()
        elif kind == "hello":
            self.flow.hello()
            self.frames.invalidate()
            self._render()
            self._pump()  # (autoplay: playing before the browser was listening)
        elif kind == "resync":
            self.frames.resync()
        elif self.pin_message(kind):
            pass
        elif kind in _ACTIONS:
            self._in_doc(partial(self._act, kind, message))

    def _act(self, kind: str, message: dict) -> None:
        """Do what a click on the stage asked for; a malformed request does nothing."""
        try:
            _ACTIONS[kind](self, message)
        except (TypeError, ValueError, KeyError, IndexError, OverflowError):
            return

    # ------------------------------------------------------------- frame loop
    def set_playing(self, playing: bool) -> None:
        super().set_playing(playing)
        if self.playing:
            self._pump()

    def train_tick(self) -> bool:
        """The watchdog: frames are sent when the browser confirms the last; if
        no confirmation came for ACK_TIMEOUT_S, carry on as if it had."""
        self.flow.give_up_waiting()
        self._pump()
        return False  # the turns' costs are recorded by _pump itself

    def _pump(self) -> None:
        """Train and send frames while fewer than FRAMES_IN_FLIGHT are unconfirmed
        and it is this page's turn of the shared server."""
        self._pump_due = False
        s = self.session
        while self.playing and self.flow.ready and not self.flow.full:
            if s.diverged:
                self._in_doc(self._show_divergence)
                return
            now = time.monotonic()
            if now < self._next_work:
                self._later(self._next_work - now)
                return
            t0 = time.perf_counter()
            drew = self._advance()
            self.share.record(self, time.perf_counter() - t0)
            self._next_work = now + self.share.interval()
            if not drew:  # an epoch in slices: carry on after the others' turns
                self._later(0.0)
                return

    def _later(self, delay: float) -> None:
        if self._io is not None and not self._pump_due:
            self._pump_due = True
            self._io.call_later(delay, self._pump)

    def _advance(self) -> bool:
        """Train up to ``epochs per frame`` epochs within TICK_BUDGET_S and send
        the frame; a network whose epoch is longer than that is trained in
        slices and drawn after each epoch, or every PARTIAL_FRAME_S. Returns
        whether a frame was sent."""
        s = self.session
        if s.n_train == 0:
            s.step(1)  # nothing to train on: the session says so
        elif not (self._train_for(TICK_BUDGET_S) or s.diverged) and (
            time.monotonic() - self.flow.sent_at < PARTIAL_FRAME_S
        ):
            return False
        self._render()
        return True

    def _train_for(self, budget: float) -> int:
        """Train up to ``epochs per frame`` epochs in slices for about ``budget``
        seconds at most (the first slice of a new network is one step, which
        measures its cost); returns how many epochs finished."""
        s = self.session
        model = s.model
        key = (id(model), model.n_params, s.config.batch_size, s.n_train)
        if key != self._cost_key:
            self._cost_key, self._per_batch = key, None
        deadline = time.perf_counter() + budget
        finished, before, wanted = 0, s.epoch, self.epochs_to_train(self.speed.value)
        while finished < wanted and not s.diverged:
            now = time.perf_counter()
            per = self._per_batch
            batches = 1 if per is None else max(1, int((deadline - now) / per))
            steps = model.steps
            row = s.train_slice(batches)
            took = model.steps - steps
            if took:
                cost = (time.perf_counter() - now) / took
                self._per_batch = cost if per is None else 0.7 * per + 0.3 * cost
            finished += row is not None
            if (not took and row is None) or time.perf_counter() >= deadline:
                break  # out of time, or nothing was trained (it diverged)
        self.stop_if_reached(before)
        return finished

    # ----------------------------------------------------------------- actions
    def step_epoch(self) -> None:
        self.session.step(1)
        self._render()

    def redraw(self) -> None:
        self._render()

    def after_reset(self) -> None:
        self.frames.resync()

    def _regenerate(self) -> None:
        self.session.regenerate()
        self.frames.points_changed()
        self._render()

    def open_views(self, names) -> None:
        self.inside.open(names)

    def _views_changed(self) -> None:
        self.inside.sync(self.session)
        self._render()

    def _options_changed(self) -> None:
        self.frames.show_test = self.show_test.value
        self.frames.discretize = self.discretize.value
        self._render()

    def _pick_dataset(self, name: str) -> None:
        self.config.dataset = name

    def toggle_feature(self, name: str) -> None:
        if name not in FEATURES:
            return
        features = list(self.config.features)
        if name in features:
            if len(features) == 1:
                self._notify("The network needs at least one input feature.")
                return
            features.remove(name)
        else:
            features = [f for f in FEATURES if f in features or f == name]
        self.config.features = features

    def change_layers(self, delta: int) -> None:
        """One hidden layer more (``delta`` > 0, as wide as the last) or fewer."""
        hidden = list(self.config.hidden)
        if delta > 0 and len(hidden) < self.config.param["hidden"].bounds[1]:
            hidden.append(hidden[-1] if hidden else 2)
        elif delta < 0 and hidden:
            hidden.pop()
        self.config.hidden = hidden

    def change_neurons(self, layer: int, delta: int) -> None:
        """One neuron more (``delta`` > 0) or fewer in hidden layer ``layer``."""
        hidden = list(self.config.hidden)
        if not 0 <= layer < len(hidden):
            return
        lo, hi = self.config.param["hidden"].item_bounds
        hidden[layer] = int(np.clip(hidden[layer] + np.sign(delta), lo, hi))
        self.config.hidden = hidden

    def set_value(self, kind: str, layer: int, row: int, col: int, value: float) -> None:
        """Give one edge (``kind="weight"``) or one bias a value the user typed."""
        if kind == "weight":
            self.session.set_weight(layer, row, col, value)
        elif kind == "bias":
            self.session.set_bias(layer, row, value)
        else:
            return
        self._render()

    def click(self, x: float, y: float) -> None:
        """A click on the output: add a point with the chosen brush, or erase."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        try:
            if self.brush.value == ERASER:
                self.session.remove_points_near(x, y, ERASE_RADIUS)
            else:
                self.session.add_point(x, y, _brush_label(self.brush.value))
        except (ValueError, CSVError) as err:
            self._notify(str(err))
            return
        self.frames.points_changed()
        self._render()

    def _uploaded(self, event) -> None:
        """Use the points of an uploaded CSV file, or say what is wrong with it."""
        if event.new is None:
            return  # cleared (an empty file is b"" and is reported as such)
        try:
            n = self.session.load_csv(event.new)
        except (CSVError, ValueError) as err:
            self._notify(f"{self.upload.filename or 'The file'}: {err}")
            return
        self._notify(f"Loaded {n} points from {self.upload.filename or 'the file'}.", "success")
        self.frames.points_changed()
        self._render()

    def refuse_upload(self, filename: str, size: int) -> None:
        """The browser kept a file over the size cap from being sent: say why."""
        try:
            check_size(size)
        except CSVError as err:
            self._notify(f"{filename or 'The file'}: {err}")

    def _config_changed(self, *events) -> None:
        names = {e.name for e in events}
        level = max(EFFECTS[n] for n in names)
        if level >= Effect.NETWORK:
            self.message.visible = False
        if level >= Effect.SPLIT:
            self.frames.points_changed()
        self._sync_controls()
        self._render()

    def __panel__(self):
        return self._layout


#: What a click on the stage can ask for: the message's kind -> the page's action.
_ACTIONS = {
    "feature": lambda page, m: page.toggle_feature(str(m["name"])),
    "layers": lambda page, m: page.change_layers(int(m["delta"])),
    "neurons": lambda page, m: page.change_neurons(int(m["layer"]), int(m["delta"])),
    "set": lambda page, m: page.set_value(
        str(m["kind"]), int(m["layer"]), int(m["row"]), int(m["col"]), float(m["value"])
    ),
    "click": lambda page, m: page.click(float(m["x"]), float(m["y"])),
}


def _brush_label(brush: str) -> float:
    """The label a brush adds: −1/+1, a class number or a regression value."""
    if brush.startswith("Orange"):
        return -1.0
    if brush.startswith("Blue"):
        return 1.0
    word, value = brush.rsplit(" ", 1)
    return float(value.replace("−", "-").replace("+", ""))
