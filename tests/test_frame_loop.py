"""The 2-D page's frame loop: a big network is trained in slices, never a wrong frame."""

from __future__ import annotations

import numpy as np

import playground.ui.app as app
from playground.experiment import Session
from playground.ui.app import Playground

KNOBS = {"dataset": "xor", "n_samples": 200, "batch_size": 10, "hidden": [4], "seed": 3}


def _browser_keeps_up(page: Playground) -> None:
    page._painted.value = page._frame_no.value


def test_an_epoch_longer_than_a_tick_is_trained_in_slices_and_equals_a_whole_epoch(
    monkeypatch,
):
    # No time to spare: every tick trains one step (of ten in an epoch).
    monkeypatch.setattr(app, "TICK_BUDGET_S", 0.0)
    monkeypatch.setattr(app, "PARTIAL_FRAME_S", 3600.0)
    page = Playground(**KNOBS)
    assert page.session.n_train == 100
    first = page._frame_no.value
    drawn = []
    for _ in range(33):
        _browser_keeps_up(page)
        before = page._frame_no.value
        page.train_tick()
        if page._frame_no.value != before:
            drawn.append((page.session.epoch, page.session.epoch_progress))
        assert page._frame_no.value - before <= 1
    # Ten ticks an epoch, then its frame (a tick later: the epoch's end had no
    # time left to draw it). No frame for the slices in between.
    assert page.session.epoch == 3 and page._frame_no.value - first == 3
    assert drawn == [(1, 0.0), (2, 0.0), (3, 0.0)]
    assert "000,003" in page.epoch.object
    # Three epochs in thirty slices are the same training as three whole epochs.
    whole = Session(**KNOBS)
    whole.step(3)
    for (w, b), (w2, b2) in zip(page.session.model.get_weights(), whole.model.get_weights()):
        assert np.array_equal(w, w2) and np.array_equal(b, b2)


def test_a_frame_waits_for_the_browser_and_trains_nothing_meanwhile():
    page = Playground(**KNOBS)
    page.speed.value = 2
    sent = []
    for _ in range(10):  # the browser never confirms a frame
        page.train_tick()
        sent.append((page._frame_no.value, page.session.epoch))
    # the page's first frame and FRAMES_IN_FLIGHT - 1 more: then it waits
    assert [f for f, _ in sent][-1] == app.FRAMES_IN_FLIGHT
    # each frame sent shows exactly two more epochs: no training without drawing
    assert all(e == 2 * (f - 1) for f, e in sent)
