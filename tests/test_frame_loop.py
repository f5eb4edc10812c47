"""The 2-D page's frame loop: driven by the browser's confirmations, a big network
trained in slices, never a wrong frame."""

from __future__ import annotations

import numpy as np
import pytest
from page_driver import Browser, play

import playground.ui.plane as plane
import playground.ui.stage as stage
from playground.experiment import Session
from playground.ui.frame import HISTORY_COLUMNS, READOUT_COLUMNS, Section
from playground.ui.plane import Playground
from playground.ui.transport import FairShare

KNOBS = {"dataset": "xor", "n_samples": 200, "batch_size": 10, "hidden": [4], "seed": 3}


@pytest.fixture(autouse=True)
def lone_server(monkeypatch):
    """The server is the test page's alone: its turn comes at once, every time."""
    monkeypatch.setattr(Playground, "share", FairShare(share=float("inf")))


def test_nothing_is_sent_before_the_browser_says_hello_then_the_scene_and_a_whole_frame():
    page = Playground(**KNOBS)
    page.session.step(2)
    page.redraw()  # nobody listens yet
    sent = []
    page.stage.send_frame = sent.append
    page.redraw()
    assert sent == []
    browser = Browser(page)
    assert len(browser.scenes) == 1 and len(browser.frames) == 1
    header, sections = browser.last
    assert header["epoch"] == 2 and header["scene"] == browser.scenes[0]["id"]
    # the first frame of a scene carries the points, the input tiles and every loss row
    assert {Section.POINTS, Section.TILES, Section.HISTORY} <= set(sections)
    width = len(HISTORY_COLUMNS)
    assert sections[Section.HISTORY].reshape(-1, width)[:, 0].tolist() == [0, 1, 2]


def test_frames_wait_for_confirmations_and_nothing_is_trained_that_is_not_shown():
    page = Playground(**KNOBS)
    page.speed.value = 2
    browser = Browser(page)
    play(page)
    for _ in range(5):
        page._pump()  # the browser confirms nothing
    # the hello's frame is confirmed by nobody: FRAMES_IN_FLIGHT frames in all, then it waits
    assert len(browser.frames) == stage.FRAMES_IN_FLIGHT
    browser.ack()
    assert len(browser.frames) == 2 * stage.FRAMES_IN_FLIGHT
    # each frame shows exactly two more epochs than the one before
    epochs = [h["epoch"] for h, _ in browser.frames]
    assert epochs == list(range(0, 2 * len(epochs), 2))
    assert [h["frame"] for h, _ in browser.frames] == list(range(1, len(epochs) + 1))


def test_the_loss_rows_are_sent_once_each_in_order():
    page = Playground(**KNOBS)
    browser = Browser(page)
    play(page)
    for _ in range(10):
        browser.ack()
        page._pump()
    rows = np.concatenate([s[Section.HISTORY] for _, s in browser.frames if Section.HISTORY in s])
    epochs = rows.reshape(-1, len(HISTORY_COLUMNS))[:, 0]
    assert epochs.tolist() == list(range(int(epochs[-1]) + 1))
    # a browser that lost track asks again and gets them all
    page._from_browser({"t": "resync"})
    page.redraw()
    assert browser.last[1][Section.READOUT][READOUT_COLUMNS.index("start")] == 0  # from row 0
    width = len(HISTORY_COLUMNS)
    assert len(browser.last[1][Section.HISTORY]) == width * len(page.session.history)


def test_an_epoch_longer_than_a_turn_is_trained_in_slices_and_equals_a_whole_epoch(monkeypatch):
    # No time to spare: every turn trains one step (of ten in an epoch).
    monkeypatch.setattr(plane, "TICK_BUDGET_S", 0.0)
    monkeypatch.setattr(plane, "PARTIAL_FRAME_S", 3600.0)
    page = Playground(**KNOBS)
    assert page.session.n_train == 100
    browser = Browser(page)
    play(page)
    first = len(browser.frames)
    for _ in range(30):  # a turn each: the ack's, or the one the io loop schedules
        if not browser.ack():
            page._pump()
    # Ten turns an epoch, then its frame. No frame for the slices in between.
    assert page.session.epoch == 3 and len(browser.frames) - first == 3
    assert [h["epoch"] for h, _ in browser.frames[first:]] == [1, 2, 3]
    # Three epochs (and the start of the fourth) in slices are the same training
    # as three whole epochs and as many more steps.
    whole = Session(**KNOBS)
    whole.step(3)
    whole.train_slice(page.session.model.steps - whole.model.steps)
    for (w, b), (w2, b2) in zip(page.session.model.get_weights(), whole.model.get_weights()):
        assert np.array_equal(w, w2) and np.array_equal(b, b2)


def test_the_watchdog_carries_on_when_confirmations_stop(monkeypatch):
    page = Playground(**KNOBS)
    browser = Browser(page)
    play(page)
    page._pump()
    stalled = len(browser.frames)
    page.train_tick()
    assert len(browser.frames) == stalled  # not yet: the browser may still be drawing
    monkeypatch.setattr(stage, "ACK_TIMEOUT_S", 0.0)
    page.train_tick()
    assert len(browser.frames) > stalled


def test_the_frame_shows_the_models_weights_and_a_typed_weight_changes_the_readout():
    page = Playground(**KNOBS)
    page.session.step(20)
    browser = Browser(page)
    (W0, b0), (W1, b1) = page.session.model.get_weights()
    weights = browser.last[1][Section.WEIGHTS]
    np.testing.assert_allclose(weights, np.concatenate([W0.ravel(), W1.ravel()]), rtol=1e-6)
    np.testing.assert_allclose(browser.last[1][Section.BIASES], np.concatenate([b0, b1]), rtol=1e-6)
    before = browser.readout()
    page._from_browser({"t": "set", "kind": "weight", "layer": 1, "row": 0, "col": 0, "value": -40})
    assert page.session.model.get_weights()[1][0][0, 0] == -40
    after = browser.readout()
    assert after["test_loss"] != before["test_loss"]  # the readout describes the weights shown
    assert after["test_loss"] == page.session.current["test_loss"]


def test_malformed_requests_from_the_browser_change_nothing():
    page = Playground(**KNOBS)
    browser = Browser(page)
    hidden, features = list(page.config.hidden), list(page.config.features)
    for message in (
        {"t": "neurons", "layer": -1, "delta": 1},
        {"t": "neurons", "layer": 5, "delta": 1},
        {"t": "neurons", "layer": "x", "delta": 1},
        {"t": "feature", "name": "bogus"},
        {"t": "set", "kind": "weight", "layer": 9, "row": 0, "col": 0, "value": 1},
        {"t": "set", "kind": "weight", "layer": 0, "row": 0, "col": 0, "value": "nan"},
        {"t": "click", "x": "inf", "y": 0},
        {"t": "click"},
        {"t": "ack", "f": 10**9},
        {"t": "nothing"},
    ):
        page._from_browser(message)
    assert page.config.hidden == hidden and page.config.features == features
    assert page.flow.acked <= page.flow.sent
    assert np.isfinite(page.session.model.get_weights()[0][0]).all()
    assert len(browser.scenes) == 1
