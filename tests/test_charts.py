"""The loss chart's axes: set by the server, spanning every value, readable when flat."""

from __future__ import annotations

import pytest

from playground.experiment import Session
from playground.ui.charts import LossChart
from playground.ui.theme import LIGHT


def _losses(session: Session) -> list[float]:
    h = session.history
    return [v for k in ("train_loss", "test_loss") for v in h.column(k) if v is not None]


def test_axes_span_every_loss_and_a_flat_start_is_not_magnified():
    s = Session(dataset="xor", n_samples=100, hidden=[2], seed=1)
    chart = LossChart(LIGHT)
    chart.update(s.history, force=True)
    y = chart.loss_fig.y_range
    losses = _losses(s)
    assert y.start <= min(losses) and max(losses) <= y.end
    assert y.end - y.start >= 0.1 * max(losses)  # not 0.001-steps of clutter
    assert y.start >= -0.05 * max(losses)  # a loss axis hardly goes below zero
    s.step(30)
    chart.update(s.history, force=True)
    losses = _losses(s)
    assert y.start <= min(losses) and max(losses) <= y.end
    x = chart.loss_fig.x_range
    assert (x.start, x.end) == (0, 30)
    s.reset()
    chart.reset()
    chart.update(s.history, force=True)
    assert (x.start, x.end) == (0, 1)


def test_the_chance_label_stays_inside_the_chart_when_training_starts_at_chance():
    import math

    from playground.ui import charts

    chance = math.log(10)
    s = Session(dataset="mnist", mnist_train=600, mnist_test=200, hidden=[], init="zero")
    chart = LossChart(LIGHT, chance_loss=chance)
    for _ in range(3):
        s.step(1)
        chart.update(s.history, force=True)
        y = chart.loss_fig.y_range
        assert s.history[0]["train_loss"] == pytest.approx(chance)  # the line is the top
        # the label's pixels above its line fit inside the plotting frame
        above = (y.end - chance) / (y.end - y.start) * charts.LOSS_FRAME
        assert above >= charts.CHANCE_LABEL_PX - 1e-9
        assert y.start <= min(_losses(s))


def test_a_huge_loss_is_written_short_on_the_chart_the_page_and_the_export():
    from playground.ui.theme import format_loss

    assert format_loss(9.5e301) == "9.5e+301"
    assert format_loss(0.12345) == "0.123" and format_loss(123.456) == "123.5"
    assert format_loss(None) == format_loss(float("nan")) == "–"
