"""The playground page: composes the views and runs the frame loop.

Each browser session gets its own :class:`Playground` and so its own
:class:`~playground.experiment.Session`. While playing, a periodic callback
trains ``epochs per frame`` epochs and redraws; every redraw goes out in one
batch (``pn.io.hold``). Knob changes reach the session through the widgets'
two-way binding to its Config; the session decides (its EFFECTS table) which
apply live and which rebuild the network.

Serve with ``playground serve`` or ``panel serve playground/ui/app.py``.
"""

from __future__ import annotations

import html
import io
import time

import numpy as np
import panel as pn
from bokeh.models import CustomJS, Spinner

from playground.data import FEATURES, MAX_BYTES, MAX_ROWS, CSVError, check_size
from playground.experiment import EFFECTS, KNOBS, MNIST, Config, Effect
from playground.ui.charts import LossChart
from playground.ui.controls import DatasetPicker, knob
from playground.ui.live import EPOCH_STYLE, LiveHTML
from playground.ui.network import COLUMN, PX, NetworkDiagram, WeightEditor
from playground.ui.output import ERASE_RADIUS, ERASER, OutputView
from playground.ui.theme import THEMES, Theme
from playground.ui.transport import TrainingPage
from playground.ui.wire import install as install_wire

#: Milliseconds between training ticks while playing (up to 50 a second; the
#: browser is sent a frame per tick while it keeps up, see FRAMES_IN_FLIGHT).
FRAME_MS = 20
#: Resolution of the output heatmap; neuron thumbnails take every 4th pixel.
GRID = 100
THUMB_STEP = 4
EPOCHS_PER_FRAME = (1, 2, 5, 10, 25, 100)
#: Frames sent but not yet confirmed drawn by the browser, at most.
FRAMES_IN_FLIGHT = 3
#: The most training one tick does before other sessions get their turn: a big
#: network's epochs are trained in slices over several ticks (nobody stalls).
TICK_BUDGET_S = 0.1
#: A network whose epoch spans several ticks is still drawn this often (seconds).
PARTIAL_FRAME_S = 0.5
#: Send a frame anyway if the browser has confirmed none for this long.
ACK_TIMEOUT_S = 1.0
TOP_KNOBS = ("learning_rate", "activation", "regularization", "reg_rate", "problem", "optimizer")
DATA_KNOBS = ("train_ratio", "noise", "batch_size", "n_classes")
#: Knobs in the "More knobs" card under the network (the lessons use them too).
MORE_KNOBS = (
    "n_samples",
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

install_wire()

CSS = """
.pg-heading { text-transform: uppercase; letter-spacing: 0.06em; font-size: 13px; }
"""


def format_epoch(epoch: int) -> str:
    """``Epoch 000,123`` as the TensorFlow Playground shows it."""
    return format(epoch, "07,d")


class Playground(TrainingPage):
    """One user's playground page."""

    TICK_MS = FRAME_MS
    PLAY_HELP = "Start or pause training; the page redraws after every frame."

    def __init__(
        self,
        config: Config | None = None,
        *,
        theme: str | Theme = "light",
        warnings: list[str] | None = None,
        **overrides,
    ):
        if not isinstance(theme, Theme):
            theme = THEMES.get(theme, THEMES["light"])
        super().__init__(config, theme, **overrides)
        t = self.theme

        self.diagram = NetworkDiagram(t, self._toggle_feature)
        self.editor = WeightEditor(self.diagram, self._set_weight)
        self.output = OutputView(t, self._clicked)
        self.chart = LossChart(t)
        self.picker = DatasetPicker(self.config, t, self._pick_dataset)
        self.diagram.link_preview(self.output.preview, self.output.preview_renderer)

        self.speed = pn.widgets.Select(
            label="Epochs per frame",
            options=list(EPOCHS_PER_FRAME),
            value=1,
            width=120,
            description="How many epochs to train between two redraws: more is faster, "
            "fewer is smoother to watch. A big network trains fewer per redraw, so "
            "the server stays quick for everybody.",
        )
        self.epoch = LiveHTML(
            self._epoch_html(), css_classes=["pg-epoch"], margin=(12, 10), styles=EPOCH_STYLE
        )
        self.notice = pn.pane.Alert(
            _escaped(warnings or []), alert_type="warning", visible=bool(warnings)
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
            button_type="light",
            sizing_mode="stretch_width",
            description="Save the current points (generated, clicked or loaded) as x1,x2,label.",
        )
        self.add_layer = pn.widgets.Button(
            label="+ layer", width=80, description="Add a hidden layer (up to 8)."
        )
        self.remove_layer = pn.widgets.Button(
            label="− layer", width=80, description="Remove the last hidden layer."
        )
        self.layer_buttons = pn.Row()

        # Flow control: the browser echoes each frame number back once it is
        # drawing it, and the loop keeps at most FRAMES_IN_FLIGHT frames
        # unconfirmed. A slow browser or network then gets fewer frames instead
        # of an ever-growing backlog, and a click is never stuck behind seconds
        # of queued frames; a few frames in flight hide the round trip.
        # Two plain Bokeh models rather than Panel widgets: they change on every
        # frame, and Panel's machinery would cost more than the frame itself.
        # (The CSS classes name them for benchmarks/bench_load.py's light client.)
        self._frame_no = Spinner(value=0, visible=False, css_classes=["pg-frame-no"])
        self._painted = Spinner(value=0, visible=False, css_classes=["pg-painted"])
        self._frame_no.js_on_change(
            "value",
            CustomJS(
                args={"painted": self._painted},
                code="requestAnimationFrame(() => { painted.value = cb_obj.value })",
            ),
        )
        self._sent_at = 0.0
        self._cost_key: tuple = ()
        self._per_batch: float | None = None  # seconds per training step, measured
        self._frame_owed = False
        self.regenerate.on_click(lambda e: self._regenerate())
        self.add_layer.on_click(lambda e: self._change_layers(+1))
        self.remove_layer.on_click(lambda e: self._change_layers(-1))
        self.output.show_test.param.watch(
            lambda e: self.output.update_points(self.session), "value"
        )
        self.output.discretize.param.watch(lambda e: self._render(), "value")
        # After the session's own watcher (precedence 10) has noted the change.
        self.config.param.watch(self._config_changed, list(KNOBS), precedence=20)

        self._layout = self._build_layout()
        self._rebuild_layer_buttons()
        self._render(points=True)

    # ------------------------------------------------------------------ layout
    def _build_layout(self):
        t = self.theme
        self._data_controls = {name: knob(self.config, name) for name in DATA_KNOBS}
        self._top_controls = {
            name: knob(self.config, name, width=140, sizing_mode=None) for name in TOP_KNOBS
        }
        top = pn.FlexBox(
            pn.Row(self.play, self.step_button, self.reset_button, self.epoch, self.speed),
            *self._top_controls.values(),
            styles={"background": t.panel, "border-bottom": f"1px solid {t.grid}"},
            sizing_mode="stretch_width",
            align_items="flex-end",
        )
        data_col = pn.Column(
            pn.pane.HTML("<b class='pg-heading'>Data</b>"),
            self.picker,
            *self._data_controls.values(),
            self.regenerate,
            self.upload,
            self.download,
            width=220,
        )
        net_col = pn.Column(
            pn.Row(
                pn.pane.HTML("<b class='pg-heading'>Features → Hidden layers</b>"),
                self.remove_layer,
                self.add_layer,
            ),
            self.layer_buttons,
            pn.pane.Bokeh(self.diagram.figure),
            self.editor,
            self._more_card(),
            sizing_mode="stretch_width",
            min_width=420,
        )
        out_col = pn.Column(
            pn.pane.HTML("<b class='pg-heading'>Output</b>"),
            self.chart,
            self.output,
            width=t.px(360),
        )
        #: What ``hide=`` may name: every knob on the page and these parts.
        self.hideable = {
            **{
                name: (w,)
                for name, w in {
                    **self._top_controls,
                    **self._data_controls,
                    **self._more_controls,
                }.items()
            },
            "dataset": (self.picker,),
            "regenerate": (self.regenerate,),
            "layers": (self.layer_buttons, self.remove_layer, self.add_layer),
            "speed": (self.speed,),
            "editor": (self.editor,),
            "brush": (self.output.brush_row,),
        }
        #: What an embedded page's ``show=`` picks from.
        self.parts = {
            "controls": top,
            "data": data_col,
            "network": net_col,
            "output": self.output,
            "loss": self.chart,
        }
        return pn.Column(
            top,
            self.notice,
            self.message,
            pn.pane.Bokeh(self._frame_no, margin=0),
            pn.pane.Bokeh(self._painted, margin=0),
            pn.Row(data_col, net_col, out_col, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
            styles={"background": t.background, "color": t.text},
            stylesheets=[CSS],
        )

    def _more_card(self) -> pn.Card:
        """Every other knob (initialisation, dropout, batch norm, schedule, ...),
        folded away until wanted."""
        self._more_controls = {
            name: knob(self.config, name, width=170, sizing_mode=None) for name in MORE_KNOBS
        }
        return pn.Card(
            pn.FlexBox(*self._more_controls.values()),
            title="More knobs",
            collapsed=True,
            sizing_mode="stretch_width",
            margin=(10, 5),
        )

    def _rebuild_layer_buttons(self) -> None:
        """A −/+ pair above each hidden layer's column to change its neuron count."""
        column_px = int(COLUMN * PX)
        rows = [pn.Spacer(width=int((0.5 + COLUMN) * PX) - 45)]
        for i in range(len(self.config.hidden)):
            minus = pn.widgets.Button(
                label="−", width=32, margin=(0, 2), description=f"One neuron fewer in layer {i + 1}"
            )
            plus = pn.widgets.Button(
                label="+", width=32, margin=(0, 2), description=f"One neuron more in layer {i + 1}"
            )
            minus.on_click(lambda e, i=i: self._change_neurons(i, -1))
            plus.on_click(lambda e, i=i: self._change_neurons(i, +1))
            rows.append(pn.Row(minus, plus, width=column_px, margin=0))
        self.layer_buttons.objects = rows
        self.remove_layer.disabled = not self.config.hidden
        lo, hi = self.config.param["hidden"].bounds
        self.add_layer.disabled = len(self.config.hidden) >= hi

    # ----------------------------------------------------------------- actions
    def train_tick(self) -> bool:
        """Train ``epochs per frame`` epochs and draw them, once the browser has
        confirmed enough of the frames sent (training pauses with the drawing,
        so a frame shows that many more epochs, or fewer when they do not fit
        in TICK_BUDGET_S: a network whose epoch is longer than that is trained
        in slices over several ticks and drawn after each epoch, or every
        PARTIAL_FRAME_S while an epoch is under way)."""
        waiting = self._frame_no.value - self._painted.value >= FRAMES_IN_FLIGHT
        if waiting and time.monotonic() - self._sent_at < ACK_TIMEOUT_S:
            return False  # the browser is still drawing
        s = self.session
        if self._frame_owed:
            self._frame_owed = False
            self._render()
            return True
        if s.n_train == 0:
            s.step(1)  # nothing to train on: the session says so
            self._render()
            return True
        t0 = time.perf_counter()
        finished = self._train_for(TICK_BUDGET_S)
        since = time.monotonic() - self._sent_at
        # A slow drawing (a huge network) takes at most a fifth of the time, and
        # follows a long epoch's end (its evaluation) a tick later, not at once.
        if finished or s.diverged or since >= max(PARTIAL_FRAME_S, self.last_render_ms / 250):
            if time.perf_counter() - t0 > 2 * TICK_BUDGET_S:
                self._frame_owed = True
            else:
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
        finished = 0
        while finished < self.speed.value and not s.diverged:
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
        return finished

    def step_epoch(self) -> None:
        self.session.step(1)
        self._render()

    def redraw(self) -> None:
        self._render()

    def after_reset(self) -> None:
        self.chart.reset()

    def _regenerate(self) -> None:
        self.session.regenerate()
        self._render(points=True)

    def _pick_dataset(self, name: str) -> None:
        self.config.dataset = name

    def _toggle_feature(self, name: str) -> None:
        features = list(self.config.features)
        if name in features:
            if len(features) == 1:
                self._notify("The network needs at least one input feature.")
                return
            features.remove(name)
        else:
            features = [f for f in FEATURES if f in features or f == name]
        self.config.features = features

    def _change_layers(self, delta: int) -> None:
        hidden = list(self.config.hidden)
        if delta > 0:
            hidden.append(hidden[-1] if hidden else 2)
        elif hidden:
            hidden.pop()
        self.config.hidden = hidden

    def _change_neurons(self, layer: int, delta: int) -> None:
        hidden = list(self.config.hidden)
        lo, hi = self.config.param["hidden"].item_bounds
        hidden[layer] = int(np.clip(hidden[layer] + delta, lo, hi))
        self.config.hidden = hidden

    def _set_weight(self, selected: dict, value: float) -> None:
        model = self.session.model
        if selected["kind"] == "weight":
            model.set_weight(selected["layer"], selected["row"], selected["col"], value)
        else:
            model.set_bias(selected["layer"], selected["row"], value)
        self._render()

    def _clicked(self, x: float, y: float, brush: str) -> None:
        try:
            if brush == ERASER:
                self.session.remove_points_near(x, y, ERASE_RADIUS)
            else:
                self.session.add_point(x, y, _brush_label(brush))
        except (ValueError, CSVError) as err:
            self._notify(str(err))
            return
        self.output.update_points(self.session)
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
        self.chart.reset()
        self._notify(f"Loaded {n} points from {self.upload.filename or 'the file'}.", "success")
        self._render(points=True)

    def refuse_upload(self, filename: str, size: int) -> None:
        """The browser kept a file over the size cap from being sent: say why."""
        try:
            check_size(size)
        except CSVError as err:
            self._notify(f"{filename or 'The file'}: {err}")

    def _notify(self, text: str, kind: str = "warning") -> None:
        self.notice.alert_type = kind
        self.notice.object = _escaped([text])
        self.notice.visible = True

    def _config_changed(self, *events) -> None:
        names = {e.name for e in events}
        if "hidden" in names:
            self._rebuild_layer_buttons()
        level = max(EFFECTS[n] for n in names)
        if level >= Effect.NETWORK:
            self.chart.reset()
            self.message.visible = False
        self._render(points=level >= Effect.SPLIT)

    # ------------------------------------------------------------------ render
    def _epoch_html(self) -> str:
        return f"Epoch <b id='epoch'>{format_epoch(self.session.epoch)}</b>"

    def _render(self, points: bool = False) -> None:
        """Redraw the frame: maps, weights, boundary, charts, counter (one message)."""
        s = self.session
        t0 = time.perf_counter()
        with pn.io.hold():
            plan = s.plan
            maps = s.layer_maps(GRID)
            self.output.set_classes(plan.kind, plan.n_classes)
            self._data_controls["n_classes"].visible = plan.kind == "multiclass"
            self.output.update(s, maps[-1])
            if points:
                self.output.update_points(s)
            thumbs = [m[:, ::THUMB_STEP, ::THUMB_STEP] for m in maps]
            self.diagram.update(s, thumbs)
            self.chart.update(s.history, force=not self.playing)
            self.epoch.object = self._epoch_html()
            self._frame_no.value += 1
        self._sent_at = time.monotonic()
        self.last_render_ms = (time.perf_counter() - t0) * 1e3

    def __panel__(self):
        return self._layout


def _escaped(lines: list[str]) -> str:
    """Messages for the notice box, with any user text (from a URL or a CSV file)
    shown as text: the box renders Markdown, which would pass HTML through."""
    return "<br>".join(html.escape(line) for line in lines)


def _brush_label(brush: str) -> float:
    """The label a brush adds: −1/+1, a class number or a regression value."""
    if brush.startswith("Orange"):
        return -1.0
    if brush.startswith("Blue"):
        return 1.0
    word, value = brush.rsplit(" ", 1)
    return float(value.replace("−", "-").replace("+", ""))


def create_app(idle_minutes: float | None = None) -> pn.viewable.Viewable:
    """A new page for the current browser session, configured by its URL query:
    any knob of the Config plus the page options (mode, theme, presenter, embed,
    show, autoplay, hide, lesson). Training pauses after ``idle_minutes``
    without anybody using the page (default ``IDLE_MINUTES``; 0 never)."""
    from playground.ui.mnist_page import MNIST_KNOBS
    from playground.ui.options import HIDEABLE_PARTS, IDLE_MINUTES, split_query
    from playground.ui.shell import Shell  # the shell imports this module

    query = pn.state.location.search.lstrip("?") if pn.state.location else ""
    hideable = {*TOP_KNOBS, *DATA_KNOBS, *MORE_KNOBS, *MNIST_KNOBS, "hidden", *HIDEABLE_PARTS}
    options, knobs, warnings = split_query(query, hideable)
    if options.lesson:
        from playground.experiment.lessons import LESSONS, merge_query

        if options.lesson in LESSONS:  # the lesson's preset, under the link's own knobs
            knobs = merge_query(LESSONS[options.lesson].query, knobs)
        else:
            warnings.append(f"no lesson {options.lesson[:40]!r}; see the Lesson menu")
            options.lesson = ""
    config, more = Config.from_query(knobs)
    warnings += more
    pn.config.theme = "dark" if options.theme == "dark" else "default"  # this session's widgets
    if config.dataset == MNIST:
        options.mode = "mnist"
    elif options.mode == "mnist":
        config.dataset = MNIST
    idle = IDLE_MINUTES if idle_minutes is None else idle_minutes
    return Shell(options, config, warnings, idle_minutes=idle)


if __name__.startswith("bokeh"):  # `panel serve playground/ui/app.py`
    pn.extension()
    create_app().servable(title="NN Playground")
