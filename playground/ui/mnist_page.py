"""MNIST mode: train on the real 60,000/10,000 digits while the class watches.

An epoch over 60,000 images takes about half a second, too long to block the
page, so training runs in slices of about ``SLICE_S`` seconds on a periodic
callback (a click waits at most one slice). Every slice ends in one binary
frame to the page's stage (:mod:`digit_frames`, painted by ``js/digits.js``):
the counter, the progress, the readouts and the new loss rows; the weight
images several times a second; the confusion matrix, the per-class table and
the gallery after every epoch, and all of them when training pauses. Those
three are drawn from one pass over the test set (:class:`TestPass`), so a cell
that says 20 digits opens a gallery of those 20, whatever the weights did since.
As on the 2-D page, the browser confirms each frame it painted: a slow browser
gets fewer slices trained and shown, never a backlog.
"""

from __future__ import annotations

import time

import numpy as np
import panel as pn

from playground.experiment import EFFECTS, KNOBS, Config, Effect
from playground.ui.controls import knob
from playground.ui.declare import ITSELF, PageDeclaration
from playground.ui.digit_frames import DIGIT_HIDEABLE, DIGIT_PARTS, DigitFrames, TestPass
from playground.ui.digits import DrawingPad
from playground.ui.pins import LABEL as PIN_LABEL
from playground.ui.stage import DigitsStage
from playground.ui.theme import Theme
from playground.ui.transport import TrainingPage

TICK_MS = 50
#: Seconds of training per slice (the page stays responsive between slices).
SLICE_S = 0.04
#: Seconds a dense MNIST batch takes, about: the first slice's size before one is
#: timed (a conv net's first slice is one batch: its batches cost about 12 times more).
DENSE_BATCH_S = 1e-3
WEIGHTS_EVERY_S = 0.5
#: Architectures offered for MNIST: none (softmax regression) up to three layers.
HIDDEN_PRESETS = {
    "none (softmax regression)": [],
    "32": [32],
    "128": [128],
    "512": [512],
    "256, 128": [256, 128],
    "512, 256, 128": [512, 256, 128],
}
#: Convolution fronts offered: none (a dense network), one or two conv layers.
CONV_PRESETS = {
    "none (dense only)": [],
    "8": [8],
    "8, 16": [8, 16],
    "16, 32": [16, 32],
}
#: The list-valued knobs chosen from presets (name -> the presets offered).
PRESET_KNOBS = {"conv": CONV_PRESETS, "hidden": HIDDEN_PRESETS}
MNIST_KNOBS = (
    "kernel",
    "pool",
    "learning_rate",
    "activation",
    "optimizer",
    "batch_size",
    "schedule",
    "regularization",
    "reg_rate",
    "dropout",
    "batch_norm",
    "validation_ratio",
    "standardize",
    "augment",
)


def _preset_name(presets: dict[str, list[int]], sizes: list[int]) -> str:
    for name, value in presets.items():
        if value == list(sizes):
            return name
    return ", ".join(map(str, sizes))


def preset_select(config: Config, name: str, presets: dict[str, list[int]]) -> pn.widgets.Select:
    """A drop-down of ``presets`` for the list knob ``name``, bound both ways (a
    value set elsewhere, by a lesson or the URL, is shown and added if new)."""
    p = config.param[name]

    def options(value: list[int]) -> list[str]:
        names = list(presets)
        current = _preset_name(presets, value)
        return names if current in names else [*names, current]

    value = getattr(config, name)
    select = pn.widgets.Select(
        label=p.label,
        options=options(value),
        value=_preset_name(presets, value),
        width=170,
        description=p.doc,
    )

    def picked(event) -> None:
        sizes = presets.get(event.new)
        if sizes is not None and sizes != getattr(config, name):
            setattr(config, name, list(sizes))

    def changed(event) -> None:
        select.options = options(event.new)
        select.value = _preset_name(presets, event.new)

    select.param.watch(picked, "value")
    config.param.watch(changed, name)
    return select


