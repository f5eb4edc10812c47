"""Pinned runs and the validation and baselines parts of the stages' scenes and frames:
what the charts and readouts of both pages are sent."""

from __future__ import annotations

import json

import numpy as np
import pytest
from page_driver import Browser

from playground.experiment import Session
from playground.ui.digit_frames import DigitFrames
from playground.ui.frame import HISTORY_COLUMNS, POINT_SIDES, READOUT_COLUMNS, Section, unpack
from playground.ui.pins import LABEL_KNOBS, MAX_PINS, Pins, difference, thinned
from playground.ui.plane import Playground
from playground.ui.scene import FrameBuilder
from playground.ui.theme import LIGHT


def _trained(epochs: int = 5, **knobs) -> Session:
    s = Session(dataset="spiral", seed=2, **knobs)
    s.step(epochs)
    return s


# --------------------------------------------------------------------------- pins
def test_a_pin_keeps_the_run_and_is_labelled_with_what_differs_from_now():
    s = _trained(optimizer="sgd")
    pins = Pins()
    pins.pin(s)
    assert pins.labels(s.config) == ["same settings"]
    s.set(optimizer="adam")
    assert pins.labels(s.config) == ["optimizer=sgd"]
    s.set(learning_rate=0.1, hidden=[8, 8])
    assert pins.labels(s.config) == ["hidden=4,2; learning_rate=0.03; optimizer=sgd"]
    (pin,) = pins.scene(s.config)
    assert len(pin["rows"]) == 6 and len(pin["rows"][0]) == len(HISTORY_COLUMNS)
    assert [row[0] for row in pin["rows"]] == [0, 1, 2, 3, 4, 5]
    json.dumps(pin)  # the scene is JSON: no NaN (None instead), no NumPy numbers


def test_a_label_names_a_few_differences_and_counts_the_rest():
    now = {f"k{i}": 0 for i in range(6)}
    pinned = {**now, **{f"k{i}": 1 for i in range(5)}}
    words = [f"k{i}=1" for i in range(LABEL_KNOBS)]
    assert difference(pinned, now) == "; ".join(words) + f" and {5 - LABEL_KNOBS} more"


def test_at_most_three_pins_the_oldest_goes_and_clear_empties():
    s, pins = _trained(), Pins()
    for rate in (0.01, 0.03, 0.1, 0.3):
        s.config.learning_rate = rate
        pins.pin(s)
    assert len(pins) == MAX_PINS
    assert pins.labels(s.config) == ["learning_rate=0.03", "learning_rate=0.1", "same settings"]
    version = pins.version
    pins.clear()
    assert len(pins) == 0 and pins.version == version + 1
    pins.clear()  # nothing to clear: no new scene either
    assert pins.version == version + 1


def test_an_untrained_run_cannot_be_pinned():
    with pytest.raises(ValueError, match="Train a little first"):
        Pins().pin(Session(dataset="xor"))


def test_a_long_run_is_thinned_keeping_its_first_and_last_epochs():
    s = _trained(epochs=700)
    rows = thinned(s, most=300)
    assert len(rows) == 300 and rows[0, 0] == 0 and rows[-1, 0] == 700
    assert np.all(np.diff(rows[:, 0]) > 0)
    validation = HISTORY_COLUMNS.index("validation_loss")
    assert np.isnan(rows[:, validation]).all()  # no validation points held out


# ----------------------------------------------------------------- scenes, frames
def test_the_scene_says_whether_there_is_validation_and_carries_the_baselines():
    s = Session(dataset="circle", validation_ratio=20)
    b = FrameBuilder(LIGHT)
    scene = b.scene(s)
    assert scene["validation"] is True and scene["pins"] == []
    assert scene["baselines"] == s.baselines() and scene["baselines"]["chance"] == 0.5
    assert scene["colors"]["validation"] not in (scene["colors"]["test"], scene["colors"]["train"])
    s.set(validation_ratio=0)
    assert b.scene(s)["validation"] is False  # a new scene: the curve goes


def test_pinning_sends_a_new_scene_and_a_changed_knob_relabels_it():
    s = _trained()
    b = FrameBuilder(LIGHT)
    b.scene(s)
    b.losses.pins.pin(s)
    assert [p["label"] for p in b.scene(s)["pins"]] == ["same settings"]
    assert b.scene(s) is None
    s.set(optimizer="adam")
    assert [p["label"] for p in b.scene(s)["pins"]] == ["optimizer=sgd"]


def test_frames_carry_validation_rows_readouts_and_each_points_side():
    s = _trained(validation_ratio=20)
    b = FrameBuilder(LIGHT)
    b.scene(s)
    _, sections = unpack(b.frame(s, 1))
    rows = sections[Section.HISTORY].reshape(-1, len(HISTORY_COLUMNS))
    col = HISTORY_COLUMNS.index("validation_loss")
    assert np.allclose(rows[:, col], s.history.column("validation_loss"))
    readout = dict(zip(READOUT_COLUMNS, sections[Section.READOUT], strict=True))
    assert readout["validation_accuracy"] == s.history.last["validation_accuracy"]
    assert readout["start"] == 0
    side = sections[Section.POINTS].reshape(-1, 4)[:, 3]
    assert np.array_equal(side == POINT_SIDES["validation"], s.is_validation)
    assert np.array_equal(side == POINT_SIDES["train"], s.is_train)
    assert (side == POINT_SIDES["test"]).sum() == 250


def test_the_mnist_scene_has_the_same_chart_parts():
    s = Session(dataset="mnist", mnist_train=300, mnist_test=100, validation_ratio=10)
    frames = DigitFrames(LIGHT)
    scene = frames.scene(s)
    assert scene["validation"] is True and scene["baselines"]["chance"] == 0.1
    frames.hidden = frozenset({"pins"})
    assert frames.scene(s)["hide"] == ["pins"]


def test_the_page_pins_on_the_stages_message_and_says_why_not_before_training():
    page = Playground(dataset="xor", hidden=[3], seed=1)
    browser = Browser(page)
    page._from_browser({"t": "pin"})
    assert len(page.frames.losses.pins) == 0 and "Train a little first" in page.notice.object
    page.step()
    page._from_browser({"t": "pin"})
    assert [p["label"] for p in browser.scenes[-1]["pins"]] == ["same settings"]
    page.config.optimizer = "adam"
    assert [p["label"] for p in browser.scenes[-1]["pins"]] == ["optimizer=sgd"]
    page._from_browser({"t": "unpin"})
    assert browser.scenes[-1]["pins"] == []
