"""Drawn strokes become MNIST-like images: 20x20 box, centre of mass centred, anti-aliased."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.drawing import strokes_to_mnist


def ink_box(img: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(img.reshape(28, 28) > 0.05)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def centre_of_mass(img: np.ndarray) -> np.ndarray:
    im = img.reshape(28, 28)
    r, c = np.indices(im.shape) + 0.5
    return np.array([(im * r).sum(), (im * c).sum()]) / im.sum()


def test_a_small_stroke_in_a_corner_is_scaled_to_the_box_and_centred_by_mass():
    # a short vertical bar near the top-left of a 0..1 pad, like a tiny "1"
    img = strokes_to_mnist([([0.1, 0.1], [0.9, 0.8])])
    assert img.shape == (784,) and img.dtype == np.float32
    assert img.min() >= 0.0 and img.max() == pytest.approx(1.0)
    height, width = ink_box(img)
    assert 19 <= height <= 21  # the longer side fills the 20-pixel box
    assert width <= 5
    np.testing.assert_allclose(centre_of_mass(img), [14, 14], atol=0.5)


def test_the_same_shape_anywhere_and_at_any_size_gives_the_same_image():
    square = ([0, 1, 1, 0, 0], [0, 0, 1, 1, 0])
    small = strokes_to_mnist([(np.array(square[0]) * 0.1, np.array(square[1]) * 0.1)])
    large = strokes_to_mnist([(np.array(square[0]) * 7 + 3, np.array(square[1]) * 7 - 2)])
    np.testing.assert_allclose(small, large, atol=1e-6)


def test_edges_are_anti_aliased_with_grey_levels():
    img = strokes_to_mnist([([0.0, 1.0], [0.0, 0.7])])  # a slanted line
    grey = (img > 0.05) & (img < 0.95)
    assert grey.sum() >= 10


def test_an_off_centre_shape_is_moved_so_its_mass_is_centred():
    # an "L": most ink in the vertical bar, so the box centre is not the mass centre
    img = strokes_to_mnist([([0, 0, 0.5], [1, 0, 0])])
    np.testing.assert_allclose(centre_of_mass(img), [14, 14], atol=0.5)


@pytest.mark.parametrize(
    "strokes,message",
    [
        ([], "empty"),
        ([([], [])], "empty"),
        ([([0, 1], [0])], "as many x as y"),
        ([([0, np.nan], [0, 1])], "finite"),
        ([(np.zeros(3000), np.zeros(3000))], "at most 2000 points"),
    ],
)
def test_bad_drawings_raise_a_clear_value_error(strokes, message):
    with pytest.raises(ValueError, match=message):
        strokes_to_mnist(strokes)


def test_a_single_dot_still_gives_a_centred_blob():
    img = strokes_to_mnist([([0.5], [0.5])])
    np.testing.assert_allclose(centre_of_mass(img), [14, 14], atol=0.5)
