"""The MNIST page's test-set views keep up with training, whatever the epoch length."""

from __future__ import annotations

import numpy as np

from playground.experiment import Config
from playground.ui.mnist_page import MnistPage
from playground.ui.theme import LIGHT


def test_confusion_matrix_follows_training_when_every_tick_ends_an_epoch():
    page = MnistPage(Config(dataset="mnist", mnist_train=600, mnist_test=300), LIGHT)
    for _ in range(40):  # 600 images: one ~40 ms slice is a whole epoch
        page.train_tick()
    shown = np.asarray(page.confusion.source.data["count"]).reshape(10, 10)
    actual = page.session.metrics("test")["confusion_matrix"]
    assert page.session.epoch >= 10
    # drawn at most two epochs ago: nearly the same diagonal as the network's now
    assert abs(np.trace(shown) - np.trace(actual)) <= 0.05 * actual.sum()
    assert np.trace(shown) > 0.6 * actual.sum()


def _gallery_count(page: MnistPage) -> int:
    """The number in the gallery's title: "Digits 4 predicted as 9 (20)"."""
    return int(page.gallery.title.object.rsplit("(", 1)[1].split(")")[0])


def _shown_matrix(page: MnistPage) -> np.ndarray:
    return np.asarray(page.confusion.source.data["count"]).reshape(10, 10)


def _click_cell(page: MnistPage, true: int, pred: int) -> None:
    """What a click on the cell does: the TapTool selects its index."""
    page.confusion.source.selected.indices = [true * 10 + pred]


def test_a_cell_opens_a_gallery_of_as_many_digits_as_it_counts_after_training_went_on():
    page = MnistPage(Config(dataset="mnist", mnist_train=6000, mnist_test=400), LIGHT)
    page.step_epoch()
    for _ in range(5):  # training goes on into the next epoch; the matrix stays as drawn
        page.session.train_slice(4)
    shown = _shown_matrix(page)
    for true, pred in [(t, p) for t in range(10) for p in range(10) if shown[t, p]][::7]:
        _click_cell(page, true, pred)
        assert f"Digits {true} predicted as {pred}" in page.gallery.title.object
        assert _gallery_count(page) == shown[true, pred]


def test_pausing_mid_epoch_draws_the_matrix_and_gallery_from_the_weights_it_stopped_at():
    page = MnistPage(Config(dataset="mnist", mnist_train=6000, mnist_test=400), LIGHT)
    page.step_epoch()
    page.set_playing(True)
    while page.session.epoch_progress < 0.3:
        page.train_tick()
    page.set_playing(False)
    assert 0 < page.session.epoch_progress < 1
    now = page.session.metrics("test")["confusion_matrix"]
    np.testing.assert_array_equal(_shown_matrix(page), now)
    _click_cell(page, 3, 3)
    assert _gallery_count(page) == now[3, 3]


def test_an_empty_confusion_cell_takes_the_themes_colour_not_white():
    from playground.ui.theme import DARK

    page = MnistPage(Config(dataset="mnist", mnist_train=300, mnist_test=100), DARK)
    page.step_epoch()
    counts = np.asarray(page.confusion.source.data["count"])
    shade = np.asarray(page.confusion.source.data["shade"])
    assert (counts == 0).any() and np.isnan(shade[counts == 0]).all()
    assert page.confusion.mapper.nan_color == DARK.panel
