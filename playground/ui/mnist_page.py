"""MNIST mode: train on the real 60,000/10,000 digits while the class watches.

An epoch over 60,000 images takes about half a second, too long to block the
page, so training runs in slices of about ``SLICE_S`` seconds on a periodic
callback (the engine releases nothing between slices but the slices are short:
a click waits at most one slice). The counter and the progress bar follow every
slice; the weight images several times a second; the curves, the confusion
matrix, the per-class table and the gallery after every epoch, and all of them
when training pauses. The confusion matrix, the table and the gallery are drawn
from one pass over the test set (:class:`TestPass`), so a cell that says 20
digits opens a gallery of those 20, whatever the weights did since.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np
import panel as pn

from playground.experiment import EFFECTS, KNOBS, Config, Effect
from playground.experiment.metrics import classification_report
from playground.ui.charts import LossChart
from playground.ui.controls import TickBox, knob
from playground.ui.declare import PageDeclaration
from playground.ui.digits import ConfusionMatrix, DigitGallery, DrawingPad, WeightImages
from playground.ui.live import EPOCH_STYLE, LiveHTML
from playground.ui.theme import Theme
from playground.ui.transport import TrainingPage
from playground.ui.wire import install as install_wire

TICK_MS = 50
#: Seconds of training per slice (the page stays responsive between slices).
SLICE_S = 0.04
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
MNIST_KNOBS = (
    "learning_rate",
    "activation",
    "optimizer",
    "batch_size",
    "schedule",
    "regularization",
    "reg_rate",
    "dropout",
    "batch_norm",
)


install_wire()


class TestPass(NamedTuple):
    """The test set as the network saw it at one moment: every test-set view is
    drawn from one of these, never from a forward pass of its own."""

    images: np.ndarray
    labels: np.ndarray
    probs: np.ndarray
    guess: np.ndarray


def _preset_name(hidden: list[int]) -> str:
    for name, value in HIDDEN_PRESETS.items():
        if value == list(hidden):
            return name
    return ", ".join(map(str, hidden))


class MnistPage(TrainingPage):
    """The MNIST mode of the page for one browser session."""

    TICK_MS = TICK_MS
    PLAY_HELP = "Start or pause training on the digits."
    RESET_HELP = "Start again from fresh initial weights."
    #: What ``hide=`` may name (the knobs up top, the architecture among them)
    #: and what an embedded page's ``show=`` picks from.
    DECLARED = PageDeclaration(
        knobs=(*MNIST_KNOBS, "hidden"),
        show={
            "controls": "top",
            "data": "confusion",
            "network": "weights",
            "output": "gallery",
            "loss": "chart",
        },
    )

    def __init__(self, config: Config, theme: Theme):
        super().__init__(config, theme)
        self._per_batch = 1e-3  # seconds per batch, learned as it trains
        self._weights_at = 0.0
        self._pending: list = []  # views to refresh on the next ticks

        self.epoch = LiveHTML(self._epoch_html(), margin=(12, 10), styles=EPOCH_STYLE)
        self.progress = pn.indicators.Progress(
            value=0, max=100, width=160, bar_color="primary", margin=(18, 5)
        )
        hidden_names = list(HIDDEN_PRESETS)
        current = _preset_name(self.config.hidden)
        if current not in hidden_names:
            hidden_names.append(current)
        self.hidden = pn.widgets.Select(
            label="Hidden layers",
            options=hidden_names,
            value=current,
            width=170,
            description=self.config.param["hidden"].doc,
        )
        self.chart = LossChart(theme, chance_loss=math.log(10), width=360)
        self.weights = WeightImages(theme)
        self.confusion = ConfusionMatrix(theme, lambda t, p: self._show_cell((t, p)))
        self.gallery = DigitGallery(theme)
        self.pad = DrawingPad(theme, self._predict_one)
        self.per_class = pn.pane.HTML("")
        self.mistakes = TickBox("Only mistakes")
        self.show_all = pn.widgets.Button(
            label="All test digits",
            width=120,
            description="Show the test digits again after picking a cell of the matrix.",
        )
        self.show_all.on_click(lambda e: self._show_cell(None))

        self.hidden.param.watch(self._hidden_changed, "value")
        self.mistakes.param.watch(lambda e: self._show_cell(None), "value")
        self.config.param.watch(self._config_changed, list(KNOBS), precedence=20)
        self._cell: tuple[int, int] | None = None
        self._test: TestPass | None = None

        controls = {
            name: knob(self.config, name, width=140, sizing_mode=None) for name in MNIST_KNOBS
        }
        top = pn.FlexBox(
            pn.Row(
                self.play,
                self.step_button,
                self.reset_button,
                self.transport_help,
                self.epoch,
                self.progress,
            ),
            self.hidden,
            *controls.values(),
            styles={"background": theme.panel, "border-bottom": f"1px solid {theme.grid}"},
            sizing_mode="stretch_width",
            align_items="flex-end",
        )
        self.top = top
        self.hideable = self.DECLARED.hideable(self, {**controls, "hidden": self.hidden})
        self.parts = self.DECLARED.shown(self)
        self._layout = pn.Column(
            top,
            self.message,
            pn.Row(
                pn.Column(self.chart, self.per_class),
                pn.Column(self.weights, self.pad),
                pn.Column(self.confusion, pn.Row(self.mistakes, self.show_all), self.gallery),
            ),
            sizing_mode="stretch_width",
            styles={"background": theme.background, "color": theme.text},
        )
        self._refresh_all()

    # ----------------------------------------------------------------- actions
    def train_tick(self) -> None:
        batches = max(1, int(SLICE_S / self._per_batch))
        t0 = time.perf_counter()
        row = self.session.train_slice(batches)
        if row is None:  # only time the slices that did not end an epoch (no evaluation)
            elapsed = time.perf_counter() - t0
            self._per_batch = 0.7 * self._per_batch + 0.3 * elapsed / batches
        self._refresh(epoch_done=row is not None)

    def set_playing(self, playing: bool) -> None:
        """Start or pause; on a pause (even mid-epoch) every view is drawn from the
        weights training stopped at, as the weight images already are."""
        was_playing = self.playing
        with pn.io.hold():  # the Play label and the redrawn views arrive together
            super().set_playing(playing)
            if was_playing and not self.playing:
                self._refresh_all()

    def step_epoch(self) -> None:
        while self.session.train_slice(10**6) is None and not self.session.diverged:
            pass
        self._refresh_all()

    def redraw(self) -> None:
        self._refresh_all()

    def after_reset(self) -> None:
        self.chart.reset()
        self._cell = None

    def _hidden_changed(self, event) -> None:
        value = HIDDEN_PRESETS.get(event.new)
        if value is not None:
            self.config.hidden = list(value)

    def _config_changed(self, *events) -> None:
        if max(EFFECTS[e.name] for e in events) >= Effect.NETWORK:
            self.chart.reset()
            self._cell = None
        self._refresh_all()

    def _predict_one(self, image: np.ndarray) -> np.ndarray:
        return self.session.model.predict(image[None])[0]

    def _show_cell(self, cell: tuple[int, int] | None) -> None:
        """Show the digits of one (true, predicted) cell, or all / the mistakes."""
        self._cell = cell
        if cell is None:
            self.confusion.source.selected.indices = []
        self._show_gallery()

    # ------------------------------------------------------------------ render
    def _epoch_html(self) -> str:
        return f"Epoch <b id='epoch'>{self.session.epoch}</b>"

    def _refresh_all(self) -> None:
        self._refresh(epoch_done=True)
        while self._pending:  # not playing: draw everything now
            self._pending.pop(0)()
        self.pad.refresh()

    def _refresh(self, epoch_done: bool) -> None:
        now = time.monotonic()
        with pn.io.hold():
            self.epoch.object = self._epoch_html()
            self.progress.value = int(100 * self.session.epoch_progress)
            if epoch_done or now - self._weights_at > WEIGHTS_EVERY_S:
                W = self.session.model.get_weights()[0][0]
                self.weights.update(W, templates=not self.config.hidden)
                self._weights_at = now
            if epoch_done:
                self.chart.update(self.session.history, force=True)
                # The test-set views cost ~50 ms each: spread them over the next
                # ticks so that no tick keeps a click waiting for long. On a small
                # subset every tick ends an epoch: then each tick still draws one
                # view, so the views follow every other epoch instead of never.
                if self._pending:
                    self._pending.pop(0)()
                if not self._pending:
                    self._pending = [self._show_metrics, self._show_gallery]
            elif self._pending:
                self._pending.pop(0)()

    def _pass_test_set(self) -> TestPass:
        """Run the test set through the network as it is now and keep the result."""
        images, labels = self.session.examples("test")
        probs = self.session.predict("test")
        self._test = TestPass(images, labels, probs, probs.argmax(axis=1))
        return self._test

    def _show_metrics(self) -> None:
        """Confusion matrix and the per-class table from a new pass over the test
        set; the gallery drawn next (or a cell clicked later) uses the same pass."""
        test = self._pass_test_set()
        m = classification_report(test.labels, test.guess, test.probs.shape[1])
        self.confusion.update(np.asarray(m["confusion_matrix"]))
        rows = "".join(
            f"<tr><td>{d}</td><td>{100 * p:.1f}%</td><td>{100 * r:.1f}%</td></tr>"
            for d, (p, r) in enumerate(zip(m["precision"], m["recall"]))
        )
        self.per_class.object = (
            "<b>Per class</b> <small>(test set)</small><table style='font-size:12px'>"
            "<tr><th>digit</th><th>precision</th><th>recall</th></tr>" + rows + "</table>"
        )

    def _show_gallery(self) -> None:
        """The test digits of the pass the confusion matrix shows (all, the
        mistakes, or one cell of the matrix)."""
        images, labels, probs, guess = self._test or self._pass_test_set()
        pick = np.arange(len(guess))
        title = "<b>Test digits</b>"
        if self._cell is not None:
            true, pred = self._cell
            pick = pick[(labels == true) & (guess == pred)]
            title = f"<b>Digits {true} predicted as {pred}</b> <small>({len(pick)})</small>"
        elif self.mistakes.value:
            pick = pick[guess != labels]
            title = f"<b>Mistakes</b> <small>({len(pick)} of {len(guess)})</small>"
        n = DigitGallery.COLS * DigitGallery.ROWS
        self.gallery.update(images[pick[:n]], labels[pick[:n]], probs[pick[:n]], title)

    def __panel__(self):
        return self._layout
