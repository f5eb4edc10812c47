"""The MNIST page's stage views keep up with training, whatever the epoch length,
read from the frames the page sends as the browser would keep them."""

from __future__ import annotations

import numpy as np

from playground.experiment import Config
from playground.ui.digit_frames import GALLERY_COLS, GALLERY_ROWS
from playground.ui.frame import READOUT_COLUMNS, Section, unpack
from playground.ui.mnist_page import MnistPage
from playground.ui.theme import DARK, LIGHT


class Browser:
    """What the stage keeps of the frames it is sent (each section until a new
    one comes), confirming each as painted, as js/digits.js does."""

    def __init__(self, page: MnistPage):
        self.page = page
        self.scenes: list[dict] = []
        self.kept: dict[Section, np.ndarray] = {}
        self.frames = 0
        page.stage.send_scene = self.scenes.append
        page.stage.send_frame = self._frame
        page._from_browser({"t": "hello"})

    def _frame(self, data: bytes) -> None:
        header, sections = unpack(data)
        assert header["scene"] == self.scenes[-1]["id"]
        self.kept.update({k: v.copy() for k, v in sections.items()})
        self.frames += 1
        self.page._from_browser({"t": "ack", "f": header["frame"]})

    def confusion(self) -> np.ndarray:
        return self.kept[Section.CONFUSION].reshape(10, 10).astype(int)

    def pick(self) -> tuple[int, int, int, int, int]:
        """kind (0 all, 1 mistakes, 2 a cell), true, predicted, count, total."""
        return tuple(int(v) for v in self.kept[Section.PICK])

    def click_cell(self, true: int, pred: int) -> None:
        self.page._from_browser({"t": "cell", "true": true, "pred": pred})


def _page(theme=LIGHT, **sizes) -> tuple[MnistPage, Browser]:
    page = MnistPage(Config(dataset="mnist", **sizes), theme=theme)
    return page, Browser(page)


def test_confusion_matrix_follows_training_when_every_tick_ends_an_epoch():
    page, browser = _page(mnist_train=600, mnist_test=300)
    page.set_playing(True)
    for _ in range(40):  # 600 images: one ~40 ms slice is a whole epoch
        page.train_tick()
    page.playing = False  # (no pause: that redraws everything from the weights now)
    shown = browser.confusion()
    actual = page.session.metrics("test")["confusion_matrix"]
    assert page.session.epoch >= 10
    # drawn at most two epochs ago: nearly the same diagonal as the network's now
    assert abs(np.trace(shown) - np.trace(actual)) <= 0.05 * actual.sum()
    assert np.trace(shown) > 0.6 * actual.sum()


def test_a_cell_opens_a_gallery_of_as_many_digits_as_it_counts_after_training_went_on():
    page, browser = _page(mnist_train=6000, mnist_test=400)
    page.step_epoch()
    for _ in range(5):  # training goes on into the next epoch; the matrix stays as drawn
        page.session.train_slice(4)
    shown = browser.confusion()
    for true, pred in [(t, p) for t in range(10) for p in range(10) if shown[t, p]][::7]:
        browser.click_cell(true, pred)
        assert browser.pick() == (2, true, pred, shown[true, pred], 400)
        n = min(shown[true, pred], GALLERY_COLS * GALLERY_ROWS)
        guesses = browser.kept[Section.GUESSES].reshape(-1, 7)
        assert len(guesses) == n and len(browser.kept[Section.GALLERY]) == n * 784
        # every digit shown is one of that cell: its true label, its top guess
        assert (guesses[:, 0] == true).all() and (guesses[:, 1] == pred).all()


def test_pausing_mid_epoch_draws_the_matrix_and_gallery_from_the_weights_it_stopped_at():
    page, browser = _page(mnist_train=6000, mnist_test=400)
    page.step_epoch()
    page.set_playing(True)
    while page.session.epoch_progress < 0.3:
        page.train_tick()
    page.set_playing(False)
    assert 0 < page.session.epoch_progress < 1
    now = page.session.metrics("test")["confusion_matrix"]
    np.testing.assert_array_equal(browser.confusion(), now)
    browser.click_cell(3, 3)
    assert browser.pick()[3] == now[3, 3]


