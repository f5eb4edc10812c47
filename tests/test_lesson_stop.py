"""A page stops where a lesson says to ("press Play for 300 epochs"), says so, and
carries on when Play is pressed again."""

from __future__ import annotations

import pytest
from page_driver import Browser, play

from playground.experiment import Config
from playground.experiment.lessons import LESSONS
from playground.ui.app import Playground
from playground.ui.mnist_page import MnistPage
from playground.ui.options import PageOptions
from playground.ui.shell import Shell
from playground.ui.theme import LIGHT
from playground.ui.transport import FairShare, TrainingPage

KNOBS = {"dataset": "xor", "n_samples": 200, "batch_size": 10, "hidden": [4], "seed": 3}


@pytest.fixture(autouse=True)
def lone_server(monkeypatch):
    """The server is the test page's alone: its turn comes at once, every time."""
    monkeypatch.setattr(TrainingPage, "share", FairShare(share=float("inf")))


def _play_until_quiet(page: Playground, browser: Browser, frames: int = 20) -> None:
    for _ in range(frames):
        browser.ack()
        page._pump()


def test_playing_stops_exactly_at_the_stop_epoch_with_a_notice_even_at_many_epochs_a_frame():
    page = Playground(**KNOBS)
    page.speed.value = 5  # 0 -> 5 -> 10 -> 12 would overshoot without the stop
    page.set_stop(12, "as the lesson says")
    browser = Browser(page)
    play(page)
    _play_until_quiet(page, browser)
    assert page.session.epoch == 12
    assert [h["epoch"] for h, _ in browser.frames][-1] == 12  # the last frame shows it
    assert not page.playing and page.play.label == "▶ Play"
    assert page.message.visible and page.message.alert_type == "info"
    assert page.message.object == (
        "Stopped at epoch 12, as the lesson says: press Play to carry on."
    )


def test_play_after_the_stop_carries_on_and_takes_the_notice_away():
    page = Playground(**KNOBS)
    page.set_stop(3, "as the lesson says")
    browser = Browser(page)
    play(page)
    _play_until_quiet(page, browser)
    assert page.session.epoch == 3
    page.set_playing(True)
    _play_until_quiet(page, browser)
    assert page.session.epoch > 3 and page.playing
    assert not page.message.visible


def test_after_reset_the_same_epoch_stops_training_again():
    page = Playground(**KNOBS)
    page.set_stop(2)
    browser = Browser(page)
    play(page)
    _play_until_quiet(page, browser)
    page.set_playing(True)
    _play_until_quiet(page, browser)
    page.reset()
    assert not page.message.visible
    page.set_playing(True)
    _play_until_quiet(page, browser)
    assert page.session.epoch == 2 and not page.playing
    assert page.message.object.startswith("Stopped at epoch 2:")


def test_without_a_stop_playing_goes_on():
    page = Playground(**KNOBS)
    browser = Browser(page)
    play(page)
    _play_until_quiet(page, browser)
    assert page.session.epoch >= 15 and page.playing


def test_the_mnist_page_stops_at_the_end_of_the_stop_epoch():
    page = MnistPage(Config(dataset="mnist", mnist_train=600, mnist_test=100), theme=LIGHT)
    # a browser that has said hello and confirms every frame at once
    page.stage.send_scene = lambda scene: None
    page.stage.send_frame = lambda data: page._from_browser({"t": "ack", "f": page.flow.sent})
    page._from_browser({"t": "hello"})
    page.set_stop(2, "as the lesson says")
    page.playing = True  # what Play does, without the server's periodic loop
    page.share.join(page)
    for _ in range(40):
        page._tick()
    assert page.session.epoch == 2 and page.session.epoch_progress == 0
    assert not page.playing
    assert page.message.object.startswith("Stopped at epoch 2, as the lesson says")


def _shell(lesson: str) -> Shell:
    config = LESSONS[lesson].config() if lesson else Config()
    return Shell(PageOptions(lesson=lesson), config, [])


def test_a_lesson_link_stops_its_page_at_the_lessons_epochs_and_leaving_it_does_not():
    shell = _shell("xor-linear")
    assert shell.page().stop_at == LESSONS["xor-linear"].epochs
    shell.open_lesson("full-batch")
    assert shell.page().stop_at == LESSONS["full-batch"].epochs
    shell.open_lesson("")
    assert shell.page().stop_at is None
    assert _shell("").page().stop_at is None
