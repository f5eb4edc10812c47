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


def test_an_empty_confusion_cell_takes_the_themes_colour_not_white():
    from playground.ui.theme import DARK

    page = MnistPage(Config(dataset="mnist", mnist_train=300, mnist_test=100), DARK)
    page.step_epoch()
    counts = np.asarray(page.confusion.source.data["count"])
    shade = np.asarray(page.confusion.source.data["shade"])
    assert (counts == 0).any() and np.isnan(shade[counts == 0]).all()
    assert page.confusion.mapper.nan_color == DARK.panel