class MnistPage(TrainingPage):
    """The MNIST mode of the page for one browser session."""

    TICK_MS = TICK_MS
    PLAY_HELP = "Start or pause training on the digits."
    RESET_HELP = "Start again from fresh initial weights."
    #: What ``hide=`` may name (the knobs up top, the architecture among them)
    #: and what an embedded page's ``show=`` picks from (the stage draws all but
    #: the controls: the confusion matrix is "data", the weight images
    #: "network", the gallery "output", the curves "loss").
    DECLARED = PageDeclaration(
        knobs=(*PRESET_KNOBS, *MNIST_KNOBS),
        parts=dict.fromkeys(DIGIT_HIDEABLE, ITSELF),
        show={"controls": "top", **dict.fromkeys(DIGIT_PARTS, ITSELF)},
        labels={"pins": PIN_LABEL},
    )

    def __init__(
        self,
        config: Config | None = None,
        *,
        theme: str | Theme = "light",
        warnings: list[str] | None = None,
        live_socket: bool = False,
    ):
        super().__init__(config, theme, warnings=warnings)
        theme = self.theme
        # Seconds per batch, learned as it trains (None: not yet, for this network).
        self._per_batch: float | None = None
        self._weights_at = 0.0
        self._pending: list = []  # test-set views to send on the next ticks
        self.frames = DigitFrames(theme)
        self.stage = DigitsStage(self._from_browser, socket=live_socket)

        presets = {name: preset_select(self.config, name, p) for name, p in PRESET_KNOBS.items()}
        self.hidden = presets["hidden"]
        self.pad = DrawingPad(theme, self._predict_one, self._pad_drawn)
        self.config.param.watch(self._config_changed, list(KNOBS), precedence=20)
        self._cell: tuple[int, int] | None = None
        self._mistakes = False
        self._test: TestPass | None = None

        controls = {
            name: knob(self.config, name, width=140, sizing_mode=None) for name in MNIST_KNOBS
        }
        top = pn.FlexBox(
            pn.Row(self.play, self.step_button, self.reset_button, self.transport_help),
            *presets.values(),
            *controls.values(),
            styles={"background": theme.panel, "border-bottom": f"1px solid {theme.grid}"},
            sizing_mode="stretch_width",
            align_items="flex-end",
        )
        self.top = top
        self.hideable = self.DECLARED.hideable(self, {**controls, **presets})
        self.parts = self.DECLARED.shown(self)
        self._layout = pn.Column(
            top,
            self.notice,
            self.message,
            pn.FlexBox(
                # the pad beside the stage where both fit (1600 wide), else below it
                pn.Column(self.stage, styles={"flex": "1 1 1000px", "min-width": "0"}),
                self.pad,
                sizing_mode="stretch_width",
                flex_wrap="wrap",
            ),
            sizing_mode="stretch_width",
            styles={"background": theme.background, "color": theme.text},
        )
        self._refresh_all()

    # -------------------------------------------------------- the browser says
    def _from_browser(self, message: dict) -> None:
        """A message from the stage (perhaps on the page's own websocket, so
        anything that touches widgets or the session goes through the document)."""
        kind = message.get("t")
        if kind == "ack":
            self.flow.ack(message.get("f"))
        elif kind == "hello":
            self._in_doc(self._hello)
        elif kind == "resync":
            self.frames.resync()
        elif kind == "cell":
            try:
                cell = (int(message["true"]), int(message["pred"]))
            except (KeyError, TypeError, ValueError):
                return
            if all(0 <= d < self.session.model.sizes[-1] for d in cell):
                self._in_doc(lambda: self.show_cell(cell))
        elif kind == "gallery":
            self._in_doc(lambda: self.show_mistakes(bool(message.get("mistakes"))))
        elif kind == "digit":
            index, test = message.get("i"), self.session.examples("test")
            if isinstance(index, int) and test is not None and 0 <= index < len(test[0]):
                self._in_doc(lambda: self.show_digit(index))
        else:
            self.pin_message(kind)

    def _hello(self) -> None:
        """The browser listens: send it everything (a new scene brings the
        weights and the test-set views of the pass already made along)."""
        self.flow.hello()
        self.frames.invalidate()
        self._render()

    def show_cell(self, cell: tuple[int, int] | None) -> None:
        """Show the digits of one (true, predicted) cell of the confusion matrix."""
        self._cell = cell
        self._show_gallery()
        self._render()

    def show_digit(self, index: int) -> None:
        """Draw a conv net's feature maps for test digit ``index`` (a gallery click)."""
        self.frames.map_digit = index
        self.frames.maps_changed(self.session)
        self._render()

    def _pad_drawn(self, image: np.ndarray | None) -> None:
        """A new drawing on the pad (None: wiped): its feature maps at once."""
        self.frames.pad_image = image
        if self.session.model.conv:
            self.frames.maps_changed(self.session)
            self._render()

    def show_mistakes(self, mistakes: bool) -> None:
        """Show all the test digits, or only the mistakes (and no cell)."""
        self._cell = None
        self._mistakes = mistakes
        self._show_gallery()
        self._render()

    # ----------------------------------------------------------------- actions
    def train_tick(self) -> bool | None:
        """One slice of training and its frame, unless the browser has not yet
        painted the last ones (then nothing: no training that is not shown)."""
        if not (self.flow.ready and self.flow.give_up_waiting()):
            return False
        model = self.session.model
        known, conv = self._per_batch, bool(model.conv)
        if known is None:  # a dense batch takes ~1 ms; a conv net's, about 12 times that
            batches = 1 if conv else max(1, int(SLICE_S / DENSE_BATCH_S))
        else:
            batches = max(1, int(SLICE_S / known))
        t0, steps = time.perf_counter(), model.steps
        row = self.session.train_slice(batches)
        took = model.steps - steps
        # time the slices that trained (one that only evaluated the end of an epoch
        # is sized to cost about as much, but says nothing of a batch's cost)
        if took:
            per = (time.perf_counter() - t0) / took
            self._per_batch = per if known is None else 0.7 * known + 0.3 * per
        self._refresh(epoch_done=row is not None)
        return None

    def set_playing(self, playing: bool) -> None:
        """Start or pause; on a pause (even mid-epoch) every view is drawn from the
        weights training stopped at, as the weight images already are."""
        was_playing = self.playing
        super().set_playing(playing)
        if was_playing and not self.playing:
            self.session.finish_epoch()  # an epoch being evaluated gets its row now
            self._refresh_all()

    def step_epoch(self) -> None:
        while self.session.train_slice(10**6) is None and not self.session.diverged:
            pass
        self._refresh_all()

    def redraw(self) -> None:
        self._refresh_all()

    def after_reset(self) -> None:
        self.frames.resync()
        self._cell = None

    def hide(self, names) -> None:
        super().hide(names)
        self.frames.hidden = frozenset(n for n in names if n in DIGIT_HIDEABLE)
        self.frames.invalidate()
        self._render()

    def show_only(self, parts) -> None:
        super().show_only(parts)
        self.frames.parts = tuple(p for p in DIGIT_PARTS if p in parts)
        self.stage.visible = bool(self.frames.parts)
        self.frames.invalidate()
        self._render()

    def _config_changed(self, *events) -> None:
        if max(EFFECTS[e.name] for e in events) >= Effect.NETWORK:
            self._per_batch = None  # (a conv net after a dense one: its batches cost more)
            self.frames.resync()
            self._cell = None
        self._refresh_all()

    def _predict_one(self, image: np.ndarray) -> np.ndarray:
        return self.session.model.predict(self.session.inputs(image[None]))[0]

    # ------------------------------------------------------------------ render
    def scene_sent(self) -> None:
        """A new scene clears the browser's views: send the weights and the
        test-set views of the pass already made with the next frame."""
        self.frames.weights_changed(self.session)
        self.frames.augmented_changed(self.session)  # (a new augment knob: a new scene)
        if self._test is not None:
            self.frames.test_pass_changed(self._test)
            self._show_gallery()

    def _refresh_all(self) -> None:
        """Everything from the weights as they are now (paused, stepped, reset)."""
        self._pending = []
        self._show_metrics()
        self._show_gallery()
        self._refresh(epoch_done=True, test_views=False)
        self.pad.refresh()

    def _refresh(self, epoch_done: bool, test_views: bool = True) -> None:
        now = time.monotonic()
        if epoch_done or now - self._weights_at > WEIGHTS_EVERY_S:
            self.frames.weights_changed(self.session)
            self._weights_at = now
        if epoch_done:  # each epoch trains on fresh copies (seeded by the epoch)
            self.frames.augmented_changed(self.session)
        if test_views:
            # The epoch's test pass is taken now, from the outputs its row's
            # evaluation made (the next slice changes the weights); its views
            # are drawn over the next ticks so that no tick keeps a click
            # waiting for long. On a small subset every tick ends an epoch: then
            # each tick still draws one view, so the views follow every other
            # epoch instead of never.
            if self._pending:
                self._pending.pop(0)()
            if epoch_done and not self._pending:
                self._test = TestPass.of(self.session)
                self._pending = [self._draw_metrics, self._show_gallery]
        self._render()

    def _show_metrics(self) -> None:
        """A new pass over the test set: the confusion matrix and the per-class
        table now, the gallery drawn next (or a cell clicked later) from it too."""
        self._test = TestPass.of(self.session)
        self._draw_metrics()

    def _draw_metrics(self) -> None:
        self.frames.test_pass_changed(self._test)

    def _show_gallery(self) -> None:
        """The test digits of the pass the confusion matrix shows (all, the
        mistakes, or one cell of the matrix)."""
        if self._test is None:
            self._test = TestPass.of(self.session)
        self.frames.gallery_changed(self._test, self._cell, self._mistakes)

    def __panel__(self):
        return self._layout
