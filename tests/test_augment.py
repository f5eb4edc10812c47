"""`augment`: seeded, vectorised shifts, rotations and noise of the training images
only; the test images are never touched."""

from __future__ import annotations

import json

import numpy as np
import pytest

import playground.experiment.session as session_module
from playground.cli import main
from playground.data import load_mnist
from playground.data.augment import NOISE_SIGMA, SHIFT_PX, augment_images, warp_images
from playground.experiment import Config, Session


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return load_mnist().x_train[:200]


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` (28x28) moved dy rows down and dx columns right, zeros shifted in."""
    out = np.zeros_like(image)
    out[max(dy, 0) : 28 + min(dy, 0), max(dx, 0) : 28 + min(dx, 0)] = image[
        max(-dy, 0) : 28 + min(-dy, 0), max(-dx, 0) : 28 + min(-dx, 0)
    ]
    return out


def test_the_same_seed_gives_the_same_copies_and_another_seed_others(images):
    a = augment_images(images, ["shift", "rotate", "noise"], [0, 1])
    np.testing.assert_array_equal(a, augment_images(images, ["shift", "rotate", "noise"], [0, 1]))
    assert not np.array_equal(a, augment_images(images, ["shift", "rotate", "noise"], [0, 2]))
    assert a.dtype == np.float32 and a.shape == images.shape
    assert a.min() >= 0 and a.max() <= 1


def test_the_first_images_get_the_same_change_however_many_follow(images):
    kinds = ["shift", "rotate", "noise"]
    np.testing.assert_array_equal(
        augment_images(images[:8], kinds, 5), augment_images(images, kinds, 5)[:8]
    )


def test_a_shift_moves_each_image_by_whole_pixels_within_the_limit(images):
    out = augment_images(images, ["shift"], 3).reshape(-1, 28, 28)
    moves = set()
    for original, copy in zip(images.reshape(-1, 28, 28), out):
        match = [
            (dy, dx)
            for dy in range(-SHIFT_PX, SHIFT_PX + 1)
            for dx in range(-SHIFT_PX, SHIFT_PX + 1)
            if np.array_equal(copy, shifted(original, dy, dx))
        ]
        assert match, "a shifted image is not a whole-pixel shift of its original"
        moves.add(match[0])
    assert len(moves) > 10  # different images move differently


def test_a_quarter_turn_and_whole_pixel_shifts_are_exact(images):
    square = images[:6].reshape(-1, 28, 28)
    turned = warp_images(images[:6], 0, 0, 90).reshape(-1, 28, 28)
    assert any(np.array_equal(turned, np.rot90(square, k, axes=(1, 2))) for k in (1, 3))
    moved = warp_images(images[:6], [1, 0, -2, 2, 0, -1], [0, 2, -1, 2, 0, -2], 0)
    for original, copy, dy, dx in zip(square, moved, [1, 0, -2, 2, 0, -1], [0, 2, -1, 2, 0, -2]):
        np.testing.assert_array_equal(copy.reshape(28, 28), shifted(original, dy, dx))
    with pytest.raises(ValueError, match="whole"):
        warp_images(images[:2], 0.5, 0, 0)


def test_a_rotation_turns_the_digit_and_keeps_its_ink(images):
    out = augment_images(images, ["rotate"], 0)
    assert (np.abs(out - images).sum(axis=1) > 1).mean() > 0.9
    np.testing.assert_allclose(out.sum(axis=1), images.sum(axis=1), rtol=0.1)


def test_noise_has_the_declared_deviation_where_nothing_is_clipped(images):
    out = augment_images(images, ["noise"], 0)
    middle = (images > 0.4) & (images < 0.6)
    assert np.std(out[middle] - images[middle]) == pytest.approx(NOISE_SIGMA, rel=0.1)


def test_unknown_kinds_are_refused_with_the_allowed_names(images):
    with pytest.raises(ValueError, match="shift, rotate, noise"):
        augment_images(images, ["flip"], 0)


def small(**knobs) -> Session:
    return Session(dataset="mnist", mnist_train=300, mnist_test=100, hidden=[16], **knobs)


def test_training_sees_new_copies_each_epoch_and_the_test_images_stay(monkeypatch):
    made = []
    real = session_module.augment_images

    def counting(X, kinds, seed):
        made.append((X.shape[0], tuple(kinds), tuple(seed)))
        return real(X, kinds, seed)

    monkeypatch.setattr(session_module, "augment_images", counting)
    s = small(augment=["shift", "rotate"])
    raw_test = s.examples("test")[0].copy()
    raw_train = s.examples("train")[0].copy()
    first = s._epoch_inputs(s._fed_side("train"))
    assert not np.array_equal(first, raw_train)
    s.step(1)
    # An epoch in slices makes its copy once, not once per slice.
    made.clear()
    while s.train_slice(1) is None:
        pass
    assert made == [(300, ("shift", "rotate"), (0, 1))]
    assert not np.array_equal(first, s._epoch_inputs(s._fed_side("train")))
    np.testing.assert_array_equal(s.examples("test")[0], raw_test)
    np.testing.assert_array_equal(s.examples("train")[0], raw_train)


def test_an_augmented_run_is_reproducible_and_differs_from_a_plain_one():
    a, b, plain = small(augment=["noise"]), small(augment=["noise"]), small()
    for s in (a, b, plain):
        s.step(2)
    np.testing.assert_array_equal(a.model.get_weights()[0][0], b.model.get_weights()[0][0])
    assert not np.array_equal(a.model.get_weights()[0][0], plain.model.get_weights()[0][0])
    # The history measures the training side unaugmented, like the test side.
    assert a.history.last["test_accuracy"] == a.metrics("test")["accuracy"]


def test_an_epoch_in_slices_equals_a_whole_augmented_epoch():
    whole, sliced = small(augment=["shift"]), small(augment=["shift"])
    whole.step(1)
    while sliced.train_slice(2) is None:
        pass
    np.testing.assert_array_equal(whole.model.get_weights()[0][0], sliced.model.get_weights()[0][0])


def test_augmented_examples_are_what_the_epoch_trains_on_in_raw_pixels():
    s = small(augment=["rotate", "noise"], standardize="per_input")
    originals, augmented = s.augmented_examples(5)
    assert originals.shape == augmented.shape == (5, 784)
    np.testing.assert_array_equal(originals, s.examples("train")[0][:5])
    assert augmented.min() >= 0 and augmented.max() <= 1  # raw scale, not standardized
    np.testing.assert_allclose(
        s.inputs(augmented), s._epoch_inputs(s._fed_side("train"))[:5], rtol=1e-5, atol=1e-5
    )
    s.set(augment=[])
    assert [a.shape for a in s.augmented_examples()] == [(0, 784), (0, 784)]


def test_a_2d_set_ignores_augmentation_with_a_note():
    s = Session(dataset="xor", augment=["shift"])
    assert s.plan.augment == ()
    assert any("augmentation" in note for note in s.notes)
    assert [a.shape for a in s.augmented_examples()] == [(0, 784), (0, 784)]
    s.step(1)


def test_the_knob_round_trips_through_the_url_json_and_cli(capsys):
    config = Config(dataset="mnist", augment=["shift", "noise"])
    assert "augment=shift,noise" in config.to_query()
    assert Config.from_query(config.to_query())[0].augment == ["shift", "noise"]
    assert Config.from_json(config.to_json())[0].augment == ["shift", "noise"]
    argv = ["train", "--dataset", "mnist", "--mnist-train", "200", "--mnist-test", "100"]
    assert main([*argv, "--augment", "rotate", "--epochs", "1", "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "augment=rotate" in result["query"]