def test_only_mistakes_shows_the_digits_the_network_gets_wrong_and_all_brings_them_back():
    page, browser = _page(mnist_train=2000, mnist_test=300)
    page.step_epoch()
    wrong = int(300 - np.trace(browser.confusion()))
    page._from_browser({"t": "gallery", "mistakes": True})
    assert browser.pick() == (1, -1, -1, wrong, 300)
    guesses = browser.kept[Section.GUESSES].reshape(-1, 7)
    assert (guesses[:, 0] != guesses[:, 1]).all()
    page._from_browser({"t": "gallery", "mistakes": False})
    assert browser.pick() == (0, -1, -1, 300, 300)


def test_a_slow_browser_gets_no_training_it_has_not_been_shown():
    page, browser = _page(mnist_train=2000, mnist_test=200)
    page.stage.send_frame = lambda data: None  # frames sent, never confirmed
    page.set_playing(True)
    page.train_tick()
    page.train_tick()
    done = page.session.model.steps
    for _ in range(5):
        assert page.train_tick() is False
    assert page.session.model.steps == done


def test_every_frame_carries_the_counter_progress_and_readouts_and_weights_come_on_time():
    page, browser = _page(mnist_train=6000, mnist_test=200)
    page.set_playing(True)
    page.train_tick()
    assert 0 < browser.kept[Section.PROGRESS][0] < 1
    assert len(browser.kept[Section.READOUT]) == len(READOUT_COLUMNS)
    units = browser.scenes[-1]["units"]
    assert units == 32 and len(browser.kept[Section.WEIGHT_IMAGES]) == units * 784


def test_softmax_regression_shows_ten_class_templates():
    page, browser = _page(theme=DARK, mnist_train=300, mnist_test=100)
    page.config.hidden = []
    scene = browser.scenes[-1]
    assert scene["templates"] and scene["units"] == 10
    assert scene["colors"]["panel"] == DARK.panel  # empty confusion cells take it
    assert len(browser.kept[Section.WEIGHT_IMAGES]) == 10 * 784


def test_the_end_of_an_epoch_is_evaluated_over_ticks_and_its_test_pass_reuses_that(monkeypatch):
    """No tick evaluates a whole epoch's rows, a tick that only evaluated does not
    count as training (the slices' size holds), and the confusion matrix drawn
    after the epoch is the row's own pass, not a pass of its own."""
    from playground.experiment import evaluation

    monkeypatch.setattr(evaluation, "MIN_ROWS", 100)  # 100 rows a tick
    monkeypatch.setattr(evaluation, "ROWS_PER_TRAINING_ROW", 0)
    page, browser = _page(mnist_train=1200, mnist_test=400, batch_size=100)
    model = page.session.model
    passes = []
    predict = type(model).predict
    model.predict = lambda X: passes.append(len(X)) or predict(model, X)
    page.set_playing(True)
    evaluating = 0
    while page.session.epoch == 0:
        before, steps = page._per_batch, model.steps
        page.train_tick()
        if model.steps == steps:  # a tick that evaluated the end of the epoch
            evaluating += 1
            assert page._per_batch == before
    # 1,200 training and 400 test rows, 100 a tick: the tick that trained the last
    # batch evaluated 100 of them, 15 more ticks the rest
    assert evaluating == 15 and page.session.epoch_progress < 1.0
    page.train_tick()  # the pass's views are drawn on the ticks after the epoch
    page.train_tick()
    page.playing = False
    assert passes == []  # neither the row nor its views needed a pass of their own
    row = page.session.history.last
    assert np.trace(browser.confusion()) == round(row["test_accuracy"] * 400)


def test_pausing_while_an_epoch_is_evaluated_shows_that_epochs_row(monkeypatch):
    from playground.experiment import evaluation

    monkeypatch.setattr(evaluation, "MIN_ROWS", 100)
    monkeypatch.setattr(evaluation, "ROWS_PER_TRAINING_ROW", 0)
    page, browser = _page(mnist_train=1200, mnist_test=400, batch_size=100)
    page.set_playing(True)
    while page.session.epoch_progress < 1.0:  # trained, now being evaluated
        page.train_tick()
    assert page.session.epoch == 0 and len(page.session.history) == 1
    page.set_playing(False)
    assert page.session.epoch == 1 and page.session.history.last["epoch"] == 1
    row = page.session.history.last
    assert np.trace(browser.confusion()) == round(row["test_accuracy"] * 400)
