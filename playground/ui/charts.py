"""Loss and accuracy over epochs, streamed a few rows per frame."""

from __future__ import annotations

import time

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, HoverTool, Label, Legend, Range1d, Span
from bokeh.plotting import figure

from playground.experiment import History
from playground.ui.live import LiveHTML
from playground.ui.theme import TEST_COLOR, TRAIN_COLOR, Theme, format_loss

#: Seconds between two redraws of the curves while training.
CHART_INTERVAL_S = 0.1
#: The loss chart's height, and how much of it is its plotting frame at least
#: (the title and the epoch axis take the rest: about 57 px of 150 in Chromium).
LOSS_HEIGHT = 150
LOSS_FRAME = 90
#: Pixels the "chance" label takes above its line (10 px text, its 2 px offset and
#: the descent), all of which the loss axis keeps inside its frame: the line sits
#: at the very top when training starts at chance, and the frame clips what is above.
CHANCE_LABEL_PX = 16
CHANCE_FONT_PX = 10
CHANCE_OFFSET_PX = 2


class LossChart(pn.viewable.Viewer):
    """Train and test loss (and accuracy) against the epoch; hover reads the values."""

    def __init__(self, theme: Theme, *, chance_loss: float | None = None, width: int = 330):
        super().__init__()
        self._width = width
        self.theme = theme
        self.source = ColumnDataSource(self._empty())
        self._sent = 0
        self._streamed_at = 0.0
        self._chance = chance_loss
        self.loss_fig = self._figure("Loss", LOSS_HEIGHT)
        r_test, r_train = self._curves(self.loss_fig, "loss", "{0.0000}")
        self.loss_fig.add_layout(
            Legend(
                items=[("test", [r_test]), ("training", [r_train])],
                location="top_right",
                background_fill_alpha=0.6,
                label_text_font_size=theme.font(11),
                spacing=0,
                padding=4,
            )
        )
        if chance_loss is not None:  # e.g. ln(10) for ten classes: the loss of a guess
            self.loss_fig.add_layout(
                Span(
                    location=chance_loss,
                    dimension="width",
                    line_color=theme.muted,
                    line_dash="dotted",
                )
            )
            self.loss_fig.add_layout(
                Label(
                    x=theme.px(4),  # clear of the axis's ticks
                    y=chance_loss,
                    x_units="screen",
                    text=f"chance {chance_loss:.2f}",
                    text_font_size=theme.font(CHANCE_FONT_PX),
                    text_color=theme.muted,
                    y_offset=theme.px(CHANCE_OFFSET_PX),
                )
            )
        self.acc_fig = self._figure("Accuracy", 110)
        self.acc_fig.y_range.update(start=0, end=1.02)
        self._lo, self._hi = np.inf, -np.inf  # the loss axis spans every value sent
        self._curves(self.acc_fig, "accuracy", "{0.0%}")
        self.summary = LiveHTML("", margin=(0, 5), styles={"font-size": "15px"})
        self._layout = pn.Column(self.summary, self.loss_fig, self.acc_fig)

    def _curves(self, fig, metric: str, fmt: str):
        """The test (solid) and training (dashed) curves of ``metric`` on ``fig``,
        with a hover readout of both at the epoch under the mouse."""
        t = self.theme
        test_color = t.text if t.name == "dark" else TEST_COLOR
        test = fig.line(
            "epoch", f"test_{metric}", source=self.source, line_width=2 * t.scale, color=test_color
        )
        train = fig.line(
            "epoch",
            f"train_{metric}",
            source=self.source,
            line_width=2 * t.scale,
            color=TRAIN_COLOR,
            line_dash="dashed",
        )
        fig.add_tools(
            HoverTool(
                renderers=[test],
                mode="vline",
                tooltips=[
                    ("epoch", "@epoch"),
                    (f"test {metric}", f"@test_{metric}{fmt}"),
                    (f"training {metric}", f"@train_{metric}{fmt}"),
                ],
            )
        )
        return test, train

    def _figure(self, title: str, height: int):
        t = self.theme
        fig = figure(
            height=t.px(height),
            width=t.px(self._width),
            tools="",
            toolbar_location=None,
            # Fixed ranges the server sets as rows arrive: auto-ranging in the
            # browser would send every new extent back to the server, a
            # message per redraw per chart for nothing.
            x_range=Range1d(0, 1),
            y_range=Range1d(0, 1),
            background_fill_color=t.background,
            border_fill_color=t.background,
            outline_line_color=None,
            min_border_left=40,
        )
        fig.title.text = title
        fig.title.text_color = t.muted
        fig.title.text_font_size = t.font(12)
        fig.axis.major_label_text_font_size = t.font(11)
        fig.xaxis.axis_label = None
        fig.axis.major_label_text_color = t.muted
        fig.axis.axis_line_color = t.grid
        fig.grid.grid_line_color = t.grid
        fig.grid.grid_line_alpha = 0.5
        return fig

    @staticmethod
    def _empty() -> dict:
        return {
            k: np.zeros(0)
            for k in ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
        }

    def update(self, history: History, *, force: bool = False) -> None:
        """Send the rows added since the last update (all of them after a reset).

        The curves are redrawn at most every ``CHART_INTERVAL_S`` (unless
        ``force``): a line chart reads as smooth at ten updates a second, and
        each redraw of a chart costs the browser about as much as the network
        diagram; the numbers above the chart follow every frame.
        """
        n = len(history)
        if n < self._sent:  # the history was cleared: start over
            self.source.data = self._empty()
            self._sent = 0
            force = True
        now = time.monotonic()
        if n > self._sent and (force or now - self._streamed_at >= CHART_INTERVAL_S):
            rows = {k: history.column(k)[self._sent :] for k in self.source.data}
            self.source.stream(rows)
            self._sent = n
            self._streamed_at = now
            self._fit(rows)
        last = history.last
        self.acc_fig.visible = bool(last and last["test_accuracy"] is not None)
        if last is None:
            self.summary.object = ""
            return
        accuracy = last["test_accuracy"]
        self.summary.object = (
            f"<span>Test loss <b id='test-loss'>{format_loss(last['test_loss'])}</b></span>"
            f"&nbsp;&nbsp;<span>Training loss <b id='train-loss'>"
            f"{format_loss(last['train_loss'])}</b></span>"
            + (
                ""
                if accuracy is None
                else f"&nbsp;&nbsp;<span>Test accuracy <b id='test-accuracy'>"
                f"{100 * accuracy:.1f}%</b></span>"
            )
        )

    def reset(self) -> None:
        self.source.data = self._empty()
        self._sent = 0
        self._lo, self._hi = np.inf, -np.inf

    def _fit(self, rows: dict) -> None:
        """Stretch the axes over the new rows (5 % headroom, as Bokeh's own auto-range)."""
        losses = np.concatenate([rows["train_loss"], rows["test_loss"]]).astype(float)
        losses = losses[np.isfinite(losses)]
        if losses.size:
            self._lo, self._hi = min(self._lo, losses.min()), max(self._hi, losses.max())
            lo, hi = self._lo, self._hi
            # A nearly flat start spans at least a tenth of its size (not 0.001
            # steps of clutter); losses are not negative, so neither is the axis.
            least = 0.1 * max(abs(lo), abs(hi)) or 0.1
            if hi - lo < least:
                mid = (lo + hi) / 2
                lo, hi = mid - least / 2, mid + least / 2
                if self._lo >= 0 > lo:
                    lo, hi = 0.0, hi - lo
            pad = 0.05 * (hi - lo)
            start, end = lo - pad, hi + pad
            if self._chance is not None:  # room above the chance line for its label
                room = CHANCE_LABEL_PX / LOSS_FRAME
                end = max(end, (self._chance - room * start) / (1 - room))
            self.loss_fig.y_range.update(start=start, end=end)
        first, last = float(self.source.data["epoch"][0]), float(rows["epoch"][-1])
        end = last if last > first else first + 1
        for fig in (self.loss_fig, self.acc_fig):
            fig.x_range.update(start=first, end=end)

    def __panel__(self):
        return self._layout
